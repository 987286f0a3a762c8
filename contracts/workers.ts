// The stack's non-route Lambdas, for the function construct, the twin and bundle checks.
export const WORKERS = {
  authorizer: { entry: 'lambdas/authorizer/handler.ts', timeoutSeconds: 5 },
  aggregator: { entry: 'lambdas/aggregator/handler.ts', timeoutSeconds: 60 },
  dailyJob: { entry: 'lambdas/daily-job/handler.ts', timeoutSeconds: 900 },
  alertSweeper: { entry: 'lambdas/usage-alerts/sweeper-handler.ts', timeoutSeconds: 120 },
} as const;
