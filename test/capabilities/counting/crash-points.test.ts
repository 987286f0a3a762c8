// The use case against DynamoDB Local: a crash after every possible number of writes, then redelivery
// in a different grouping by new containers. Counters must equal ground truth at every crash point.
import { SimulatedCrash } from './support/faults';
import { freshTable, sortedEntries, storedCounters, truthOf } from './support/table';
import { generateEvents, lastMidnight } from './support/workload';
import { useCaseHarness } from './support/use-case-harness';

const h = useCaseHarness(42);
const { records, aggregatorFor, deliverUntilDone } = h;

const events = generateEvents({ count: 30, clients: 5, routes: 3, seed: 3, ratePerSecond: 12, startMs: lastMidnight() - 2_000 });

test('a crash after any number of writes, then redelivery in other batches, counts every event once', async () => {
  const clean = await freshTable(h.raw, 'probe');
  const before = h.faults.writes;
  await aggregatorFor(clean).aggregateBatch(records(events), { remainingTimeMs: 60_000 });
  const totalWrites = h.faults.writes - before;
  expect(totalWrites).toBeGreaterThan(15); // one write per client-day since issue 23;
  for (let n = 0; n <= totalWrites; n++) {
    const table = await freshTable(h.raw, `crash${n}`);
    h.faults.crashAfter(h.faults.writes + n);
    const crashed = aggregatorFor(table).aggregateBatch(records(events), { remainingTimeMs: 60_000 });
    // The use case stops writing at the crash (every later request fails); its answer is never delivered.
    await crashed.catch((error) => expect(error).toBeInstanceOf(SimulatedCrash));
    expect(h.faults.crashed).toBe(n < totalWrites);
    h.faults.revive();
    h.now += 70_000;
    // SQS brings the messages back in a different grouping, twice over for good measure.
    await deliverUntilDone(table, [...records(events, 'r').reverse(), ...records(events.slice(0, 10), 'x')], 7).catch((e) => {
      throw new Error(`crash after ${n} writes: ${(e as Error).message}`);
    });
    expect({ n, counters: sortedEntries(await storedCounters(h.doc, table)) }).toEqual({ n, counters: sortedEntries(truthOf(events)) });
  }
});
