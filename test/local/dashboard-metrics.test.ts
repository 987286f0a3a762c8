// The dashboard's client table (`/_twin/api/metrics`): each client's counted requests today against the daily quota
// in force, which is its own override's where it has one (a client blocked at 10 of its 10 shows 100 %, not 0.1 %).
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dashboardMetrics, TwinObservations } from '../../local/dashboard';
import { startDynamoDbLocal } from '../../local/services/dynamodb-local';
import type { RunningService } from '../../local/services/child-service';
import { PLANS } from '../../contracts/plans';
import { clientItem, counters, createUsageTable, dayItems, documentClient, putItems } from '../capabilities/analytics/fixtures';

const TABLE = 'dashboard-metrics';
let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

/** Empty queues: this test is about the client table. */
const sqs = { send: async () => ({ Attributes: {} }) } as unknown as SQSClient;

test('shows each client against the daily quota in force: its override, else its plan', async () => {
  const now = new Date('2026-11-28T10:00:00.000Z');
  const day = '2026-11-28';
  const override = { ratePerMinute: 100, burst: 20, dailyQuota: 10, setAt: '2026-11-01T00:00:00.000Z' };
  await putItems(db, TABLE, [
    { ...clientItem('cl_blocked'), override },
    clientItem('cl_plain'),
    ...dayItems('cl_blocked', day, { 'GET /v1/hello': counters(10) }),
    ...dayItems('cl_plain', day, { 'GET /v1/hello': counters(10) }),
  ]);
  const metrics = await dashboardMetrics(
    new TwinObservations(),
    { db, tableName: TABLE, sqs, usageQueueUrl: 'usage', deadLetterQueueUrl: 'dlq' },
    now,
  );
  const row = (clientId: string) => metrics.clients.find((c) => c.clientId === clientId);
  expect(row('cl_blocked')).toMatchObject({ counted: 10, quota: 10 });
  expect(row('cl_plain')).toMatchObject({ counted: 10, quota: PLANS.standard.dailyQuota });
});
