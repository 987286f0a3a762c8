// The stack's non-route Lambdas, for the function construct, the twin and bundle checks.
export const WORKERS = {
  authorizer: { entry: 'functions/authorizer/handler.ts', timeoutSeconds: 5 },
  aggregator: { entry: 'functions/aggregator/handler.ts', timeoutSeconds: 60 },
  dailyJob: { entry: 'functions/daily-job/handler.ts', timeoutSeconds: 900 },
  alertSweeper: { entry: 'functions/alert-sweeper/handler.ts', timeoutSeconds: 120 },
} as const;

/**
 * The scheduled Stripe push: opt-in per stage (`billingPush.schedule` in contracts/stages.ts), so not among WORKERS,
 * which every stack and the twin run. The CLI (`npm run billing:push`) does the same work on demand.
 */
export const BILLING_PUSH_WORKER = { entry: 'functions/billing-push/handler.ts', timeoutSeconds: 600 } as const;
