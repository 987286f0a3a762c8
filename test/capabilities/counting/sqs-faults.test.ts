// Through a real queue and the poller, with DynamoDB faults: crashes mid-batch, throttling/conflicts/timeouts, then all together.
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

test('crashes after a random number of writes, then redelivery, count every event once', async () => {
  const outcome = await runScenario(pipeline, { events: events(250, 4), crashShare: 0.35, seed: 4 });
  expect(outcome.crashes).toBeGreaterThan(0);
  expect(sortedEntries(outcome.counters)).toEqual(sortedEntries(outcome.truth));
  expect(outcome.deadLetters).toEqual([]);
});

test('throttling, transaction conflicts and timeouts on a share of calls are retried; counts stay exact', async () => {
  const outcome = await runScenario(pipeline, {
    events: events(300, 5),
    seed: 5,
    faultPlan: { throttleShare: 0.15, conflictShare: 0.05, timeoutBeforeShare: 0.05, timeoutAfterShare: 0.05 },
  });
  expect(outcome.injected.throttle).toBeGreaterThan(10);
  expect(outcome.injected.conflict).toBeGreaterThan(0);
  expect(outcome.injected.timeoutAfter).toBeGreaterThan(0);
  expect(sortedEntries(outcome.counters)).toEqual(sortedEntries(outcome.truth));
  expect(outcome.deadLetters).toEqual([]);
});

test('all faults together: duplicates, producer retries, crashes, throttling, conflicts, timeouts and poison', async () => {
  const workload = events(250, 6);
  const poison = ['{"v":1,"eventId":"half"', JSON.stringify({ ...workload[3], v: 3 })];
  const outcome = await runScenario(pipeline, {
    events: workload,
    poison,
    seed: 6,
    resendShare: 0.2,
    redeliverShare: 0.1,
    crashShare: 0.2,
    faultPlan: { throttleShare: 0.08, conflictShare: 0.03, timeoutBeforeShare: 0.03, timeoutAfterShare: 0.03 },
  });
  expect(outcome.crashes).toBeGreaterThan(0);
  expect(sortedEntries(outcome.counters)).toEqual(sortedEntries(outcome.truth));
  expect([...outcome.deadLetters].sort()).toEqual([...poison].sort());
  expect(outcome.metrics[METRIC.poisonMessages]).toBeGreaterThanOrEqual(poison.length);
});
