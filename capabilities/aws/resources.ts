// Resource names the stack passes in, read once per execution environment; no SDK is loaded here.
export const resources = {
  tableName: process.env.TABLE_NAME ?? '',
  usageQueueUrl: process.env.USAGE_QUEUE_URL ?? '',
  archiveBucket: process.env.ARCHIVE_BUCKET ?? '',
  stage: process.env.STAGE ?? 'dev',
};

/** What the admin function is told: its API and stage (for API Gateway calls) and its audit log group. */
export const adminResources = {
  tableName: resources.tableName,
  restApiId: process.env.REST_API_ID ?? '',
  stageName: process.env.STAGE ?? 'dev',
  auditLogGroup: process.env.AUDIT_LOG_GROUP ?? '',
};
