// Creates the stack's data resources in the local emulators: the usage table (key schema from
// contracts/table), the usage queue with its DLQ and redrive policy (contracts/usage-queue), and the
// archive bucket.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { TABLE_KEYS } from '../contracts/table';
import { USAGE_QUEUE } from '../contracts/usage-queue';
import { USAGE_QUEUE_VISIBILITY_SECONDS } from '../contracts/stages';

import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalCredentials } from './fake-aws';

export { LOCAL_CREDENTIALS, LOCAL_REGION };

/** Resource names in the emulators (CDK names them in AWS). */
export const LOCAL_NAMES = {
  tableName: 'metered-api-usage',
  usageQueue: 'metered-api-usage-events',
  deadLetterQueue: 'metered-api-usage-events-dlq',
  archiveBucket: 'metered-api-usage-archive',
} as const;

const DAY_SECONDS = 86_400;

export interface LocalResources {
  readonly tableName: string;
  readonly usageQueueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly archiveBucket: string;
}

/**
 * Queue URLs in path style on the emulator's endpoint. fauxqs answers `http://sqs.<region>.127.0.0.1:<port>/…`,
 * which WHATWG URL parsing rejects (a host ending in a number must be an IPv4 address), and the SQS client
 * parses queue URLs; fauxqs finds a queue by the name at the end of the path, whatever the host.
 */
export function localQueueUrl(sqsEndpoint: string, queueName: string): string {
  return `${sqsEndpoint}/000000000000/${queueName}`;
}

/** The names and URLs the resources will have, known before the emulators start. */
export function expectedResources(sqsEndpoint: string): LocalResources {
  const queueUrl = (name: string) => localQueueUrl(sqsEndpoint, name);
  return {
    tableName: LOCAL_NAMES.tableName,
    usageQueueUrl: queueUrl(LOCAL_NAMES.usageQueue),
    deadLetterQueueUrl: queueUrl(LOCAL_NAMES.deadLetterQueue),
    archiveBucket: LOCAL_NAMES.archiveBucket,
  };
}

export interface Endpoints {
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string;
  readonly s3Endpoint: string;
}

/** Idempotent: with `--persist` the resources may already exist. */
export async function createLocalResources(
  endpoints: Endpoints,
  credentials: LocalCredentials = LOCAL_CREDENTIALS,
): Promise<LocalResources> {
  const common = { region: LOCAL_REGION, credentials };
  const dynamo = new DynamoDBClient({ ...common, endpoint: endpoints.dynamoEndpoint });
  const sqs = new SQSClient({ ...common, endpoint: endpoints.sqsEndpoint });
  const s3 = new S3Client({ ...common, endpoint: endpoints.s3Endpoint, forcePathStyle: true });
  try {
    const [, queues] = await Promise.all([
      createUsageTable(dynamo, LOCAL_NAMES.tableName),
      createUsageQueues(sqs, endpoints.sqsEndpoint),
      createBucket(s3, LOCAL_NAMES.archiveBucket),
    ]);
    return { tableName: LOCAL_NAMES.tableName, archiveBucket: LOCAL_NAMES.archiveBucket, ...queues };
  } finally {
    dynamo.destroy();
    sqs.destroy();
    s3.destroy();
  }
}

export async function createUsageTable(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.timeToLive, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  }
}

async function createUsageQueues(
  sqs: SQSClient,
  sqsEndpoint: string,
): Promise<Pick<LocalResources, 'usageQueueUrl' | 'deadLetterQueueUrl'>> {
  await ensureQueue(sqs, sqsEndpoint, LOCAL_NAMES.deadLetterQueue, {
    MessageRetentionPeriod: String(USAGE_QUEUE.deadLetterRetentionDays * DAY_SECONDS),
  });
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: localQueueUrl(sqsEndpoint, LOCAL_NAMES.deadLetterQueue), AttributeNames: ['QueueArn'] }),
  );
  await ensureQueue(sqs, sqsEndpoint, LOCAL_NAMES.usageQueue, {
    VisibilityTimeout: String(USAGE_QUEUE_VISIBILITY_SECONDS),
    MessageRetentionPeriod: String(USAGE_QUEUE.retentionDays * DAY_SECONDS),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: attributes.Attributes!.QueueArn, maxReceiveCount: USAGE_QUEUE.maxReceiveCount }),
  });
  return {
    usageQueueUrl: localQueueUrl(sqsEndpoint, LOCAL_NAMES.usageQueue),
    deadLetterQueueUrl: localQueueUrl(sqsEndpoint, LOCAL_NAMES.deadLetterQueue),
  };
}

/** Creates a queue, or (kept with --persist from an older configuration) brings its attributes up to date. */
async function ensureQueue(sqs: SQSClient, sqsEndpoint: string, name: string, attributes: Record<string, string>): Promise<void> {
  try {
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  } catch (error) {
    if (!/QueueNameExists|QueueAlreadyExists/.test((error as Error).name)) throw error;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: localQueueUrl(sqsEndpoint, name), Attributes: attributes }));
  }
}

async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
}
