// The stack's non-route Lambdas, for the function construct, the twin and bundle checks.
export const WORKERS = {
  authorizer: { entry: 'functions/authorizer/handler.ts', timeoutSeconds: 5 },
  aggregator: { entry: 'functions/aggregator/handler.ts', timeoutSeconds: 60 },
  dailyJob: { entry: 'functions/daily-job/handler.ts', timeoutSeconds: 900 },
  alertSweeper: { entry: 'functions/alert-sweeper/handler.ts', timeoutSeconds: 120 },
} as const;
