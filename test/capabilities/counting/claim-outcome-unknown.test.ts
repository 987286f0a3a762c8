// The counter-example of the count-integrity review, scripted: a claim append is applied but its answer is
// lost (the SDK's retry then meets its own item: "condition failed"), the re-read of that page is throttled
// and the backoff would pass the deadline. Before the fix the journal went on to count without that page's
// event, and the event's redelivery was acknowledged as a duplicate: counted never. Now the journal is void.
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { seededRandom } from '../../../sim/random';
import { TableModel } from '../../../sim/table-model';
import { helloEvent, modelClient } from './support/events';

const TABLE = 'usage';
const t0 = Date.now();
// Two events on two claim pages (two request-time seconds).
const e1 = helloEvent('req-1', t0 - (t0 % 1000) - 2_000);
const e2 = helloEvent('req-2', t0 - (t0 % 1000) - 1_000);
const records = [e1, e2].map((e, i) => ({ id: `m${i + 1}`, body: JSON.stringify(e) }));

function requests(model: TableModel): number {
  const day = model.items(TABLE).find((item) => item.pk === 'USAGE#client-1' && item.sk === `DAY#${e1.day}`);
  return Number(day?.requests ?? 0);
}

test('a claim append with an unknown outcome never lets its journal count without that event', async () => {
  // Prepare: the model behind a client that scripts the faults of the interleaving.
  const model = new TableModel();
  let now = t0;
  const deadline = t0 + 10_000 - 1_000; // remainingTimeMs 10 s, safetyMs 1 s
  const page1 = `CLAIM#${e1.requestTime.slice(0, 19)}#0`;
  let appendLost = false;
  let readThrottled = false;
  const doc = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const { input } = command;
      const name = command.constructor.name;
      if (name === 'PutCommand' && (input.Item as { pk: string }).pk === page1 && !appendLost) {
        appendLost = true;
        model.execute(command); // applied by DynamoDB …
        // … the answer is lost, and the SDK's retry meets the item it just wrote:
        return model.execute(command);
      }
      if (
        name === 'QueryCommand' &&
        (input.ExpressionAttributeValues as Record<string, string>)[':pk'] === page1 &&
        appendLost &&
        !readThrottled
      ) {
        readThrottled = true;
        now = deadline - 1; // the throttled read has used up the time: any backoff passes the deadline
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return model.execute(command);
    },
  };
  // Jitter near its maximum, so the backoff after the throttled read would end past the deadline.
  const jitter = seededRandom(7);
  const random = () => 0.5 + jitter() / 2;
  const aggregator = () =>
    createAggregator({ doc: doc as never, tableName: TABLE, clock: () => now, sleep: async () => undefined, random });

  // Act: the batch with the lost answer, then SQS redelivers what it did not acknowledge, later.
  const first = await aggregator().aggregateBatch(records, { remainingTimeMs: 10_000 });
  now = t0 + 60_000; // past every lease
  const failed = records.filter((r) => first.failures.includes(r.id));
  const second = await aggregator().aggregateBatch(failed, { remainingTimeMs: 10_000 });

  // Assess: the interleaving happened, and both events are counted exactly once.
  expect(appendLost && readThrottled).toBe(true);
  expect(first.failures).toContain('m1');
  expect(second.failures).toEqual([]);
  expect(requests(model)).toBe(2);
});

test('the scripted client is honest: without the lost answer the same batch counts both events at once', async () => {
  const model = new TableModel();
  const doc = modelClient(model);
  const clean = createAggregator({ doc: doc as never, tableName: TABLE, sleep: async () => undefined });
  const result = await clean.aggregateBatch(records, { remainingTimeMs: 10_000 });
  expect(result.failures).toEqual([]);
  expect(requests(model)).toBe(2);
});
