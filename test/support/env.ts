// Test-wide environment: quiet Powertools output, and a region and dummy credentials so SDK clients
// built at module scope can be mocked or pointed at local emulators. Tests that read logs or metrics
// turn them on themselves.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
