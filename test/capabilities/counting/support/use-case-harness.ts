// Shared set-up of the use-case fault tests: DynamoDB Local with a fault-injecting client, a controllable
// clock, and helpers that deliver records batch by batch until every one is acknowledged.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAggregator, type AggregatorOptions } from '../../../../capabilities/counting/exactly-once';
import type { RecordBody } from '../../../../capabilities/counting/counter-deltas';
import type { UsageEvent } from '../../../../contracts/usage-event';
import { startDynamoDbLocal } from '../../../../local/services/dynamodb-local';
import type { RunningService } from '../../../../local/services/child-service';
import { injectFaults, type FaultInjector } from './faults';
import { dynamoClients } from './table';
import { mulberry32 } from './workload';

export interface UseCaseHarness {
  raw: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  faults: FaultInjector;
  /** The aggregator's clock, in ms; tests move it past leases. */
  now: number;
  readonly rng: () => number;
  records(events: readonly UsageEvent[], prefix?: string): RecordBody[];
  aggregatorFor(tableName: string, extra?: Partial<AggregatorOptions>): ReturnType<typeof createAggregator>;
  /** Redelivers the given records (split into batches) until every one is acknowledged; returns the rounds taken. */
  deliverUntilDone(tableName: string, all: RecordBody[], batchSize: number, maxRounds?: number): Promise<number>;
}

/** Registers beforeAll/afterAll/beforeEach hooks in the calling test file and returns the harness. */
export function useCaseHarness(seed = 42): UseCaseHarness {
  let ddb: RunningService;
  const h = {
    now: 0,
    rng: mulberry32(seed),
    records: (events, prefix = 'm') => events.map((e, i): RecordBody => ({ id: `${prefix}-${i}`, body: JSON.stringify(e) })),
    aggregatorFor: (tableName, extra = {}) =>
      createAggregator({
        doc: h.doc,
        tableName,
        clock: () => h.now,
        leaseMarginMs: 100,
        safetyMs: 0,
        markerGraceMs: 0,
        sleep: async () => undefined,
        ...extra,
      }),
    async deliverUntilDone(tableName, all, batchSize, maxRounds = 6) {
      let pending = all;
      for (let round = 1; round <= maxRounds; round++) {
        const aggregator = h.aggregatorFor(tableName); // a new container each round
        const failed: RecordBody[] = [];
        for (let i = 0; i < pending.length; i += batchSize) {
          const batch = pending.slice(i, i + batchSize);
          const result = await aggregator.aggregateBatch(batch, { remainingTimeMs: 60_000 });
          failed.push(...batch.filter((r) => result.failures.includes(r.id)));
        }
        if (failed.length === 0) return round;
        pending = failed;
        h.now += 70_000; // past every lease
      }
      throw new Error(`records still failing after ${maxRounds} rounds: ${pending.length}`);
    },
  } as UseCaseHarness;

  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    ({ raw: h.raw, doc: h.doc } = dynamoClients(ddb.endpoint));
    h.faults = injectFaults(h.raw, h.rng);
  });
  afterAll(async () => {
    h.raw?.destroy();
    await ddb?.stop();
  });
  // Near real time: DynamoDB Local deletes items whose TTL has passed.
  beforeEach(() => {
    h.faults.revive();
    h.faults.plan = {};
    h.now = Date.now();
  });
  return h;
}
