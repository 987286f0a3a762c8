// Resource names the stack passes in, read once per execution environment; no SDK is loaded here.
export const resources = {
  tableName: process.env.TABLE_NAME ?? '',
  usageQueueUrl: process.env.USAGE_QUEUE_URL ?? '',
  archiveBucket: process.env.ARCHIVE_BUCKET ?? '',
  stage: process.env.STAGE ?? 'dev',
};
