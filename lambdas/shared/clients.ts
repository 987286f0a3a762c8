// AWS SDK clients and the resource names the stack passes in, created once per execution environment.
// Endpoints follow the SDK's own variables (AWS_ENDPOINT_URL_DYNAMODB, _SQS, _S3), which the local twin sets.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import { USAGE_SEND } from '../../contracts/usage-queue';

export const resources = {
  tableName: process.env.TABLE_NAME ?? '',
  usageQueueUrl: process.env.USAGE_QUEUE_URL ?? '',
  archiveBucket: process.env.ARCHIVE_BUCKET ?? '',
  stage: process.env.STAGE ?? 'dev',
};

/** Attempts per DynamoDB call in the SDK's standard retry mode (the simulator emulates the same loop). */
export const DYNAMODB_MAX_ATTEMPTS = 3;

let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let s3Client: S3Client | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: DYNAMODB_MAX_ATTEMPTS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function sqs(): SQSClient {
  // Only the usage publisher sends through this client; it owns the attempts and the total budget
  // (USAGE_SEND), so the SDK makes one attempt each time and a silent socket is cut off.
  sqsClient ??= new SQSClient({
    maxAttempts: 1,
    requestHandler: { connectionTimeout: USAGE_SEND.connectionTimeoutMs, requestTimeout: USAGE_SEND.attemptTimeoutMs },
  });
  return sqsClient;
}

export function s3(): S3Client {
  s3Client ??= new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' });
  return s3Client;
}
