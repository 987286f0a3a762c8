// The aggregator's SQS event source, locally: the shared event-source poller on the usage queue,
// invoking the aggregator handler with the stage's batch size, batching window and concurrency.
import { SQSClient } from '@aws-sdk/client-sqs';
import { WORKERS } from '../contracts/workers';
import type { StageConfig } from '../contracts/stages';
import { createEventSourcePoller, type PollerStats, type SqsHandler } from './event-source-poller';
import { LOCAL_REGION, localFunctionName, type LocalCredentials } from './fake-aws';

export interface UsagePoller {
  /** Resolves once the queue is empty and no batch is in flight. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  readonly stats: Readonly<PollerStats>;
}

export interface UsagePollerOptions {
  readonly queueUrl: string;
  readonly sqsEndpoint: string;
  /** The twin's credentials (Lambda's event source polls as the function's role). */
  readonly credentials: LocalCredentials;
  readonly stage: StageConfig;
  /** The aggregator function. */
  readonly handler: SqsHandler;
  readonly log: (line: string) => void;
}

export async function startUsagePoller(options: UsagePollerOptions): Promise<UsagePoller> {
  const sqs = new SQSClient({ endpoint: options.sqsEndpoint, region: LOCAL_REGION, credentials: options.credentials });
  let stopping = false;
  const poller = createEventSourcePoller({
    sqs,
    queueUrl: options.queueUrl,
    handler: options.handler,
    batchSize: options.stage.usageBatchSize,
    batchWindowMs: options.stage.usageBatchWindowSeconds * 1000,
    concurrency: options.stage.aggregatorMaxConcurrency,
    functionTimeoutMs: WORKERS.aggregator.timeoutSeconds * 1000,
    functionName: localFunctionName(options.stage.stageName, 'aggregator'),
    region: LOCAL_REGION,
    // A failed batch's messages come back after the visibility timeout (and go to the DLQ after 5 receives).
    onError: (error) => {
      if (!stopping) options.log(`usage poller: ${(error as Error)?.stack ?? String(error)}`);
    },
  });
  poller.start();
  return {
    stats: poller.stats,
    drain: (timeoutMs) => poller.drain({ timeoutMs }),
    stop: async () => {
      stopping = true;
      await poller.stop();
      sqs.destroy();
    },
  };
}
