// The marker monitor (sim/marker-monitor.ts) must see a marker removed before its journal has been complete
// markerGraceMs, and a marker its writer saw on its previous write left there long after, or the simulator could not
// catch either (the counts never show them); and it must stay quiet for the clean-up PROTOCOL.md describes.
import { BatchGetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MarkerMonitor } from '../../sim/marker-monitor';
import { TableModel } from '../../sim/table-model';

const TABLE = 'markers';
const ITEM = { pk: 'USAGE#client-1', sk: 'DAY#2026-11-27' };

/** A table with journals j1 (complete at 1,000) and j2, j3 (complete at 300,000), watched by a monitor. */
function world() {
  const store = new TableModel();
  let now = 0;
  const monitor = new MarkerMonitor({ store, tableName: TABLE, now: () => now, skewMs: 0, faulty: () => false, batchSpanMs: 13_000 });
  for (const [id, done] of [
    ['j1', 1_000],
    ['j2', 300_000],
    ['j3', 300_000],
  ] as const) {
    store.execute(new PutCommand({ TableName: TABLE, Item: { pk: `JOURNAL#${id}`, sk: 'HEAD', st: 'complete', done } }));
  }
  /** One counter write as applyCounter sends it: adds, sets its own marker, removes the ones given. */
  const write = (at: number, container: string, own: string, remove: string[] = []) => {
    now = at;
    const names: Record<string, string> = { '#m': `m_${own}`, '#n': 'requests' };
    for (const [i, id] of remove.entries()) names[`#r${i}`] = `m_${id}`;
    const removes = remove.map((_, i) => `#r${i}`);
    monitor.storeFor(container).execute(
      new UpdateCommand({
        TableName: TABLE,
        Key: ITEM,
        UpdateExpression: `ADD #n :one SET #m = :one${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_not_exists(#m)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  };
  /** A BatchGet of journal heads as the container's look-up sends it. */
  const lookUp = (container: string, ids: string[]) =>
    monitor
      .storeFor(container)
      .execute(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: ids.map((id) => ({ pk: `JOURNAL#${id}`, sk: 'HEAD' })) } } }));
  return { monitor, write, lookUp };
}

test('clean-up as PROTOCOL.md describes passes: markers of journals complete past the grace removed by the writer that saw them', () => {
  const { monitor, write } = world();
  write(1_000, 'λ1', 'j1');
  write(200_000, 'λ2', 'j2'); // λ2 never saw j1's marker: keeping it is allowed
  write(400_000, 'λ1', 'j3', ['j1']);
  expect(monitor.violations).toEqual([]);
});

test('a marker its writer saw, of a journal complete long before, left on the item is a violation', () => {
  const { monitor, write } = world();
  write(1_000, 'λ1', 'j1');
  write(400_000, 'λ1', 'j3');
  expect(monitor.violations).toEqual([expect.stringContaining('λ1 left m_j1 on USAGE#client-1/DAY#2026-11-27')]);
});

test('a marker removed before its journal has been complete markerGraceMs is a violation', () => {
  const { monitor, write } = world();
  write(1_000, 'λ1', 'j1');
  write(5_000, 'λ2', 'j3', ['j1']);
  expect(monitor.violations).toEqual([expect.stringContaining('λ2 removed m_j1')]);
});

test('a marker is excused while DynamoDB left its journal unread for the writer, and no longer once it reads it', () => {
  const { monitor, write, lookUp } = world();
  write(1_000, 'λ1', 'j1');
  monitor.leftUnread('λ1', [{ pk: 'JOURNAL#j1', sk: 'HEAD' }]); // the look-up ran out of time (repository.ts getJournalHeads)
  write(400_000, 'λ1', 'j3');
  expect(monitor.violations).toEqual([]);
  lookUp('λ1', ['j1']);
  write(800_000, 'λ1', 'j2');
  expect(monitor.violations).toEqual([
    expect.stringContaining('λ1 left m_j1 on USAGE#client-1/DAY#2026-11-27 at 800000'),
    expect.stringContaining('λ1 left m_j3 on USAGE#client-1/DAY#2026-11-27 at 800000'), // never looked up
  ]);
});
