// The EventsAggregated metric adds up to the events counted: each event is reported by the one batch whose
// transition completed its journal, its own batch or one that resumed it (before, a resumed journal's events were
// reported by no batch, and the metric fell short whenever a batch ran out of time after counting).
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { TableModel } from '../../../sim/table-model';
import { helloEvent } from './support/events';

const start = Date.UTC(2026, 10, 28, 12, 0, 0);
const records = Array.from({ length: 6 }, (_, i) => ({
  id: `m-${i}`,
  body: JSON.stringify(helloEvent(`req-${i}`, start - 5_000 + i * 400)),
}));

test('a journal left pending is reported by the batch that resumes and completes it, and by no other', async () => {
  // Prepare: the first batch's move to `complete` fails with an error nobody retries, so its journal stays pending.
  const model = new TableModel();
  let now = start;
  let failComplete = true;
  const doc = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const values = command.input.ExpressionAttributeValues as Record<string, unknown> | undefined;
      if (failComplete && command.constructor.name === 'UpdateCommand' && values?.[':to'] === 'complete') {
        throw Object.assign(new Error('simulated'), { name: 'ValidationException' });
      }
      return model.execute(command);
    },
  };
  const aggregator = () => createAggregator({ doc: doc as never, tableName: 'usage', clock: () => now, sleep: async () => undefined });
  const first = await aggregator().aggregateBatch(records, { remainingTimeMs: 10_000 });

  // Act: the same records come back after the first batch's lease ran out.
  failComplete = false;
  now += 60_000;
  const second = await aggregator().aggregateBatch(records, { remainingTimeMs: 10_000 });

  // Assess
  expect(first).toMatchObject({ counted: 0, completedEvents: 0, failures: records.map((r) => r.id) });
  expect(second).toMatchObject({ counted: 0, duplicates: 6, resumed: 1, completedEvents: 6, failures: [] });
  const day = model.items('usage').find((i) => i.pk === 'USAGE#client-1' && i.sk === 'DAY#2026-11-28');
  expect(Number(day?.requests)).toBe(6);
});

test('a clean batch reports its own events once, and a redelivery of them reports none', async () => {
  const model = new TableModel();
  const doc = { send: (command: object) => Promise.resolve(model.execute(command)) };
  const aggregator = createAggregator({ doc: doc as never, tableName: 'usage', clock: () => start, sleep: async () => undefined });

  const first = await aggregator.aggregateBatch(records, { remainingTimeMs: 10_000 });
  const again = await aggregator.aggregateBatch(records, { remainingTimeMs: 10_000 });

  expect(first).toMatchObject({ counted: 6, completedEvents: 6 });
  expect(again).toMatchObject({ counted: 0, duplicates: 6, completedEvents: 0 });
});
