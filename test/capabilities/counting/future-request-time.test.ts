// Edge 5 of issue 19: an event whose requestTime is ahead of the aggregator's clock by more than the stated skew
// bound (MAX_FUTURE_SKEW_MS) is refused to the DLQ path with a reason and a metric, never counted. Before, one a
// month ahead was counted at once and counted again once its claims had expired (it never became "too old").
import { MAX_FUTURE_SKEW_MS, CLAIM_RETENTION_DAYS } from '../../../contracts/usage-queue';
import { METRIC } from '../../../contracts/metrics';
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { createSqsAggregatorHandler } from '../../../capabilities/counting/sqs-handler';
import { TableModel } from '../../../sim/table-model';
import { helloEvent, modelClient } from './support/events';

const DAY_MS = 24 * 3600 * 1000;
const start = Date.UTC(2026, 10, 28, 12, 0, 0);

function setUp() {
  const model = new TableModel();
  const clock = { now: start };
  const aggregator = createAggregator({
    doc: modelClient(model) as never,
    tableName: 'usage',
    clock: () => clock.now,
    sleep: async () => undefined,
  });
  const dayTotal = (day: string) =>
    model.items('usage').find((item) => item.pk === 'USAGE#client-1' && item.sk === `DAY#${day}`)?.requests ?? 0;
  return { model, clock, aggregator, dayTotal };
}

test('an event a month ahead is refused, and stays uncounted after claims of its time would have expired', async () => {
  const { model, clock, aggregator, dayTotal } = setUp();
  const ahead = helloEvent('req-ahead', start + 30 * DAY_MS);
  const deliver = () => aggregator.aggregateBatch([{ id: 'm-ahead', body: JSON.stringify(ahead) }], { remainingTimeMs: 10_000 });

  const first = await deliver();
  // Weeks later (the queue's retries, then the DLQ and a redrive), after TTL removed everything written at first.
  clock.now += (CLAIM_RETENTION_DAYS + 1) * DAY_MS;
  model.expire(Math.floor(clock.now / 1000));
  const second = await deliver();

  expect(first.failures).toEqual(['m-ahead']);
  expect(first.poison).toEqual([
    { id: 'm-ahead', reason: 'request time is more than 300 s ahead of the aggregator clock: refused, never counted', kind: 'future' },
  ]);
  expect(second.failures).toEqual(['m-ahead']);
  expect(dayTotal(ahead.day)).toBe(0);
});

test('an event within the skew bound is counted once; one just beyond it is refused', async () => {
  const { aggregator, dayTotal } = setUp();
  const within = helloEvent('req-within', start + MAX_FUTURE_SKEW_MS);
  const beyond = helloEvent('req-beyond', start + MAX_FUTURE_SKEW_MS + 1);
  const result = await aggregator.aggregateBatch(
    [
      { id: 'within', body: JSON.stringify(within) },
      { id: 'beyond', body: JSON.stringify(beyond) },
    ],
    { remainingTimeMs: 10_000 },
  );
  expect(MAX_FUTURE_SKEW_MS).toBe(5 * 60_000);
  expect(result.counted).toBe(1);
  expect(result.failures).toEqual(['beyond']);
  expect(dayTotal(within.day)).toBe(1);
});

test('the SQS handler logs the refusal with its reason and counts it in FutureUsageEvents (and PoisonMessages)', async () => {
  const { aggregator } = setUp();
  const metrics: Record<string, number> = {};
  const warnings: { message: string; details: Record<string, unknown> }[] = [];
  const handler = createSqsAggregatorHandler({
    aggregator,
    logger: {
      info: () => undefined,
      warn: (message: string, details: Record<string, unknown>) => warnings.push({ message, details }),
    } as never,
    metrics: { addMetric: (name: string, _unit: unknown, value: number) => (metrics[name] = (metrics[name] ?? 0) + value) },
    clock: () => start,
  });
  const record = (id: string, body: string) => ({ messageId: id, body, attributes: { ApproximateReceiveCount: '1' } });
  const response = await handler(
    {
      Records: [record('a', JSON.stringify(helloEvent('req-a', start + DAY_MS))), record('b', JSON.stringify(helloEvent('req-b', start)))],
    } as never,
    { getRemainingTimeInMillis: () => 10_000 },
  );
  expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a' }]);
  expect(metrics[METRIC.futureUsageEvents]).toBe(1);
  expect(metrics[METRIC.poisonMessages]).toBe(1);
  expect(metrics[METRIC.eventsAggregated]).toBe(1);
  expect(warnings).toContainEqual({
    message: 'poison usage event',
    details: expect.objectContaining({ messageId: 'a', reason: expect.stringMatching(/ahead of the aggregator clock/) }),
  });
});
