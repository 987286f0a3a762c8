// The pending sweep's check (sim/pending-sweep.ts): which entries of the pending index the sweep owes work on (a
// finished or gone journal still listed, a pending or claiming one past its lease), which it does not (a lease still
// running, a pending journal too old to finish), and the truth's events lost by the operator (every message withheld,
// no journal that turned pending claims them).
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { eventHash } from '../../capabilities/counting/keys';
import { owedEntries, PendingSweepCheck } from '../../sim/pending-sweep';
import { SqsModel } from '../../sim/sqs-model';
import { TableModel } from '../../sim/table-model';

const entry = (id: string, lease: number, since = 0) => ({ pk: 'JOURNAL#PENDING', sk: `J#${id}`, lease, at: since });
const head = (id: string, st: string, lease: number) => ({ pk: `JOURNAL#${id}`, sk: 'HEAD', st, lease });

test('owes the entries of finished, gone and expired journals, not those still leased or too old', () => {
  const now = 100_000;
  const items = [
    entry('done', 1_000),
    head('done', 'complete', 1_000),
    entry('aborted', 1_000),
    head('aborted', 'aborted', 1_000),
    entry('gone', 1_000),
    entry('half', 1_000, 50_000),
    head('half', 'pending', 1_000),
    entry('stuck', 1_000),
    head('stuck', 'claiming', 1_000),
    entry('leased', 99_000),
    head('leased', 'pending', 99_000),
    entry('resumed', 1_000, 50_000),
    head('resumed', 'pending', 98_000),
    entry('ancient', 1_000, 10),
    head('ancient', 'pending', 1_000),
  ];
  const owed = owedEntries(items, now, 2_000, 60_000);
  expect(owed.map((o) => `${o.journalId} ${o.why}`)).toEqual([
    'done is complete but still listed',
    'aborted is aborted but still listed',
    'gone is gone but still listed',
    'half is still pending, its lease over',
    'stuck is still claiming, its lease over',
  ]);
});

test('an event whose messages were all withheld is lost only if no journal that turned pending claims it', async () => {
  let now = 0;
  const store = new TableModel();
  const queue = new SqsModel({ visibilityTimeoutMs: 1_000, maxReceiveCount: 3, retentionMs: 1e9, deadLetterRetentionMs: 1e9 }, () => now);
  const seed =
    [...Array(100).keys()].find(
      (s) =>
        new PendingSweepCheck(
          s,
          () => now,
          () => undefined,
        ).withhold === 1,
    ) ?? -1;
  const check = new PendingSweepCheck(
    seed,
    () => now,
    () => undefined,
  );
  const db = check.storeFor({ id: 'λ1', alive: true, kill: () => undefined }, store);
  const body = (id: string) => JSON.stringify({ eventId: id });
  const [a, b, c] = ['e-a', 'e-b', 'e-c'].map((id) => queue.send(body(id)));
  queue.send(body('e-c')); // a second copy of e-c, never withheld
  queue.receive(10);
  // λ1's journal J claims e-a and e-c, turns pending; the batch (a, b, c) dies.
  db.execute(new PutCommand({ TableName: 't', Item: { pk: 'JOURNAL#J', sk: 'HEAD', st: 'claiming' } }));
  const hashes = Buffer.concat([eventHash('e-a'), eventHash('e-c')]);
  db.execute(new PutCommand({ TableName: 't', Item: { pk: 'CLAIM#1#0', sk: 'SEQ#1', j: 'J', h: hashes } }));
  db.execute(
    new UpdateCommand({
      TableName: 't',
      Key: { pk: 'JOURNAL#J', sk: 'HEAD' },
      UpdateExpression: 'SET #st = :to',
      ExpressionAttributeNames: { '#st': 'st' },
      ExpressionAttributeValues: { ':to': 'pending' },
    }),
  );
  now = 10;
  check.batchDied('λ1', 0, [a, b, c], queue);
  expect([...check.withheld.keys()]).toEqual([a, b, c]);
  expect(queue.source.has(a)).toBe(false);
  // e-a: claimed by J (counted); e-b: withheld, unclaimed (lost); e-c: another copy still comes back.
  expect([...check.lostEvents(queue.sent)]).toEqual(['e-b']);
});
