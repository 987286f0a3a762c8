// A container removes the markers of journals complete long enough with its next write to the item, also after a
// batch whose look-up of those journals was cut off by its deadline (sim seed 56919, issue 19).
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { TableModel } from '../../../sim/table-model';
import { helloEvent } from './support/events';

const start = Date.UTC(2026, 10, 28, 12, 0, 0);

test('a look-up cut off by the deadline does not keep old markers on the next write', async () => {
  // Prepare: one table, two containers (X and Y), every call 5 ms of virtual time.
  const model = new TableModel();
  let now = start;
  const calls: string[] = [];
  const doc = {
    send: async (command: { constructor: { name: string } }) => {
      calls.push(command.constructor.name);
      now += 5;
      return model.execute(command);
    },
  };
  const options = { doc: doc as never, tableName: 'usage', clock: () => now, sleep: async (ms: number) => void (now += ms) };
  const x = createAggregator(options);
  const y = createAggregator(options);
  const deliver = (aggregator: typeof x, id: string, remainingTimeMs = 60_000) =>
    aggregator.aggregateBatch([{ id, body: JSON.stringify(helloEvent(id, now - 2_000)) }], { remainingTimeMs });
  const markers = () =>
    Object.keys(model.items('usage').find((i) => i.pk === 'USAGE#client-1' && i.sk === 'DAY#2026-11-28') ?? {}).filter((k) =>
      k.startsWith('m_'),
    );
  const xJournal = (await deliver(x, 'e1')).journalId;
  expect((await deliver(y, 'e2')).counted).toBe(1); // Y's write returns X's marker: Y will remove it once X's journal is old
  now += 60_000; // X's journal has been complete far longer than the 10 s marker grace

  // Act: a batch of Y's whose deadline falls just before its look-up of X's journal (1 s safety margin, 5 ms calls:
  // journal, claim read, append, body and pending entry, pending), then, a second later, a batch with time.
  calls.length = 0;
  const cut = await deliver(y, 'e3', 1_000 + 28);
  expect(cut.failures).toEqual(['e3']);
  expect(calls).not.toContain('BatchGetCommand'); // the look-up never went out
  now += 1_000;
  expect((await deliver(y, 'e4')).counted).toBe(1);

  // Assess: the second batch looked X's journal up and its write removed X's marker.
  expect(markers()).not.toContain(`m_${xJournal}`);
});
