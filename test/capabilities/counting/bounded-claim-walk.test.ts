// A batch spanning many claim pages with little time left counts what it can claim in time, instead of claiming
// every page and running out of time before counting any (the long sim run's liveness class, issue 19).
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { TableModel } from '../../../sim/table-model';
import { helloEvent } from './support/events';

const start = Date.UTC(2026, 10, 28, 12, 0, 0);

/** A table whose every call takes virtual time: a claim page read is slow (a long page, read in many Query pages). */
function slowTable(costMs: { query: number; other: number }) {
  const model = new TableModel();
  let now = start;
  const claimsAppended: string[] = [];
  const doc = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      now += command.constructor.name === 'QueryCommand' ? costMs.query : costMs.other;
      const out = model.execute(command);
      const item = command.input.Item as { pk?: string } | undefined;
      if (command.constructor.name === 'PutCommand' && item?.pk?.startsWith('CLAIM#')) claimsAppended.push(item.pk);
      return out;
    },
  };
  return {
    model,
    doc,
    claimsAppended,
    clock: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

const dayRequests = (model: TableModel) =>
  Number(model.items('usage').find((i) => i.pk === 'USAGE#client-1' && i.sk === 'DAY#2026-11-28')?.requests ?? 0);

test('with 0.5 s of budget and 20 slow claim pages, each delivery counts a share and redeliveries count the rest, once', async () => {
  // Prepare: 40 events over 20 seconds (20 claim pages); each page read takes 60 ms, so walking them all takes
  // 1.2 s, more than the 0.5 s a 1.5 s invocation leaves after its 1 s safety margin.
  const table = slowTable({ query: 60, other: 5 });
  const aggregator = createAggregator({ doc: table.doc as never, tableName: 'usage', clock: table.clock, sleep: table.sleep });
  let pending = Array.from({ length: 40 }, (_, i) => {
    const event = helloEvent(`req-${i}`, start - 30_000 + Math.floor(i / 2) * 1000);
    return { id: `m-${i}`, body: JSON.stringify(event) };
  });

  // Act: deliver what is left until nothing is (as SQS would, within the queue's receives and redrives).
  const countedPerDelivery: number[] = [];
  for (let delivery = 0; delivery < 10 && pending.length > 0; delivery++) {
    const result = await aggregator.aggregateBatch(pending, { remainingTimeMs: 1_500 });
    countedPerDelivery.push(result.counted);
    pending = pending.filter((r) => result.failures.includes(r.id));
  }

  // Assess: every delivery counted something, all 40 are counted once, and a claim was appended only on pages
  // whose events were then counted (no page claimed and abandoned for lack of time).
  expect(countedPerDelivery.every((n) => n > 0)).toBe(true);
  expect(pending).toEqual([]);
  expect(dayRequests(table.model)).toBe(40);
  expect(table.claimsAppended.length).toBe(20);
});

test('with ample time, one delivery claims and counts every page (the cutoff changes nothing)', async () => {
  const table = slowTable({ query: 60, other: 5 });
  const aggregator = createAggregator({ doc: table.doc as never, tableName: 'usage', clock: table.clock, sleep: table.sleep });
  const records = Array.from({ length: 40 }, (_, i) => ({
    id: `m-${i}`,
    body: JSON.stringify(helloEvent(`req-${i}`, start - 30_000 + Math.floor(i / 2) * 1000)),
  }));

  const result = await aggregator.aggregateBatch(records, { remainingTimeMs: 60_000 });

  expect(result).toMatchObject({ counted: 40, failures: [] });
  expect(dayRequests(table.model)).toBe(40);
});
