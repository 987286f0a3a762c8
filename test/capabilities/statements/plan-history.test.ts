// A plan change mid-month in the monthly statement, against DynamoDB Local and fauxqs S3: `keys set-plan`
// (the use case) records the day's plans, and the statement lists both plans on that day and each plan's days.
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { startFauxqs } from '../../../local/services/fauxqs';
import type { RunningService } from '../../../local/services/child-service';
import { createClient } from '../../../capabilities/customers/client-store';
import { setClientPlan } from '../../../capabilities/customers/client-plan';
import { putDailySummary } from '../../../capabilities/archive/summary-store';
import { buildMonthlyStatement } from '../../../capabilities/statements/monthly-statement';
import { statementCsv } from '../../../capabilities/statements/statement-files';
import { counters, createUsageTable, dayItems, documentClient, putItems, s3Client } from '../analytics/fixtures';

let dynamoLocal: RunningService;
let fauxqs: RunningService;
let db: DynamoDBDocumentClient;
let s3: S3Client;
const TABLE = 'usage-plan-history';
const BUCKET = 'archive-plan-history';
const store = () => ({ db, tableName: TABLE });
const sources = () => ({ table: store(), archive: { s3, bucket: BUCKET } });

beforeAll(async () => {
  [dynamoLocal, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
  db = documentClient(dynamoLocal.endpoint);
  s3 = s3Client(fauxqs.endpoint);
  await createUsageTable(db, TABLE);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 60_000);

afterAll(async () => {
  await Promise.all([dynamoLocal?.stop(), fauxqs?.stop()]);
});

it('a set-plan on 2026-03-14 shows standard before, both plans on the 14th, premium after', async () => {
  const client = await createClient(store(), { plan: 'standard', name: 'upgrader', now: new Date('2026-02-01T00:00:00Z') });
  await putItems(db, TABLE, [
    ...dayItems(client.clientId, '2026-03-10', { 'GET /v1/hello': counters(4) }),
    ...dayItems(client.clientId, '2026-03-14', { 'GET /v1/hello': counters(3), 'POST /v1/quotes': counters(2) }),
    ...dayItems(client.clientId, '2026-03-20', { 'POST /v1/quotes': counters(6, { clientErrors: 1 }) }),
  ]);
  await setClientPlan(store(), client.clientId, 'premium', { now: new Date('2026-03-14T12:00:00Z') });
  // A daily summary written after the change (plan at close) must not override the recorded history.
  await putDailySummary(
    store(),
    {
      clientId: client.clientId,
      day: '2026-03-10',
      plan: 'premium',
      requests: 4,
      clientErrors: 0,
      serverErrors: 0,
      latencySumMs: 0,
      avgLatencyMs: 0,
      p95LatencyMs: 0,
      dailyQuota: 100_000,
      percentOfQuota: 0,
      routes: {},
    },
    90,
  );

  const statement = await buildMonthlyStatement(sources(), '2026-03', { now: new Date('2026-05-01T00:00:00Z') });
  const mine = statement.statements.find((s) => s.clientId === client.clientId)!;
  expect(mine.days.map((d) => [d.day, d.plan, d.total.requests])).toEqual([
    ['2026-03-10', 'standard', 4],
    ['2026-03-14', 'standard|premium', 5],
    ['2026-03-20', 'premium', 6],
  ]);
  expect(mine.plans).toEqual([
    { plan: 'standard', from: '2026-03-10', to: '2026-03-14' },
    { plan: 'premium', from: '2026-03-14', to: '2026-03-20' },
  ]);
  const csv = statementCsv([mine]);
  expect(csv).toContain(`2026-03,${client.clientId},2026-03-14,standard|premium,ALL,5,5,0,0,5,5\n`);
  expect(csv).toContain(`2026-03,${client.clientId},ALL,standard|premium,ALL,15,14,1,0,15,14\n`);

  // The month before the change: the plan before it, though the client is premium now.
  await putItems(db, TABLE, dayItems(client.clientId, '2026-02-27', { 'GET /v1/hello': counters(1) }));
  const february = await buildMonthlyStatement(sources(), '2026-02', { now: new Date('2026-05-01T00:00:00Z') });
  expect(february.statements.find((s) => s.clientId === client.clientId)?.plans).toEqual([
    { plan: 'standard', from: '2026-02-27', to: '2026-02-27' },
  ]);
});
