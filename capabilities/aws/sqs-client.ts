// The SQS client (usage events), created once per execution environment; see clients.ts for why it has its own module.
import { SQSClient } from '@aws-sdk/client-sqs';
import { USAGE_SEND } from '../../contracts/usage-queue';

let sqsClient: SQSClient | undefined;

export function sqs(): SQSClient {
  // Only the usage publisher sends through this client; it owns the attempts and the total budget
  // (USAGE_SEND), so the SDK makes one attempt each time and a silent socket is cut off.
  sqsClient ??= new SQSClient({
    maxAttempts: 1,
    requestHandler: { connectionTimeout: USAGE_SEND.connectionTimeoutMs, requestTimeout: USAGE_SEND.attemptTimeoutMs },
  });
  return sqsClient;
}
