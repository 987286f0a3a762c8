// Only the holder of a journal's lease completes it (PROTOCOL.md step 4). A batch whose move to `complete` lands
// after its lease ran out and another batch took the lease leaves the completion to that batch: before, it
// completed the journal under the other's nose, so the markers' grace ran from a completion older than the new
// holder's writes, and a write of the new holder landing late was added twice (the simulator's seed 4088 with stale
// reads on, before the fix: 59 requests counted for 58).
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { AggregatorRepository } from '../../../capabilities/counting/repository';
import { TableModel } from '../../../sim/table-model';
import { helloEvent } from './support/events';

const start = Date.UTC(2026, 10, 28, 12, 0, 0);
const records = Array.from({ length: 6 }, (_, i) => ({
  id: `m-${i}`,
  body: JSON.stringify(helloEvent(`req-${i}`, start - 5_000 + i * 400)),
}));
type Command = { constructor: { name: string }; input: Record<string, unknown> };

test('a batch whose lease was taken before its completion landed leaves the journal to the new holder', async () => {
  // Prepare: when batch A's move to `complete` is sent, another batch first takes A's journal's lease (A's ran out).
  const model = new TableModel();
  const direct = { send: (command: object) => Promise.resolve(model.execute(command)) };
  let now = start;
  let takenLease: number | undefined;
  const doc = {
    send: async (command: Command) => {
      const key = command.input.Key as { pk?: string } | undefined;
      const values = command.input.ExpressionAttributeValues as Record<string, unknown> | undefined;
      if (takenLease === undefined && values?.[':to'] === 'complete' && key?.pk?.startsWith('JOURNAL#')) {
        const journalId = key.pk.slice('JOURNAL#'.length);
        const other = new AggregatorRepository(
          direct as never,
          'usage',
          () => 2_000_000_000,
          async () => undefined,
        );
        takenLease = now + 60_000 + 30_000;
        expect(await other.acquireLease(journalId, now + 60_000, takenLease)).toBe(true);
      }
      return model.execute(command);
    },
  };
  const aggregator = createAggregator({ doc: doc as never, tableName: 'usage', clock: () => now, sleep: async () => undefined });

  // Act: batch A; then, once the other holder's lease has run out too, the records come back.
  const first = await aggregator.aggregateBatch(records, { remainingTimeMs: 10_000 });
  const pending = model.items('usage').find((i) => String(i.pk).startsWith('JOURNAL#') && i.sk === 'HEAD');
  now = (takenLease as number) + 1_000;
  const again = await aggregator.aggregateBatch(records, { remainingTimeMs: 10_000 });

  // Assess: A counted its events (the markers hold them) but did not complete the journal nor acknowledge them;
  // the batch that finished the journal did, and the day holds each event once.
  expect(pending?.st).toBe('pending');
  expect(pending?.lease).toBe(takenLease);
  expect(first).toMatchObject({ counted: 0, completedEvents: 0, failures: records.map((r) => r.id) });
  expect(again).toMatchObject({ duplicates: 6, resumed: 1, completedEvents: 6, failures: [] });
  const day = model.items('usage').find((i) => i.pk === 'USAGE#client-1' && i.sk === 'DAY#2026-11-28');
  expect(Number(day?.requests)).toBe(6);
});
