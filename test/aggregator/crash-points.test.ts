// The use case against DynamoDB Local: a crash after every possible number of writes, then redelivery
// in a different grouping by new containers. Counters must equal ground truth at every crash point.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAggregator, type AggregatorOptions } from '../../lambdas/aggregator/aggregate-batch';
import type { RecordBody } from '../../lambdas/aggregator/aggregate';
import type { UsageEvent } from '../../lambdas/shared/usage-event';
import { startDynamoDbLocal } from '../../local/services/dynamodb-local';
import type { RunningService } from '../../local/services/child-service';
import { injectFaults, SimulatedCrash, type FaultInjector } from './support/faults';
import { dynamoClients, freshTable, sortedEntries, storedCounters, truthOf } from './support/table';
import { generateEvents, mulberry32 } from './support/workload';

let ddb: RunningService;
let raw: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let faults: FaultInjector;
let now = 0;
const rng = mulberry32(42);

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  ({ raw, doc } = dynamoClients(ddb.endpoint));
  faults = injectFaults(raw, rng);
});
afterAll(async () => {
  raw?.destroy();
  await ddb?.stop();
});
beforeEach(() => { faults.revive(); faults.plan = {}; now = Date.now(); }); // near real time: DynamoDB Local deletes items whose TTL has passed

const records = (events: readonly UsageEvent[], prefix = 'm') => events.map((e, i): RecordBody => ({ id: `${prefix}-${i}`, body: JSON.stringify(e) }));
const aggregatorFor = (tableName: string, extra: Partial<AggregatorOptions> = {}) =>
  createAggregator({ doc, tableName, clock: () => now, leaseMarginMs: 100, safetyMs: 0, markerGraceMs: 0, sleep: async () => undefined, ...extra });

/** Redelivers the given records (split into batches) until every one is acknowledged; returns the rounds taken. */
async function deliverUntilDone(tableName: string, all: RecordBody[], batchSize: number, maxRounds = 6): Promise<number> {
  let pending = all;
  for (let round = 1; round <= maxRounds; round++) {
    const aggregator = aggregatorFor(tableName); // a new container each round
    const failed: RecordBody[] = [];
    for (let i = 0; i < pending.length; i += batchSize) {
      const batch = pending.slice(i, i + batchSize);
      const result = await aggregator.aggregateBatch(batch, { remainingTimeMs: 60_000 });
      failed.push(...batch.filter((r) => result.failures.includes(r.id)));
    }
    if (failed.length === 0) return round;
    pending = failed;
    now += 70_000; // past every lease
  }
  throw new Error(`records still failing after ${maxRounds} rounds: ${pending.length}`);
}

const events = generateEvents({ count: 30, clients: 5, routes: 3, seed: 3, ratePerSecond: 12, startMs: Date.UTC(2026, 0, 1, 23, 59, 58) });

test('a crash after any number of writes, then redelivery in other batches, counts every event once', async () => {
  const clean = await freshTable(raw, 'probe');
  const before = faults.writes;
  await aggregatorFor(clean).aggregateBatch(records(events), { remainingTimeMs: 60_000 });
  const totalWrites = faults.writes - before;
  expect(totalWrites).toBeGreaterThan(20);
  for (let n = 0; n <= totalWrites; n++) {
    const table = await freshTable(raw, `crash${n}`);
    faults.crashAfter(faults.writes + n);
    const crashed = aggregatorFor(table).aggregateBatch(records(events), { remainingTimeMs: 60_000 });
    if (n < totalWrites) await expect(crashed).rejects.toThrow(SimulatedCrash); else await crashed;
    faults.revive();
    now += 70_000;
    // SQS brings the messages back in a different grouping, twice over for good measure.
    await deliverUntilDone(table, [...records(events, 'r').reverse(), ...records(events.slice(0, 10), 'x')], 7).catch((e) => { throw new Error(`crash after ${n} writes: ${(e as Error).message}`); });
    expect({ n, counters: sortedEntries(await storedCounters(doc, table)) }).toEqual({ n, counters: sortedEntries(truthOf(events)) });
  }
});

