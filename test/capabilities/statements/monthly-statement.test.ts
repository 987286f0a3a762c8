// Monthly statements against DynamoDB Local and fauxqs S3: totals equal the counters (table and
// archive), plans per day, open vs closed months, byte-identical reruns, closed months never rewritten.
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { startFauxqs } from '../../../local/services/fauxqs';
import type { RunningService } from '../../../local/services/child-service';
import { encodeArchive, putVerified, writeArchive } from '../../../capabilities/archive/counter-archive';
import { putDailySummary } from '../../../capabilities/archive/summary-store';
import { buildMonthlyStatement, writeMonthlyStatement } from '../../../capabilities/statements/monthly-statement';
import { daysOfMonth, monthSettledBy, openDays } from '../../../capabilities/statements/months';
import { meterEvents, statementCsv, statementFiles, statementKeys, sha256 } from '../../../capabilities/statements/statement-files';
import { clientItem, counters, createUsageTable, dayItems, documentClient, putItems, s3Client } from '../analytics/fixtures';

let dynamoLocal: RunningService;
let fauxqs: RunningService;
let db: DynamoDBDocumentClient;
let s3: S3Client;
const TABLE = 'usage-statements';
const BUCKET = 'archive-statements';
const MONTH = '2026-03';
const AFTER = new Date('2026-05-01T00:10:00Z');

beforeAll(async () => {
  [dynamoLocal, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
  db = documentClient(dynamoLocal.endpoint);
  s3 = s3Client(fauxqs.endpoint);
  await createUsageTable(db, TABLE);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await putItems(db, TABLE, [
    { ...clientItem('cl_a', 'premium'), stripeCustomerId: 'cus_A' },
    clientItem('cl_b'),
    // cl_a: two days in the table, one day in March that only the archive holds, one day outside March.
    ...dayItems('cl_a', '2026-03-02', {
      'GET /v1/hello': counters(7, { clientErrors: 2 }),
      'POST /v1/quotes': counters(3, { serverErrors: 1 }),
    }),
    ...dayItems('cl_a', '2026-03-31', { 'GET /v1/hello': counters(5) }),
    ...dayItems('cl_a', '2026-04-01', { 'GET /v1/hello': counters(100) }),
    ...dayItems('cl_b', '2026-03-15', { 'GET /v1/usage': counters(4, { clientErrors: 4 }) }),
  ]);
  await writeArchive(
    { s3, bucket: BUCKET },
    encodeArchive('2026-03-01', dayItems('cl_a', '2026-03-01', { 'GET /v1/hello': counters(11) }) as never),
  );
  // The plan in force on 2026-03-02 was standard (the daily job's summary of that day says so).
  await putDailySummary(
    { db, tableName: TABLE },
    {
      clientId: 'cl_a',
      day: '2026-03-02',
      plan: 'standard',
      requests: 10,
      clientErrors: 2,
      serverErrors: 1,
      latencySumMs: 0,
      avgLatencyMs: 0,
      p95LatencyMs: 0,
      dailyQuota: 10_000,
      percentOfQuota: 0.1,
      routes: {},
    },
    90,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([dynamoLocal?.stop(), fauxqs?.stop()]);
});

const sources = () => ({ table: { db, tableName: TABLE }, archive: { s3, bucket: BUCKET } });

async function object(key: string): Promise<Buffer> {
  const result = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await result.Body!.transformToByteArray());
}

it('knows the days of a month and when it settles', () => {
  expect(daysOfMonth('2024-02')).toHaveLength(29);
  expect(daysOfMonth('2026-12').at(-1)).toBe('2026-12-31');
  expect(openDays('2026-03', new Date('2026-04-04T12:00:00Z'))).toEqual(['2026-03-31']);
  expect(openDays('2026-03', new Date('2026-04-05T00:05:00Z'))).toEqual([]);
  expect(monthSettledBy('2026-04-04')).toBe('2026-03');
  expect(monthSettledBy('2026-04-05')).toBeUndefined();
});

it('sums each client per route, status class and day, from the table and the archive, with the plans in force', async () => {
  const statement = await buildMonthlyStatement(sources(), MONTH, { now: AFTER });
  const [a, b] = statement.statements;
  expect(a.clientId).toBe('cl_a');
  expect(a.days.map((d) => [d.day, d.plan, d.total.requests])).toEqual([
    ['2026-03-01', 'premium', 11],
    ['2026-03-02', 'standard', 10],
    ['2026-03-31', 'premium', 5],
  ]);
  expect(a.plans).toEqual([
    { plan: 'premium', from: '2026-03-01', to: '2026-03-01' },
    { plan: 'standard', from: '2026-03-02', to: '2026-03-02' },
    { plan: 'premium', from: '2026-03-31', to: '2026-03-31' },
  ]);
  // Billable units (contracts/pricing.ts defaults): the 2xx/3xx units; 4xx, 5xx and usage reads are not billed.
  expect(a.total).toEqual({ requests: 26, ok: 23, clientErrors: 2, serverErrors: 1, units: 26, billableUnits: 23 });
  expect(a.routes).toEqual({
    'GET /v1/hello': { requests: 23, ok: 21, clientErrors: 2, serverErrors: 0, units: 23, billableUnits: 21 },
    'POST /v1/quotes': { requests: 3, ok: 2, clientErrors: 0, serverErrors: 1, units: 3, billableUnits: 2 },
  });
  expect(b).toMatchObject({
    clientId: 'cl_b',
    total: { requests: 4, ok: 0, clientErrors: 4, serverErrors: 0, units: 4, billableUnits: 0 },
  });
  expect(statementCsv(statement.statements).split('\n').slice(0, 4)).toEqual([
    'month,client_id,day,plan,route,requests,status_2xx_3xx,status_4xx,status_5xx,units,billable_units',
    '2026-03,cl_a,2026-03-01,premium,GET /v1/hello,11,11,0,0,11,11',
    '2026-03,cl_a,2026-03-01,premium,ALL,11,11,0,0,11,11',
    '2026-03,cl_a,2026-03-02,standard,GET /v1/hello,7,5,2,0,7,5',
  ]);
  expect(statementCsv(statement.statements)).toContain('2026-03,cl_a,ALL,premium|standard|premium,ALL,26,23,2,1,26,23\n');
  // Format 1 (months closed before units were counted) renders the old columns byte for byte.
  expect(statementCsv(statement.statements, 1).split('\n').slice(0, 2)).toEqual([
    'month,client_id,day,plan,route,requests,status_2xx_3xx,status_4xx,status_5xx',
    '2026-03,cl_a,2026-03-01,premium,GET /v1/hello,11,11,0,0',
  ]);
});

it('maps clients to Stripe meter events with one deterministic identifier per client and day', async () => {
  const statement = await buildMonthlyStatement(sources(), MONTH, { now: AFTER });
  const { events, unmapped } = meterEvents(statement.statements, statement.usage);
  // cl_b has only 4xx usage reads: nothing billable, so not named.
  expect(unmapped).toEqual([]);
  expect(events).toEqual([
    {
      event_name: 'api_requests',
      identifier: 'cl_a_2026-03-01_api_requests',
      timestamp: 1772323200,
      payload: { stripe_customer_id: 'cus_A', value: '11' },
    },
    {
      event_name: 'api_requests',
      identifier: 'cl_a_2026-03-02_api_requests',
      timestamp: 1772409600,
      // 10 requests: one 4xx and one 5xx are not billable.
      payload: { stripe_customer_id: 'cus_A', value: '7' },
    },
    {
      event_name: 'api_requests',
      identifier: 'cl_a_2026-03-31_api_requests',
      timestamp: 1774915200,
      payload: { stripe_customer_id: 'cus_A', value: '5' },
    },
  ]);
});

it('writes an open month, rewrites it as it grows, then keeps the closed files byte for byte', async () => {
  const keys = statementKeys('2026-02');
  await putItems(db, TABLE, dayItems('cl_b', '2026-02-27', { 'GET /v1/hello': counters(2) }));
  const open = await writeMonthlyStatement(
    sources().archive,
    await buildMonthlyStatement(sources(), '2026-02', { now: new Date('2026-03-02T00:05:00Z') }),
  );
  expect(open).toMatchObject({
    outcome: 'written',
    manifest: { status: 'open', openDays: ['2026-02-26', '2026-02-27', '2026-02-28'], requests: 2 },
  });

  // A late event lands; the month closes; the files follow the counters.
  await putItems(db, TABLE, dayItems('cl_b', '2026-02-27', { 'GET /v1/hello': counters(3) }));
  const closed = await writeMonthlyStatement(sources().archive, await buildMonthlyStatement(sources(), '2026-02', { now: AFTER }));
  expect(closed).toMatchObject({ outcome: 'written', manifest: { status: 'closed', openDays: [], requests: 3, clients: 2 } });
  const bytes = await Promise.all([keys.csv, keys.jsonl, keys.manifest].map(object));
  expect(bytes[0].toString()).toContain('2026-02,cl_b,ALL,standard,ALL,3,3,0,0,3,3\n');

  const again = await writeMonthlyStatement(sources().archive, await buildMonthlyStatement(sources(), '2026-02', { now: AFTER }));
  expect(again.outcome).toBe('unchanged');

  // A change to a closed month's counters does not change its statement.
  await putItems(db, TABLE, dayItems('cl_b', '2026-02-27', { 'GET /v1/hello': counters(9) }));
  const later = await writeMonthlyStatement(sources().archive, await buildMonthlyStatement(sources(), '2026-02', { now: AFTER }));
  expect(later).toMatchObject({ outcome: 'kept-closed', manifest: { requests: 3 } });
  expect(await Promise.all([keys.csv, keys.jsonl, keys.manifest].map(object))).toEqual(bytes);

  // Recording a correction: the closed files stay byte for byte; revision 2 sits beside them and the manifest lists it.
  const build = () => buildMonthlyStatement(sources(), '2026-02', { now: AFTER });
  const corrected = await writeMonthlyStatement(sources().archive, await build(), { correction: 'replayed usage of 2026-02-27' });
  expect(corrected.outcome).toBe('corrected');
  const r2 = statementKeys('2026-02', 2);
  expect(corrected.manifest).toMatchObject({
    status: 'closed',
    requests: 3,
    format: 2,
    billableUnits: 3,
    corrections: [
      {
        revision: 2,
        reason: 'replayed usage of 2026-02-27',
        requests: 9,
        requestsDelta: 6,
        clients: 2,
        billableUnits: 9,
        billableUnitsDelta: 6,
        billableDays: [{ clientId: 'cl_b', day: '2026-02-27', from: 3, to: 9 }],
      },
    ],
  });
  expect(corrected.manifest.corrections?.[0].files.map((f) => f.key)).toEqual([r2.csv, r2.jsonl]);
  expect((await object(r2.csv)).toString()).toContain('2026-02,cl_b,ALL,standard,ALL,9,9,0,0,9,9\n');
  expect(await Promise.all([keys.csv, keys.jsonl].map(object))).toEqual(bytes.slice(0, 2));
  const manifest = JSON.parse((await object(keys.manifest)).toString());
  expect(manifest.corrections).toHaveLength(1);
  expect(manifest.corrections[0].files[0].sha256).toBe(sha256(await object(r2.csv)));

  // Nothing new: a rerun records nothing, with or without a reason.
  expect((await writeMonthlyStatement(sources().archive, await build(), { correction: 'again' })).outcome).toBe('unchanged');
  expect((await writeMonthlyStatement(sources().archive, await build())).outcome).toBe('unchanged');

  // A second change: revision 3, its delta against revision 2.
  await putItems(db, TABLE, dayItems('cl_b', '2026-02-27', { 'GET /v1/hello': counters(10) }));
  expect((await writeMonthlyStatement(sources().archive, await build())).outcome).toBe('kept-closed');
  const third = await writeMonthlyStatement(sources().archive, await build(), { correction: 'one more late event' });
  expect(third.manifest.corrections?.map((c) => [c.revision, c.requests, c.requestsDelta])).toEqual([
    [2, 9, 6],
    [3, 10, 1],
  ]);
  expect(third.manifest.corrections?.[1].billableDays).toEqual([{ clientId: 'cl_b', day: '2026-02-27', from: 9, to: 10 }]);
  expect(await Promise.all([keys.csv, keys.jsonl].map(object))).toEqual(bytes.slice(0, 2));
});

it('keeps a month closed in format 1 (before units) in format 1: no revision for the format alone', async () => {
  await putItems(db, TABLE, dayItems('cl_b', '2026-01-10', { 'GET /v1/hello': counters(4) }));
  const build = () => buildMonthlyStatement(sources(), '2026-01', { now: AFTER });
  const old = statementFiles('2026-01', (await build()).statements, [], 1, 1);
  await putVerified(sources().archive, old.objects);
  expect(old.manifest).not.toHaveProperty('format');
  expect((await writeMonthlyStatement(sources().archive, await build(), { correction: 'daily job' })).outcome).toBe('unchanged');
  // A real change is still recorded, in format 1.
  await putItems(db, TABLE, dayItems('cl_b', '2026-01-10', { 'GET /v1/hello': counters(5) }));
  const corrected = await writeMonthlyStatement(sources().archive, await build(), { correction: 'late' });
  expect(corrected.manifest.corrections).toEqual([expect.objectContaining({ revision: 2, requests: 5, requestsDelta: 1 })]);
  expect(corrected.manifest.corrections?.[0]).not.toHaveProperty('billableUnitsDelta');
  expect(corrected.manifest.corrections?.[0]).not.toHaveProperty('billableDays');
  expect((await object(statementKeys('2026-01', 2).csv)).toString()).toContain('2026-01,cl_b,ALL,standard,ALL,5,5,0,0\n');
});

it('is written by the daily job that settles the month, the same on a rerun', async () => {
  const { runDailyJob } = await import('../../../capabilities/daily-job/daily-job');
  const deps = sources();
  const before = await runDailyJob({ day: '2026-04-03', retentionDays: 90 }, deps);
  expect(before.statement).toBeUndefined();
  const first = await runDailyJob({ day: '2026-04-04', retentionDays: 90 }, deps);
  expect(first.statement).toMatchObject({ month: MONTH, outcome: 'written', manifest: { status: 'closed', requests: 30, clients: 2 } });
  const keys = statementKeys(MONTH);
  const bytes = await Promise.all([keys.csv, keys.jsonl, keys.manifest].map(object));
  const rerun = await runDailyJob({ day: '2026-04-04', retentionDays: 90 }, deps);
  expect(rerun.statement?.outcome).toBe('unchanged');
  expect(await Promise.all([keys.csv, keys.jsonl, keys.manifest].map(object))).toEqual(bytes);
  expect(JSON.parse(bytes[2].toString())).toMatchObject({
    files: [
      { key: 'statements/month=2026-03/statement.csv', bytes: bytes[0].length },
      { key: 'statements/month=2026-03/statement.jsonl', bytes: bytes[1].length },
    ],
  });
});
