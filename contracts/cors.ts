// CORS preflight settings of every resource (origins are per stage: StageConfig.corsOrigins).
// Read by the CDK API construct and by the local twin's gateway.

export const CORS_PREFLIGHT = {
  allowHeaders: ['Content-Type', 'X-Api-Key'],
  exposeHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After'],
  maxAgeSeconds: 600,
} as const;
