// Through a real queue (fauxqs) and the event-source poller: ground truth, duplicate deliveries, producer retries, poison.
import { METRIC } from '../../../contracts/metrics';
import { runScenario, startPipeline, type Pipeline } from './support/pipeline';
import { sortedEntries } from './support/table';
import { generateEvents } from './support/workload';

let pipeline: Pipeline;
beforeAll(async () => {
  pipeline = await startPipeline();
});
afterAll(async () => {
  await pipeline?.stop();
});

const events = (count: number, seed: number) => generateEvents({ count, clients: 40, routes: 5, seed, ratePerSecond: 100 });

test('a known multiset of events ends as counters equal to ground truth, each counter written once per batch', async () => {
  const workload = events(400, 1);
  const outcome = await runScenario(pipeline, { events: workload, maxReceiveCount: 10 });
  expect(sortedEntries(outcome.counters)).toEqual(sortedEntries(outcome.truth));
  // Each event is reported by exactly one invocation: the one that completed its journal (the batch itself, or one
  // that resumed the journal of a batch out of time). Only a batch that ran out of time after counting makes its
  // events duplicates on redelivery (on a loaded machine a 2 s batch sometimes does).
  expect(outcome.metrics[METRIC.eventsAggregated]).toBe(400);
  if (outcome.timedOut === 0 && outcome.metrics[METRIC.recordFailures] === 0) expect(outcome.metrics[METRIC.duplicatesSkipped]).toBe(0);
  expect(outcome.overWrittenBatches).toBe(0);
  expect(outcome.deadLetters).toEqual([]);
});

test('duplicate deliveries of a message and the same eventId in two messages count once', async () => {
  const workload = events(300, 2);
  // No poison here: room for honest visibility timeouts on a loaded machine before anything could reach the DLQ.
  const outcome = await runScenario(pipeline, { events: workload, resendShare: 0.3, redeliverShare: 0.2, seed: 2, maxReceiveCount: 10 });
  expect(sortedEntries(outcome.counters)).toEqual(sortedEntries(outcome.truth));
  expect(outcome.metrics[METRIC.eventsAggregated]).toBe(300);
  expect(outcome.metrics[METRIC.duplicatesSkipped]).toBeGreaterThan(60);
  expect(outcome.deadLetters).toEqual([]);
});

test('poison messages end in the DLQ after the redrive count, counted in a metric; nothing else is lost', async () => {
  const workload = events(200, 3);
  const poison = [
    'not json at all',
    JSON.stringify({ ...workload[0], v: 2, eventId: 'future-version' }),
    JSON.stringify({ ...workload[1], status: 'ok', eventId: 'bad-status' }),
    JSON.stringify({ v: 1 }),
    JSON.stringify({ ...workload[2], extra: 'field', eventId: 'extra-field' }),
  ];
  const outcome = await runScenario(pipeline, { events: workload, poison, maxReceiveCount: 2, seed: 3 });
  expect(sortedEntries(outcome.counters)).toEqual(sortedEntries(outcome.truth));
  expect([...outcome.deadLetters].sort()).toEqual([...poison].sort());
  // Each receive of a poison message is counted: maxReceiveCount receives before the move.
  expect(outcome.metrics[METRIC.poisonMessages]).toBe(poison.length * 2);
});
