// The reads that act on a count or add archived days to live ones ask DynamoDB for the table as it is now: a replica
// a write behind made the daily job count a day it had just archived and deleted a second time (the simulator's seed
// 2181 with stale reads on, before the fix: a statement of 12 requests for 7), and the alert sweeper send again an
// alert it had just sent (seeds 3985, 4262, 5716). The table model serves every other read a second behind here.
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { resendPending } from '../../../capabilities/alerts/threshold-crossings';
import { counterItemsThrough } from '../../../capabilities/archive/counter-store';
import { dynamoUsageReader } from '../../../capabilities/usage/usage-reader';
import { itemKey } from '../../../contracts/table';
import { TableModel } from '../../../sim/table-model';

const TABLE = 'usage';
const DAY = '2026-11-27';

function staleTable() {
  const model = new TableModel();
  const clock = { now: 1_000_000 };
  model.serveStaleReads({ now: () => clock.now, maxLagMs: 1_000, lagMs: () => 1_000 });
  return { model, clock, table: { db: { send: (command: object) => Promise.resolve(model.execute(command)) } as never, tableName: TABLE } };
}

test('the daily job, statements and plan changes read the day as written; the usage routes may read a replica', async () => {
  const { model, table } = staleTable();
  model.execute(
    new PutCommand({ TableName: TABLE, Item: { ...itemKey.dayCounter('client-1', DAY), clientId: 'client-1', day: DAY, requests: 7 } }),
  );

  expect((await dynamoUsageReader(table, { consistent: true }).readDay('client-1', DAY)).requests).toBe(7);
  expect((await counterItemsThrough(table, 'client-1', DAY)).map((item) => item.requests)).toEqual([7]);
  // The model is a second behind for a read without ConsistentRead: the check above can fail.
  expect((await dynamoUsageReader(table).readDay('client-1', DAY)).requests).toBe(0);
});

test('the sweeper does not see an alert it has just sent as pending', async () => {
  const { model, clock, table } = staleTable();
  const key = { pk: `ALERTS#${DAY}`, sk: 'client-1#80' };
  model.execute(new PutCommand({ TableName: TABLE, Item: { ...key, status: 'pending', event: { eventId: 'e1' }, claimedAt: 0 } }));
  clock.now += 5_000; // claimed a while ago, sent just now
  model.execute(
    new UpdateCommand({
      TableName: TABLE,
      Key: key,
      UpdateExpression: 'SET #status = :sent',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':sent': 'sent' },
    }),
  );
  const sent: unknown[] = [];
  const resent = await resendPending({ table, send: async (events) => void sent.push(...events), clock: () => clock.now }, DAY);
  expect(resent).toEqual([]);
  expect(sent).toEqual([]);
});
