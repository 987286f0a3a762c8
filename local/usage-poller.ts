// The aggregator's SQS event source, locally: the shared event-source poller on the usage queue,
// invoking the aggregator handler with the stage's batch size, batching window and concurrency.
import type { StageConfig } from '../lib/config/stages';

export interface UsagePoller {
  /** Resolves once the queue is empty and no batch is in flight. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface UsagePollerOptions {
  readonly queueUrl: string;
  readonly sqsEndpoint: string;
  readonly stage: StageConfig;
  readonly log: (line: string) => void;
}

export async function startUsagePoller(options: UsagePollerOptions): Promise<UsagePoller> {
  // Placeholder until local/event-source-poller.ts lands.
  options.log('usage poller: not available yet (local/event-source-poller.ts missing); usage is not aggregated');
  return { drain: async () => undefined, stop: async () => undefined };
}
