// Edge 4 of issue 19: an event id is claimed once, whatever its payload. Before, a copy of an event with the same
// eventId but its requestTime in another second landed on another claim page, was counted a second time and no
// conflict was reported (PROTOCOL.md promised one). Now the id carries its request second (usageEventId) and the
// claim page is taken from it. Against DynamoDB Local, with crashes and concurrent batches.
import { SimulatedCrash } from './support/faults';
import { freshTable, storedCounters } from './support/table';
import { useCaseHarness } from './support/use-case-harness';
import { helloEvent } from './support/events';
import { CLAIM_RETENTION_DAYS } from '../../../contracts/usage-queue';
import { type UsageEvent, usageEventId } from '../../../contracts/usage-event';

const h = useCaseHarness(19);
const DAY_MS = 86_400_000;

const dayTotal = async (table: string, day: string) => (await storedCounters(h.doc, table)).get(`client-1\u0000${day}`)?.requests ?? 0;
const total = async (table: string, ...events: UsageEvent[]) => {
  let sum = 0;
  for (const day of new Set(events.map((e) => e.day))) sum += await dayTotal(table, day);
  return sum;
};
const body = (event: UsageEvent) => JSON.stringify(event);

/** The event its publisher built at `at`, and a copy of its id with the requestTime `laterMs` later (another second, maybe another day). */
function copies(extendedRequestId: string, at: number, laterMs: number) {
  const eventId = usageEventId(new Date(at), extendedRequestId);
  return { first: helloEvent(eventId, at), moved: helloEvent(eventId, at + laterMs) };
}

test.each([
  ['one second later', 1_000],
  ['an hour later', 3_600_000],
  ['a day later (another counter day)', DAY_MS],
])('a copy whose requestTime is %s is a reported conflict, not a second count', async (_label, laterMs) => {
  const table = await freshTable(h.raw, 'moved');
  const { first, moved } = copies('BQGojGUAIAMFa1A=', h.now - 2 * DAY_MS, laterMs);

  const counted = await h.aggregatorFor(table).aggregateBatch([{ id: 'm1', body: body(first) }], { remainingTimeMs: 60_000 });
  const again = await h.aggregatorFor(table).aggregateBatch([{ id: 'm2', body: body(moved) }], { remainingTimeMs: 60_000 });

  expect(counted).toMatchObject({ counted: 1, conflicts: [] });
  expect(again).toMatchObject({ counted: 0, duplicates: 1, failures: [], conflicts: [{ id: 'm2', eventId: first.eventId }] });
  expect(await total(table, first, moved)).toBe(1);
});

test('a copy whose requestTime disagrees with its id arriving first is counted once, on the id’s page, and reported', async () => {
  const table = await freshTable(h.raw, 'movedfirst');
  const { first, moved } = copies('BQGojGUAIAMFa2B=', h.now - DAY_MS, 5_000);

  const early = await h.aggregatorFor(table).aggregateBatch([{ id: 'm1', body: body(moved) }], { remainingTimeMs: 60_000 });
  const genuine = await h.aggregatorFor(table).aggregateBatch([{ id: 'm2', body: body(first) }], { remainingTimeMs: 60_000 });

  expect(early).toMatchObject({ counted: 1, conflicts: [{ id: 'm1', eventId: first.eventId }] });
  expect(genuine).toMatchObject({ counted: 0, duplicates: 1, conflicts: [{ id: 'm2', eventId: first.eventId }] });
  expect(await total(table, first, moved)).toBe(1);
});

test('two batches holding the two payloads at the same moment count the event once', async () => {
  const table = await freshTable(h.raw, 'racing');
  const { first, moved } = copies('BQGojGUAIAMFa3C=', h.now - 60_000, 7_000);
  const results = await Promise.all([
    h.aggregatorFor(table).aggregateBatch([{ id: 'a', body: body(first) }], { remainingTimeMs: 60_000 }),
    h.aggregatorFor(table).aggregateBatch([{ id: 'b', body: body(moved) }], { remainingTimeMs: 60_000 }),
  ]);
  const leftover = [
    ...(results[0].failures.length ? [{ id: 'a', body: body(first) }] : []),
    ...(results[1].failures.length ? [{ id: 'b', body: body(moved) }] : []),
  ];
  h.now += 70_000;
  if (leftover.length > 0) await h.deliverUntilDone(table, leftover, 1);
  expect(await total(table, first, moved)).toBe(1);
});

test('a batch that crashed at any write, then the moved copy, counts the event once', async () => {
  const { first, moved } = copies('BQGojGUAIAMFa4D=', h.now - 3_600_000, 90_000);
  for (let crashAt = 0; crashAt <= 8; crashAt++) {
    const table = await freshTable(h.raw, `crash${crashAt}`);
    h.faults.crashAfter(h.faults.writes + crashAt);
    await h
      .aggregatorFor(table)
      .aggregateBatch([{ id: 'c1', body: body(first) }], { remainingTimeMs: 60_000 })
      .catch((error) => {
        if (!(error instanceof SimulatedCrash)) throw error;
      });
    h.faults.revive();
    h.now += 70_000; // past the crashed batch's lease
    await h.deliverUntilDone(table, [{ id: 'c2', body: body(moved) }], 1);
    await h.deliverUntilDone(table, [{ id: 'c3', body: body(first) }], 1);
    expect({ crashAt, total: await total(table, first, moved) }).toEqual({ crashAt, total: 1 });
  }
});

test('an id without a second (published before ids carried one) is still claimed by its requestTime’s second', async () => {
  const table = await freshTable(h.raw, 'legacy');
  // Both copies inside one second (a legacy id has only its requestTime to name its page).
  const at = Math.floor((h.now - 60_000) / 1000) * 1000 + 100;
  const legacy = [helloEvent('c6af9ac6-7b61-11e6-9a41-93e8deadbeef', at), helloEvent('c6af9ac6-7b61-11e6-9a41-93e8deadbeef', at + 400)];
  const first = await h.aggregatorFor(table).aggregateBatch([{ id: 'l1', body: body(legacy[0]) }], { remainingTimeMs: 60_000 });
  const again = await h.aggregatorFor(table).aggregateBatch([{ id: 'l2', body: body(legacy[1]) }], { remainingTimeMs: 60_000 });
  expect(first.counted + again.counted).toBe(1);
  expect(await total(table, ...legacy)).toBe(1);
});

test('the claim retention bound applies to the id’s second too: a fresh requestTime under an old id is refused', async () => {
  const table = await freshTable(h.raw, 'oldid');
  const oldSecond = h.now - CLAIM_RETENTION_DAYS * DAY_MS;
  const event = { ...helloEvent('x', h.now - 60_000), eventId: usageEventId(new Date(oldSecond), 'BQGojGUAIAMFa5E=') };
  const result = await h.aggregatorFor(table).aggregateBatch([{ id: 'o1', body: body(event) }], { remainingTimeMs: 60_000 });
  expect(result).toMatchObject({ counted: 0, failures: ['o1'], poison: [{ id: 'o1', kind: 'too-old' }] });
  expect(await total(table, event)).toBe(0);
});

test('a copy with another payload that finishes a crashed batch’s journal is reported as a conflict', async () => {
  // Found by the simulator's conflict monitor (sim/conflict-monitor.ts, seeds 58 and 104): a record met the pending
  // journal of a crashed batch, finished it and was acknowledged as a duplicate without comparing its payload.
  const at = h.now - 3_600_000;
  const first = helloEvent(usageEventId(new Date(at), 'BQGojGUAIAMFa6F='), at);
  const other = { ...first, latencyMs: first.latencyMs + 1_000 }; // same second, another payload
  const outcomes = new Set<string>();
  for (let crashAt = 0; crashAt <= 8; crashAt++) {
    const table = await freshTable(h.raw, `resume${crashAt}`);
    h.faults.crashAfter(h.faults.writes + crashAt);
    await h
      .aggregatorFor(table)
      .aggregateBatch([{ id: 'r1', body: body(first) }], { remainingTimeMs: 60_000 })
      .catch((error) => {
        if (!(error instanceof SimulatedCrash)) throw error;
      });
    h.faults.revive();
    h.now += 70_000; // past the crashed batch's lease
    const result = await h.aggregatorFor(table).aggregateBatch([{ id: 'r2', body: body(other) }], { remainingTimeMs: 60_000 });
    const how = result.counted === 1 ? 'counted' : result.duplicates === 1 ? `duplicate after ${result.resumed} resume(s)` : 'failed';
    outcomes.add(how);
    // Counted itself (the crashed batch's claim was void): no conflict yet. Acknowledged as a duplicate of the first
    // payload, whoever finished its journal: a conflict.
    expect({ crashAt, how, conflicts: result.conflicts }).toEqual({
      crashAt,
      how,
      conflicts: how.startsWith('duplicate') ? [{ id: 'r2', eventId: first.eventId }] : [],
    });
    expect(await total(table, first)).toBe(1);
  }
  expect(outcomes).toContain('duplicate after 1 resume(s)'); // the path the fix is for was taken
});
