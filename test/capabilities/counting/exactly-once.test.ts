// The use case against DynamoDB Local with injected faults: crashes at every write, nested crashes,
// concurrent duplicate batches, throttling, conflicts and ambiguous timeouts. Counters must equal ground truth.
import { SimulatedCrash } from './support/faults';
import { freshTable, scanAll, sortedEntries, storedCounters, truthOf } from './support/table';
import { generateEvents, lastMidnight, mulberry32 } from './support/workload';
import { useCaseHarness } from './support/use-case-harness';
import { routeCountersFromItem } from '../../../capabilities/usage/counters';

const h = useCaseHarness(42);
const { records, aggregatorFor, deliverUntilDone } = h;

const events = generateEvents({ count: 30, clients: 5, routes: 3, seed: 3, ratePerSecond: 12, startMs: lastMidnight() - 2_000 });

test('a clean batch writes each client-day item once (its routes inside) and counts every event', async () => {
  const table = await freshTable(h.raw, 'clean');
  const before = h.faults.writes;
  const result = await aggregatorFor(table).aggregateBatch(records(events), { remainingTimeMs: 60_000 });
  expect(result.failures).toEqual([]);
  expect(result.counted).toBe(30);
  const clientDays = new Set(events.map((e) => `${e.clientId} ${e.day}`)).size;
  expect(result.counterWrites).toBe(clientDays);
  expect(sortedEntries(await storedCounters(h.doc, table))).toEqual(sortedEntries(truthOf(events)));
  // One item per client-day (issue 23): no route items.
  const counterItems = (await scanAll(h.doc, table)).filter((item) => String(item.pk).startsWith('USAGE#'));
  expect(counterItems.map((item) => String(item.sk)).every((sk) => /^DAY#\d{4}-\d{2}-\d{2}$/.test(sk))).toBe(true);
  expect(counterItems).toHaveLength(clientDays);
  // Exactness costs: journal head, body, 2 transitions, its pending-index entry and its removal, one claim entry
  // per requestTime second.
  const seconds = new Set(events.map((e) => e.requestTime.slice(0, 19))).size;
  expect(h.faults.writes - before).toBe(clientDays + 6 + seconds);
});

test('crashes during recovery (a resumer that crashes too) still count every event once', async () => {
  const pick = mulberry32(9);
  for (let trial = 0; trial < 8; trial++) {
    const table = await freshTable(h.raw, `nested${trial}`);
    h.faults.crashAfter(h.faults.writes + Math.floor(pick() * 40));
    await aggregatorFor(table)
      .aggregateBatch(records(events), { remainingTimeMs: 60_000 })
      .catch((e) => {
        if (!(e instanceof SimulatedCrash)) throw e;
      });
    h.faults.revive();
    h.now += 70_000;
    h.faults.crashAfter(h.faults.writes + Math.floor(pick() * 30));
    await aggregatorFor(table)
      .aggregateBatch(records(events.slice(5, 25), 'b'), { remainingTimeMs: 60_000 })
      .catch((e) => {
        if (!(e instanceof SimulatedCrash)) throw e;
      });
    h.faults.revive();
    h.now += 70_000;
    await deliverUntilDone(table, records(events, 'c'), 9);
    expect({ trial, counters: sortedEntries(await storedCounters(h.doc, table)) }).toEqual({
      trial,
      counters: sortedEntries(truthOf(events)),
    });
  }
});

test('the same events in concurrent batches, under throttling, conflicts and lost responses, count once', async () => {
  const many = generateEvents({ count: 150, clients: 6, routes: 3, seed: 11, ratePerSecond: 50 });
  const table = await freshTable(h.raw, 'concurrent');
  h.faults.plan = { throttleShare: 0.1, conflictShare: 0.05, timeoutBeforeShare: 0.05, timeoutAfterShare: 0.1 };
  // Four "containers" get overlapping batches at the same moment (SQS duplicates + producer retries).
  const deliveries = [
    records(many, 'a'),
    records([...many].reverse(), 'b'),
    records(many.slice(40, 120), 'c'),
    records(many.slice(0, 60), 'd'),
  ];
  const results = await Promise.all(
    deliveries.map((batch) =>
      aggregatorFor(table, { sleep: (ms) => new Promise((r) => setTimeout(r, ms / 10)) }).aggregateBatch(batch, {
        remainingTimeMs: 60_000,
      }),
    ),
  );
  h.faults.plan = {};
  h.now += 70_000;
  const leftover = deliveries.flat().filter((r) => results.some((res) => res.failures.includes(r.id)));
  if (leftover.length > 0) await deliverUntilDone(table, leftover, 50);
  expect(Object.keys(h.faults.injected).length).toBeGreaterThanOrEqual(3);
  expect(sortedEntries(await storedCounters(h.doc, table))).toEqual(sortedEntries(truthOf(many)));
  expect(results.reduce((sum, r) => sum + r.counted, 0)).toBeLessThanOrEqual(150);
});

test('markers of complete journals are removed, so hot counter items stay small', async () => {
  const table = await freshTable(h.raw, 'markers');
  const hot = generateEvents({ count: 400, clients: 1, routes: 1, seed: 5, ratePerSecond: 100 });
  const aggregator = aggregatorFor(table);
  for (let i = 0; i < hot.length; i += 20) {
    await aggregator.aggregateBatch(records(hot.slice(i, i + 20), `h${i}`), { remainingTimeMs: 60_000 });
    h.now += 1_000;
  }
  const items = (await scanAll(h.doc, table)).filter((item) => String(item.pk).startsWith('USAGE#'));
  expect(items).toHaveLength(1); // the day item, its route inside
  for (const item of items) {
    expect(Object.keys(item).filter((k) => k.startsWith('m_')).length).toBeLessThanOrEqual(2);
    expect(item.requests).toBe(400);
    expect([...routeCountersFromItem(item).values()].map((route) => route.requests)).toEqual([400]);
  }
});
