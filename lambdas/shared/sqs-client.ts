// The SQS client (usage events), created once per execution environment; see clients.ts for why it has its own module.
import { SQSClient } from '@aws-sdk/client-sqs';

let sqsClient: SQSClient | undefined;

export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({ maxAttempts: 3 });
  return sqsClient;
}
