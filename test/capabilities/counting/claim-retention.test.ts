// The aggregator keeps claims and journals for CLAIM_RETENTION_DAYS (derived from the queue settings), and
// refuses an event too old to be checked against them: to the DLQ with a reason, never counted blind.
import { CLAIM_RETENTION_DAYS } from '../../../contracts/usage-queue';
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { TableModel } from '../../../sim/table-model';
import { helloEvent, modelClient } from './support/events';

const DAY_MS = 24 * 3600 * 1000;
const now = Date.UTC(2026, 10, 28, 12, 0, 0);

function setUp() {
  const model = new TableModel();
  const doc = modelClient(model);
  const aggregator = createAggregator({ doc: doc as never, tableName: 'usage', clock: () => now, sleep: async () => undefined });
  return { model, aggregator };
}

test('claims and journals expire CLAIM_RETENTION_DAYS after they are written', async () => {
  const { model, aggregator } = setUp();
  await aggregator.aggregateBatch([{ id: 'm1', body: JSON.stringify(helloEvent('req-1', now - 1_000)) }], { remainingTimeMs: 10_000 });
  const owned = model.items('usage').filter((item) => /^(CLAIM|JOURNAL)#/.test(String(item.pk)));
  expect(owned.length).toBeGreaterThanOrEqual(3);
  for (const item of owned) expect(item.expiresAt).toBe(Math.floor(now / 1000) + CLAIM_RETENTION_DAYS * 24 * 3600);
});

test('an event older than the claim retention (less a day) is refused with a reason, and one just younger is counted', async () => {
  const { model, aggregator } = setUp();
  const tooOld = helloEvent('req-old', now - (CLAIM_RETENTION_DAYS - 1) * DAY_MS - 1_000);
  const young = helloEvent('req-young', now - (CLAIM_RETENTION_DAYS - 1) * DAY_MS + 60_000);
  const result = await aggregator.aggregateBatch(
    [
      { id: 'old', body: JSON.stringify(tooOld) },
      { id: 'young', body: JSON.stringify(young) },
    ],
    { remainingTimeMs: 10_000 },
  );
  expect(result.failures).toEqual(['old']);
  expect(result.poison).toEqual([
    { id: 'old', reason: 'older than the claim retention: cannot be checked for duplicates', kind: 'too-old' },
  ]);
  expect(result.counted).toBe(1);
  const counted = model.items('usage').filter((item) => String(item.pk) === 'USAGE#client-1' && !String(item.sk).includes('ROUTE'));
  expect(counted.map((item) => [item.sk, item.requests])).toEqual([[`DAY#${young.day}`, 1]]);
});
