// Edge 2 of issue 19: a closed month whose counters change afterwards (events counted up to the claim retention
// late, journals finished later) gets a correction revision from the daily job, with a metric and an event, so
// the statement and its revisions always add up to the counters. Before, the month closed 4 days after its end
// and no later run looked at it again. The whole path against DynamoDB Local and fauxqs' S3: the aggregator
// counts, the daily job closes, late events are counted, the daily job corrects.
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { startFauxqs } from '../../../local/services/fauxqs';
import type { RunningService } from '../../../local/services/child-service';
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { runDailyJob, type DailyJobDeps } from '../../../capabilities/daily-job/daily-job';
import type { StatementCorrected } from '../../../capabilities/statements/correction-events';
import { statementKeys, type StatementManifest } from '../../../capabilities/statements/statement-files';
import { dayStartMs } from '../../../capabilities/usage/calendar-days';
import { METRIC } from '../../../contracts/metrics';
import type { UsageEvent } from '../../../contracts/usage-event';
import { clientItem, createUsageTable, documentClient, putItems, s3Client } from '../analytics/fixtures';

let dynamoLocal: RunningService;
let fauxqs: RunningService;
let db: DynamoDBDocumentClient;
let s3: S3Client;
const TABLE = 'usage-corrections';
const BUCKET = 'archive-corrections';

beforeAll(async () => {
  [dynamoLocal, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
  db = documentClient(dynamoLocal.endpoint);
  s3 = s3Client(fauxqs.endpoint);
  await createUsageTable(db, TABLE);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await putItems(db, TABLE, [clientItem('cl_a'), clientItem('cl_b', 'premium')]);
}, 90_000);

afterAll(async () => {
  await Promise.all([dynamoLocal?.stop(), fauxqs?.stop()]);
});

const event = (eventId: string, clientId: string, requestTime: string): UsageEvent => ({
  v: 1,
  eventId,
  clientId,
  plan: clientId === 'cl_b' ? 'premium' : 'standard',
  route: 'GET /v1/hello',
  method: 'GET',
  status: 200,
  latencyMs: 12,
  requestTime,
  day: requestTime.slice(0, 10),
});

/** The aggregator as it runs at `at` (its clock decides which request times it still counts). */
async function count(at: string, events: readonly UsageEvent[]): Promise<void> {
  const aggregator = createAggregator({ doc: db, tableName: TABLE, clock: () => Date.parse(at), sleep: async () => undefined });
  const result = await aggregator.aggregateBatch(
    events.map((e) => ({ id: e.eventId, body: JSON.stringify(e) })),
    { remainingTimeMs: 30_000 },
  );
  expect(result).toMatchObject({ counted: events.length, failures: [] });
}

async function manifest(month: string): Promise<StatementManifest> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: statementKeys(month).manifest }));
  return JSON.parse(await out.Body!.transformToString()) as StatementManifest;
}

function job(publish: (events: readonly StatementCorrected[]) => Promise<void>) {
  const metrics: Record<string, number> = {};
  const deps: DailyJobDeps = {
    table: { db, tableName: TABLE },
    archive: { s3, bucket: BUCKET },
    recordMetric: (name, value) => {
      metrics[name] = (metrics[name] ?? 0) + value;
    },
    publishCorrections: publish,
  };
  return { deps, metrics, run: (day: string) => runDailyJob({ day, retentionDays: 90 }, deps) };
}

it('records a correction revision, a metric and an event when a closed month’s counters change, once', async () => {
  // March is used, counted, and closed by the daily job that settles it (April 4th).
  await count('2026-03-02T10:00:05Z', [event('m-1', 'cl_a', '2026-03-02T10:00:00Z')]);
  await count('2026-03-31T23:00:00Z', [event('m-2', 'cl_a', '2026-03-30T10:00:00Z'), event('m-3', 'cl_b', '2026-03-31T22:00:00Z')]);
  const sent: StatementCorrected[] = [];
  const publishing = job(async (events) => void sent.push(...events));
  const closing = await publishing.run('2026-04-04');
  expect(closing.statement).toMatchObject({ month: '2026-03', outcome: 'written', manifest: { status: 'closed', requests: 3 } });

  // A DLQ redrive on April 10th brings back two March events, which the aggregator still counts (22 days).
  await count('2026-04-10T09:00:00Z', [event('m-4', 'cl_a', '2026-03-30T11:00:00Z'), event('m-5', 'cl_b', '2026-03-20T11:00:00Z')]);
  const correcting = await publishing.run('2026-04-10');

  const march = await manifest('2026-03');
  expect(march.requests).toBe(3); // revision 1, the closed statement, stays as it was
  expect(march.corrections?.map((c) => [c.revision, c.requests, c.requestsDelta])).toEqual([[2, 5, 2]]);
  // The client-days the correction changes: what the billing push sends for it (capabilities/billing/correction-delivery.ts).
  expect(march.corrections?.[0].billableDays).toEqual([
    { clientId: 'cl_a', day: '2026-03-30', from: 1, to: 2 },
    { clientId: 'cl_b', day: '2026-03-20', from: 0, to: 1 },
  ]);
  expect(correcting.statements).toContainEqual({ month: '2026-03', outcome: 'corrected', revision: 2 });
  expect(publishing.metrics[METRIC.statementCorrections]).toBe(1);
  expect(sent).toEqual([
    {
      eventId: 'usage-statement-corrected:2026-03:r2',
      month: '2026-03',
      revision: 2,
      reason: 'usage counted after the month closed (daily job for 2026-04-10)',
      clients: 2,
      requests: 5,
      previousRequests: 3,
      requestsDelta: 2,
      billableUnitsDelta: 2,
      billableDays: 2,
      manifestKey: 'statements/month=2026-03/manifest.json',
    },
  ]);

  // The next days change nothing: no revision, no metric, no second event.
  await publishing.run('2026-04-11');
  expect((await manifest('2026-03')).corrections).toHaveLength(1);
  expect(publishing.metrics[METRIC.statementCorrections]).toBe(1);
  expect(sent).toHaveLength(1);
});

it('announces a correction whose event failed on the next run, with the same event id', async () => {
  await count('2026-04-12T09:00:00Z', [event('m-6', 'cl_a', '2026-03-25T11:00:00Z')]);
  const failing = job(async () => {
    throw new Error('PutEvents: connection reset');
  });
  await expect(failing.run('2026-04-12')).rejects.toThrow('PutEvents: connection reset');
  expect((await manifest('2026-03')).corrections?.map((c) => c.revision)).toEqual([2, 3]);

  const sent: StatementCorrected[] = [];
  const rerun = await job(async (events) => void sent.push(...events)).run('2026-04-12');
  expect(rerun.statements).toContainEqual({ month: '2026-03', outcome: 'unchanged', revision: 3 });
  expect(sent.map((e) => [e.eventId, e.requests, e.requestsDelta])).toEqual([['usage-statement-corrected:2026-03:r3', 6, 1]]);
  expect(rerun.announced).toEqual(['2026-03 r3']);
});

it('looks at a closed month as long as its counters can change, and no longer', async () => {
  // Mid-May: March's last day is more than 45 days old, so the aggregator can no longer change its counters.
  const sent: StatementCorrected[] = [];
  const late = await job(async (events) => void sent.push(...events)).run('2026-05-16');
  expect(late.statements.map((s) => s.month)).toEqual(['2026-04']);
  expect(dayStartMs('2026-05-16') - dayStartMs('2026-03-31')).toBeGreaterThan(45 * 86_400_000);
});
