// Stateful resources keep their logical IDs: a changed ID makes CloudFormation replace the resource
// (a new, empty table, bucket or queue). Change these only with a migration plan.
import { templateFor } from './support/synth';

const PINNED = {
  StoreUsageTable8B3D77A1: 'AWS::DynamoDB::GlobalTable',
  StoreArchiveBucketA046BAC9: 'AWS::S3::Bucket',
  StoreArchiveAccessLogs92D40317: 'AWS::S3::Bucket',
  PipelineUsageQueueFF386261: 'AWS::SQS::Queue',
  PipelineUsageDeadLetterQueue962C61AD: 'AWS::SQS::Queue',
  DailyJobDeadLetterQueueB15FC3E0: 'AWS::SQS::Queue',
  QuotaAlertsDeadLetterQueueE84F09FC: 'AWS::SQS::Queue',
} as const;

describe.each(['dev', 'prod'] as const)('logical IDs (%s)', (stageName) => {
  test('the table, buckets and queues keep their logical IDs', () => {
    const resources = templateFor(stageName).toJSON().Resources as Record<string, { Type: string }>;
    for (const [logicalId, type] of Object.entries(PINNED)) {
      expect({ logicalId, type: resources[logicalId]?.Type }).toEqual({ logicalId, type });
    }
    // And there are no other stateful resources of those types the pin list does not know of.
    const stateful = Object.entries(resources)
      .filter(([, r]) => ['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SQS::Queue'].includes(r.Type))
      .map(([id]) => id)
      .sort();
    expect(stateful).toEqual(Object.keys(PINNED).sort());
  });
});
