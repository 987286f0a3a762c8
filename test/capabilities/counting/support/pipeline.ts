// The aggregator behind a real queue: DynamoDB Local + fauxqs + the event-source poller, with faults
// injected into DynamoDB and into deliveries. Each scenario gets its own table and queue pair.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { createAggregator, type BatchResult } from '../../../../capabilities/counting/exactly-once';
import { parseRecord } from '../../../../capabilities/counting/counter-deltas';
import { createSqsAggregatorHandler } from '../../../../capabilities/counting/sqs-handler';
import type { CounterValues } from '../../../../capabilities/usage/counters';
import type { UsageEvent } from '../../../../contracts/usage-event';
import { createEventSourcePoller } from '../../../../local/event-source-poller';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../../local/resources';
import { startDynamoDbLocal } from '../../../../local/services/dynamodb-local';
import { startFauxqs } from '../../../../local/services/fauxqs';
import type { RunningService } from '../../../../local/services/child-service';
import { SimulatedCrash, injectFaults, type FaultInjector, type FaultPlan } from './faults';
import { countersOf, dynamoClients, freshTable, storedCounters, truthOf } from './table';
import { mulberry32 } from './workload';

export interface Pipeline {
  readonly raw: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly faults: FaultInjector;
  stop(): Promise<void>;
}

export async function startPipeline(): Promise<Pipeline> {
  const [ddb, fauxqs]: RunningService[] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
  const { raw, doc } = dynamoClients(ddb.endpoint);
  const sqs = new SQSClient({ endpoint: fauxqs.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const faults = injectFaults(raw, mulberry32(7));
  return {
    raw,
    doc,
    sqs,
    faults,
    async stop() {
      raw.destroy();
      sqs.destroy();
      await Promise.all([ddb.stop(), fauxqs.stop()]);
    },
  };
}

export interface Scenario {
  readonly events: readonly UsageEvent[];
  /** Bodies that can never be counted. */
  readonly poison?: readonly string[];
  /** Share of events also sent a second time as another message (a producer retry). */
  readonly resendShare?: number;
  /** Share of successfully counted records reported failed anyway, so SQS delivers them again. */
  readonly redeliverShare?: number;
  /** Share of invocations that crash after a random number of DynamoDB writes. */
  readonly crashShare?: number;
  readonly faultPlan?: FaultPlan;
  /** Receives before the DLQ (@default 5); with a 3 s visibility timeout a loaded machine can use a few honestly. */
  readonly maxReceiveCount?: number;
  readonly seed?: number;
}

export interface ScenarioOutcome {
  readonly counters: Map<string, CounterValues>;
  readonly truth: Map<string, CounterValues>;
  readonly deadLetters: string[];
  readonly metrics: Record<string, number>;
  readonly invocations: number;
  /** Invocations that ran past the function timeout. */
  readonly timedOut: number;
  readonly crashes: number;
  /** Batches whose counter writes exceeded the distinct counter keys of their valid records. */
  readonly overWrittenBatches: number;
  readonly injected: Record<string, number>;
}

let queues = 0;

export async function runScenario(pipeline: Pipeline, scenario: Scenario): Promise<ScenarioOutcome> {
  const rng = mulberry32(scenario.seed ?? 1);
  const { sqs, faults } = pipeline;
  const tableName = await freshTable(pipeline.raw, 'pipeline');
  const name = `usage-${process.pid}-${++queues}`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: '3',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: scenario.maxReceiveCount ?? 5 }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl!;

  // Producer: every event once, some twice (separate messages, sometimes in the same send), poison mixed in.
  const bodies: string[] = scenario.events.map((e) => JSON.stringify(e));
  for (const e of scenario.events)
    if (rng() < (scenario.resendShare ?? 0)) bodies.splice(Math.floor(rng() * bodies.length), 0, JSON.stringify(e));
  for (const p of scenario.poison ?? []) bodies.splice(Math.floor(rng() * bodies.length), 0, p);
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody })),
      }),
    );
  }

  const metrics: Record<string, number> = {};
  let crashes = 0;
  let overWrittenBatches = 0;
  const aggregator = createAggregator({ doc: pipeline.doc, tableName, leaseMarginMs: 300, safetyMs: 300, markerGraceMs: 500 });
  const results: BatchResult[] = [];
  const inner = createSqsAggregatorHandler({
    aggregator: {
      async aggregateBatch(records, invocation) {
        const result = await aggregator.aggregateBatch(records, invocation);
        results.push(result);
        const valid = records.map(parseRecord).flatMap((r) => (r.kind === 'event' ? [r.event] : []));
        if (result.resumed === 0 && result.counterWrites > countersOf(valid).size) overWrittenBatches += 1;
        return result;
      },
    },
    logger: { info: () => undefined, warn: () => undefined },
    metrics: {
      addMetric: (metric: string, _unit: unknown, value: number) => {
        metrics[metric] = (metrics[metric] ?? 0) + value;
      },
    },
  });
  const poller = createEventSourcePoller({
    sqs,
    queueUrl,
    batchSize: 25,
    batchWindowMs: 100,
    concurrency: scenario.crashShare ? 1 : 2,
    functionTimeoutMs: 2_000,
    handler: async (event, context): Promise<SQSBatchResponse> => {
      faults.revive();
      if (rng() < (scenario.crashShare ?? 0)) faults.crashAfter(faults.writes + Math.floor(rng() * 60));
      // A crashed container answers nothing: whatever the use case returned after the crash is discarded.
      const response = await inner(event, context).catch((error) => {
        if (faults.crashed) crashes += 1;
        throw error;
      });
      if (faults.crashed) {
        crashes += 1;
        faults.revive();
        throw new SimulatedCrash();
      }
      faults.revive();
      // At-least-once delivery: some records that were counted come back anyway.
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      for (const record of event.Records) {
        if (!failed.has(record.messageId) && rng() < (scenario.redeliverShare ?? 0))
          response.batchItemFailures.push({ itemIdentifier: record.messageId });
      }
      return response;
    },
  });
  faults.plan = scenario.faultPlan ?? {};
  const injectedBefore = { ...faults.injected };
  poller.start();
  try {
    await poller.drain({ timeoutMs: 50_000 });
  } finally {
    // A timed-out invocation may still be counting (Lambda would have ended it): its counts and metrics are awaited.
    await poller.stop({ awaitTimedOutMs: 60_000 });
    faults.plan = {};
    faults.revive();
  }
  const injected = Object.fromEntries(Object.entries(faults.injected).map(([k, v]) => [k, v - (injectedBefore[k] ?? 0)]));

  const deadLetters: string[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!out.Messages?.length) break;
    deadLetters.push(...out.Messages.map((m) => m.Body ?? ''));
  }
  return {
    counters: await storedCounters(pipeline.doc, tableName),
    truth: truthOf(scenario.events),
    deadLetters,
    metrics,
    invocations: poller.stats.invocations,
    timedOut: poller.stats.timedOut,
    crashes,
    overWrittenBatches,
    injected,
  };
}
