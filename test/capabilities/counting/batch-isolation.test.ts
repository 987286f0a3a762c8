// One bad record must not poison a batch of up to 1,000, and an event id reused with another payload is
// counted once (the first) and reported, as Stripe and Powertools do for idempotency keys.
import type { SQSEvent } from 'aws-lambda';
import { METRIC } from '../../../contracts/metrics';
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { createSqsAggregatorHandler } from '../../../capabilities/counting/sqs-handler';
import { TableModel } from '../../../sim/table-model';
import { helloEvent, modelClient } from './support/events';

const now = Date.UTC(2026, 10, 28, 12, 0, 0);
/** An event `second`s before now. */
const event = (id: string, second: number, latencyMs = 5) => helloEvent(id, now - second * 1000, latencyMs);
const record = (id: string, e: ReturnType<typeof helloEvent>) => ({ id, body: JSON.stringify(e) });
const dayRequests = (model: TableModel) =>
  Number(
    model.items('usage').find((i) => i.pk === 'USAGE#client-1' && i.sk === `DAY#${new Date(now).toISOString().slice(0, 10)}`)?.requests ??
      0,
  );

test('an unexpected error on one claim page fails only that page’s records; the rest are counted', async () => {
  // Prepare: every read of one page fails with an error no retry can fix.
  const model = new TableModel();
  const broken = `CLAIM#${new Date(now - 5_000).toISOString().slice(0, 19)}#0`;
  const doc = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const values = command.input.ExpressionAttributeValues as Record<string, unknown> | undefined;
      if (command.constructor.name === 'QueryCommand' && values?.[':pk'] === broken) {
        throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
      }
      return model.execute(command);
    },
  };
  const errors: string[] = [];
  const aggregator = createAggregator({
    doc: doc as never,
    tableName: 'usage',
    clock: () => now,
    sleep: async () => undefined,
    onError: (error, context) => errors.push(`${context.step}: ${(error as Error).name}`),
  });

  // Act
  const result = await aggregator.aggregateBatch(
    [record('bad', event('req-1', 5)), record('ok1', event('req-2', 3)), record('ok2', event('req-3', 2))],
    {
      remainingTimeMs: 10_000,
    },
  );

  // Assess
  expect(result.failures).toEqual(['bad']);
  expect(result.counted).toBe(2);
  expect(result.errors).toBe(1);
  expect(errors).toEqual(['claim: ValidationException']);
  expect(dayRequests(model)).toBe(2);
});

test('the same eventId with a different payload counts once and is reported, across batches and within one', async () => {
  const model = new TableModel();
  const doc = modelClient(model);
  const aggregator = createAggregator({ doc: doc as never, tableName: 'usage', clock: () => now, sleep: async () => undefined });
  const first = await aggregator.aggregateBatch([record('a', event('req-1', 2, 5))], { remainingTimeMs: 10_000 });
  const later = await aggregator.aggregateBatch([record('b', event('req-1', 2, 900)), record('c', event('req-1', 2, 5))], {
    remainingTimeMs: 10_000,
  });
  const within = await aggregator.aggregateBatch([record('d', event('req-9', 1, 5)), record('e', event('req-9', 1, 7))], {
    remainingTimeMs: 10_000,
  });

  expect(first.conflicts).toEqual([]);
  expect(later).toMatchObject({ failures: [], counted: 0, duplicates: 2, conflicts: [{ id: 'b', eventId: 'req-1' }] });
  expect(within).toMatchObject({ failures: [], counted: 1, duplicates: 1, conflicts: [{ id: 'e', eventId: 'req-9' }] });
  expect(dayRequests(model)).toBe(2);
});

test('the SQS handler logs a conflict without the payload and counts it in a metric', async () => {
  const model = new TableModel();
  const doc = modelClient(model);
  const aggregator = createAggregator({ doc: doc as never, tableName: 'usage', clock: () => now, sleep: async () => undefined });
  const warnings: unknown[][] = [];
  const metrics: Record<string, number> = {};
  const handler = createSqsAggregatorHandler({
    aggregator,
    logger: { info: () => undefined, warn: (...args: unknown[]) => warnings.push(args) } as never,
    metrics: { addMetric: (name: string, _unit: unknown, value: number) => (metrics[name] = (metrics[name] ?? 0) + value) },
  });
  const sqsEvent = (records: { id: string; body: string }[]) =>
    ({
      Records: records.map((r) => ({ messageId: r.id, body: r.body, attributes: { ApproximateReceiveCount: '1' } })),
    }) as unknown as SQSEvent;
  const context = { getRemainingTimeInMillis: () => 10_000 };

  await handler(sqsEvent([record('a', event('req-1', 2, 5))]), context);
  const response = await handler(sqsEvent([record('b', event('req-1', 2, 1234))]), context);

  expect(response.batchItemFailures).toEqual([]);
  expect(metrics[METRIC.eventConflicts]).toBe(1);
  const conflict = warnings.find(([message]) => String(message).includes('different payload'));
  expect(conflict?.[1]).toEqual({ messageId: 'b', eventId: 'req-1' });
  expect(JSON.stringify(warnings)).not.toContain('1234');
});
