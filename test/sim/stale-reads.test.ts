// The table model (sim/table-model.ts) with stale reads on (sim/stale-reads.ts): a read without `ConsistentRead: true`
// is answered as the items were `lagMs` ago; a consistent read, a write and a condition see the latest version.
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { drawStaleReads } from '../../sim/stale-reads';
import { TableModel } from '../../sim/table-model';

const TABLE = 'stale';

/** A model with stale reads on: a virtual clock the test moves, every read `lag` behind (at most 1 s). */
function model(): { db: TableModel; clock: { now: number; lag: number } } {
  const clock = { now: 1_000_000, lag: 0 };
  const db = new TableModel();
  db.serveStaleReads({ now: () => clock.now, maxLagMs: 1_000, lagMs: () => clock.lag });
  return { db, clock };
}

const get = (db: TableModel, ConsistentRead?: boolean) =>
  (
    db.execute(new GetCommand({ TableName: TABLE, Key: { pk: 'P', sk: 'A' }, ...(ConsistentRead ? { ConsistentRead } : {}) })) as {
      Item?: Record<string, unknown>;
    }
  ).Item;

const query = (db: TableModel, ConsistentRead?: boolean) =>
  (
    db.execute(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'P' },
        ...(ConsistentRead ? { ConsistentRead } : {}),
      }),
    ) as { Items: Record<string, unknown>[] }
  ).Items.map((item) => `${String(item.sk)}:${String(item.v)}`);

const batchGet = (db: TableModel, ConsistentRead?: boolean) =>
  (
    db.execute(
      new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: [{ pk: 'P', sk: 'A' }], ...(ConsistentRead ? { ConsistentRead } : {}) } } }),
    ) as { Responses: Record<string, Record<string, unknown>[]> }
  ).Responses[TABLE].map((item) => item.v);

test('a read without ConsistentRead gets the version of lagMs ago; a consistent read gets the latest', () => {
  const { db, clock } = model();
  db.execute(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'A', v: 1 } }));
  clock.now += 2_000;
  db.execute(
    new UpdateCommand({
      TableName: TABLE,
      Key: { pk: 'P', sk: 'A' },
      UpdateExpression: 'SET v = :v',
      ExpressionAttributeValues: { ':v': 2 },
    }),
  );
  clock.now += 300;
  clock.lag = 500; // the replica is behind the update
  expect(get(db)?.v).toBe(1);
  expect(get(db, true)?.v).toBe(2);
  expect(batchGet(db)).toEqual([1]);
  expect(batchGet(db, true)).toEqual([2]);
  expect(query(db)).toEqual(['A:1']);
  expect(query(db, true)).toEqual(['A:2']);
  clock.lag = 200; // this replica has the update
  expect(get(db)?.v).toBe(2);
  expect(query(db)).toEqual(['A:2']);
});

test('an item written within the lag may be missing, and one deleted within it still there', () => {
  const { db, clock } = model();
  db.execute(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'B', v: 1 } }));
  clock.now += 5_000;
  db.execute(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'A', v: 1 } }));
  db.execute(new DeleteCommand({ TableName: TABLE, Key: { pk: 'P', sk: 'B' } }));
  clock.now += 100;
  clock.lag = 400;
  expect(get(db)).toBeUndefined();
  expect(get(db, true)?.v).toBe(1);
  expect(query(db)).toEqual(['B:1']);
  expect(query(db, true)).toEqual(['A:1']);
});

test('writes and their conditions see the latest version, whatever the reads see', () => {
  const { db, clock } = model();
  db.execute(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'A', v: 1 } }));
  clock.lag = 1_000;
  expect(get(db)).toBeUndefined();
  expect(() =>
    db.execute(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'A', v: 2 }, ConditionExpression: 'attribute_not_exists(pk)' })),
  ).toThrow(expect.objectContaining({ name: 'ConditionalCheckFailedException' }));
  const next = db.execute(
    new UpdateCommand({
      TableName: TABLE,
      Key: { pk: 'P', sk: 'A' },
      UpdateExpression: 'ADD v :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'ALL_NEW',
    }),
  ) as { Attributes: Record<string, unknown> };
  expect(next.Attributes.v).toBe(2);
});

test('a replica is never more than the max lag behind: a version superseded before it is never served', () => {
  const { db, clock } = model();
  for (let v = 1; v <= 50; v++) {
    db.execute(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'A', v } }));
    clock.now += 100;
  }
  clock.lag = 5_000; // asks for more than the bound: served at most 1 s behind
  expect(get(db)?.v).toBe(41);
  clock.now += 1_000;
  expect(get(db)?.v).toBe(50);
  expect(query(db)).toEqual(['A:50']);
});

test('without stale reads every read is consistent (as the differential test holds the model to DynamoDB Local)', () => {
  const db = new TableModel();
  db.execute(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'A', v: 1 } }));
  expect(get(db)?.v).toBe(1);
});

test('the knob is on in about half the runs, its bound at most 1 s, each lag within it', () => {
  const knobs = Array.from({ length: 400 }, (_, i) => drawStaleReads(i + 1));
  const on = knobs.filter((k) => k !== undefined);
  expect(on.length).toBeGreaterThan(150);
  expect(on.length).toBeLessThan(250);
  for (const knob of on) {
    expect(knob.maxLagMs).toBeGreaterThanOrEqual(100);
    expect(knob.maxLagMs).toBeLessThanOrEqual(1_000);
    const lag = knob.lagMs();
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual(knob.maxLagMs);
  }
  expect(drawStaleReads(7)?.maxLagMs).toBe(drawStaleReads(7)?.maxLagMs);
});
