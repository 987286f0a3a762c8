// The DynamoDB client, created once per execution environment. Each SDK client has its own module
// (sqs-client.ts, s3-client.ts) so a bundle loads only the SDK packages its function uses: every
// `@aws-sdk/*` import is an external `require` that runs at module init, used or not.
// Endpoints follow the SDK's own variables (AWS_ENDPOINT_URL_DYNAMODB, _SQS, _S3), which the local twin sets.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Attempts per DynamoDB call in the SDK's standard retry mode (the simulator emulates the same loop). */
export const DYNAMODB_MAX_ATTEMPTS = 3;

let documentClient: DynamoDBDocumentClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: DYNAMODB_MAX_ATTEMPTS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

/**
 * The same client, made on its first call instead of now (a function whose module init builds clients pays for it
 * before any request: bench/README.md "Cold start"). Only `send` is offered, all the code here calls.
 */
export function dynamoOnFirstUse(): DynamoDBDocumentClient {
  return { send: (command: Parameters<DynamoDBDocumentClient['send']>[0]) => dynamo().send(command) } as DynamoDBDocumentClient;
}
