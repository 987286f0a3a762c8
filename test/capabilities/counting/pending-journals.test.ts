// Edge 6 of issue 19: a journal left pending (its batch crashed between its first and last counter write) is
// finished by the aggregator's next batches, whatever they hold, without waiting for its own events to come
// back. Before, only a redelivery of one of its events finished it, so if they came back too late (refused as
// older than the claim retention) or never, its route counters and day totals disagreed for good.
import { SimulatedCrash } from './support/faults';
import { freshTable, sortedEntries, storedCounters, truthOf } from './support/table';
import { generateEvents, lastMidnight } from './support/workload';
import { useCaseHarness } from './support/use-case-harness';

const h = useCaseHarness(6);
const { records, aggregatorFor, deliverUntilDone } = h;

const crashed = generateEvents({ count: 12, clients: 3, routes: 3, seed: 61, ratePerSecond: 10, startMs: lastMidnight() - 5_000 });
const unrelated = generateEvents({ count: 4, clients: 2, routes: 1, seed: 62, ratePerSecond: 10, startMs: lastMidnight() - 60_000 }).map(
  (e, i) => ({ ...e, eventId: `unrelated-${i}` }),
);

test('a batch that crashed at any write leaves all of its counts or none once the next batches ran, and exact counts after redelivery', async () => {
  const probe = await freshTable(h.raw, 'probe');
  const before = h.faults.writes;
  await aggregatorFor(probe, { concurrency: 1 }).aggregateBatch(records(crashed), { remainingTimeMs: 60_000 });
  const totalWrites = h.faults.writes - before;
  const all = sortedEntries(truthOf([...crashed, ...unrelated]));
  const none = sortedEntries(truthOf(unrelated));
  let finishedByOthers = 0;
  for (let n = 0; n < totalWrites; n++) {
    const table = await freshTable(h.raw, `pending${n}`);
    h.faults.crashAfter(h.faults.writes + n);
    // One request at a time, so a crash can fall between two counter writes of the same journal.
    await aggregatorFor(table, { concurrency: 1 })
      .aggregateBatch(records(crashed), { remainingTimeMs: 60_000 })
      .catch((error) => expect(error).toBeInstanceOf(SimulatedCrash));
    h.faults.revive();
    h.now += 70_000; // past the crashed batch's lease

    // Other events only (the crashed batch's are in the DLQ, or came back too late to be counted).
    await deliverUntilDone(table, records(unrelated, 'u'), 4);
    const afterOthers = sortedEntries(await storedCounters(h.doc, table));
    expect({ n, consistent: [JSON.stringify(all), JSON.stringify(none)].includes(JSON.stringify(afterOthers)) }).toEqual({
      n,
      consistent: true,
    });
    if (JSON.stringify(afterOthers) === JSON.stringify(all)) finishedByOthers += 1;

    // Then the crashed batch's events come back after all: each counted once.
    await deliverUntilDone(table, records(crashed, 'r'), 5);
    expect({ n, counters: sortedEntries(await storedCounters(h.doc, table)) }).toEqual({ n, counters: all });
  }
  // The crash points between "pending" and "complete" are the ones other batches had to finish.
  expect(finishedByOthers).toBeGreaterThan(truthOf(crashed).size / 2);
});
