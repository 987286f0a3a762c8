// Heads read in bulk ask DynamoDB again for the keys it left unprocessed only while the batch's deadline allows
// (PROTOCOL.md, "No step starts a call past the batch's deadline"). Before, the look-up kept asking, with pauses of
// up to 500 ms, whatever the deadline: the simulator's seed 76625 (1.5 s batches, half of every BatchGet's keys left
// unprocessed) saw a batch overrun its function timeout. The events it could not decide come back and are counted once.
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { AggregatorRepository } from '../../../capabilities/counting/repository';
import { TableModel } from '../../../sim/table-model';
import { helloEvent, modelClient } from './support/events';

const start = Date.UTC(2026, 10, 28, 12, 0, 0);
type Command = { constructor: { name: string }; input: Record<string, unknown> };

/** A DocumentClient over the model whose BatchGets leave every key unprocessed while `throttled`; 5 ms a call. */
function throttlingClient(model: TableModel, clock: { now: number }) {
  const state = { throttled: false, batchGetsSentAt: [] as number[] };
  const doc = {
    send: async (command: Command) => {
      clock.now += 5;
      if (clock.now > start + 3_600_000) throw new Error('the look-up never stopped'); // the old loop, bounded here
      if (command instanceof BatchGetCommand) {
        state.batchGetsSentAt.push(clock.now - 5);
        if (state.throttled) return { Responses: {}, UnprocessedKeys: command.input.RequestItems };
      }
      return model.execute(command);
    },
  };
  return { doc, state };
}

test('a bulk look-up stops asking for unprocessed keys when the pause would pass the deadline', async () => {
  // Prepare: two journal heads; DynamoDB answers the first key of each BatchGet and leaves the other unprocessed.
  const model = new TableModel();
  const direct = new AggregatorRepository(
    modelClient(model) as never,
    'usage',
    () => start,
    async () => undefined,
  );
  await direct.createJournal('j1', start);
  await direct.createJournal('j2', start);
  const asked: string[][] = [];
  const doc = {
    send: async (command: Command) => {
      const keys = (command.input.RequestItems as Record<string, { Keys: { pk: string }[] }>).usage.Keys;
      asked.push(keys.map((k) => k.pk));
      const out = model.execute(new BatchGetCommand({ RequestItems: { usage: { Keys: keys.slice(0, 1), ConsistentRead: true } } }));
      return { ...(out as object), UnprocessedKeys: keys.length > 1 ? { usage: { Keys: keys.slice(1) } } : {} };
    },
  };
  const pauses: number[] = [];
  const repository = new AggregatorRepository(
    doc as never,
    'usage',
    () => start,
    async (ms) => void pauses.push(ms),
  );

  // Act: once with time for one pause of 40 ms, once with none.
  const roomy = await repository.getJournalHeads(['j1', 'j2', 'j3'], (ms) => ms <= 40);
  const tight = await repository.getJournalHeads(['j1', 'j2'], (ms) => ms === 0);

  // Assess: the unprocessed key was asked for again after 40 ms; without time it is reported unanswered, and a
  // journal read and absent (j3) is neither a head nor unanswered.
  expect(asked).toEqual([
    ['JOURNAL#j1', 'JOURNAL#j2', 'JOURNAL#j3'],
    ['JOURNAL#j2', 'JOURNAL#j3'],
    ['JOURNAL#j1', 'JOURNAL#j2'],
  ]);
  expect(pauses).toEqual([40]);
  expect([...roomy.heads.keys()]).toEqual(['j1', 'j2']);
  expect(roomy.unanswered).toEqual(['j3']);
  expect([...tight.heads.keys()]).toEqual(['j1']);
  expect(tight.unanswered).toEqual(['j2']);
});

test('a batch whose journal look-ups stay unprocessed ends before its deadline and its events are counted later', async () => {
  // Prepare: container X counts three events in three batches (three journals); container Y gets them again.
  const model = new TableModel();
  const clock = { now: start };
  const { doc, state } = throttlingClient(model, clock);
  const options = { doc: doc as never, tableName: 'usage', clock: () => clock.now, sleep: async (ms: number) => void (clock.now += ms) };
  const x = createAggregator(options);
  const y = createAggregator(options);
  const records = ['e1', 'e2', 'e3'].map((id) => ({ id, body: JSON.stringify(helloEvent(id, start - 2_000)) }));
  for (const record of records) expect((await x.aggregateBatch([record], { remainingTimeMs: 60_000 })).counted).toBe(1);

  // Act: Y's batch of 1.5 s meets DynamoDB leaving every key of its BatchGets unprocessed; then DynamoDB recovers.
  state.throttled = true;
  state.batchGetsSentAt.length = 0;
  const begun = clock.now;
  const cut = await y.aggregateBatch(records, { remainingTimeMs: 1_500 });
  const ended = clock.now;
  state.throttled = false;
  const later = await y.aggregateBatch(records, { remainingTimeMs: 60_000 });

  // Assess: Y asked again while its deadline (1.5 s less the 1 s safety margin) allowed and returned before it, with
  // every record failed; redelivered, they are duplicates of X's journals, counted once.
  expect(state.batchGetsSentAt.length).toBeGreaterThan(1);
  expect(Math.max(...state.batchGetsSentAt)).toBeLessThan(begun + 500);
  expect(ended).toBeLessThan(begun + 1_500);
  expect(cut.failures.sort()).toEqual(['e1', 'e2', 'e3']);
  expect(later).toMatchObject({ failures: [], counted: 0, duplicates: 3 });
  const day = model.items('usage').find((i) => i.pk === 'USAGE#client-1' && i.sk === 'DAY#2026-11-28');
  expect(day?.requests).toBe(3);
});
