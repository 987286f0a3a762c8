// The SQS client (usage events), created once per execution environment; see clients.ts for why it has its own module.
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

/**
 * Only the usage publisher sends through this client, and it owns the attempts and the wall-clock budget
 * (USAGE_SEND): each attempt's own timer aborts the request (connecting or waiting alike), so the SDK makes one
 * attempt per call; its retries (and their backoff) would be hidden from the publisher's count of attempts.
 */
export const USAGE_QUEUE_CLIENT_CONFIG = { maxAttempts: 1 } as const satisfies SQSClientConfig;

let sqsClient: SQSClient | undefined;

export function sqs(): SQSClient {
  sqsClient ??= new SQSClient(USAGE_QUEUE_CLIENT_CONFIG);
  return sqsClient;
}
