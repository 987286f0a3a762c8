// Reconciliation on the twin, end to end: metered counts against the gateway's own per-key usage (kept as
// API Gateway's GetUsage reports it). Equal after normal traffic; a dropped usage event shows up as a
// difference with its explanation; after `usage:replay` they are equal again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { utcDay } from '../../contracts/usage-event';
import { twinClientConfig } from '../../local/state-file';
import { startTwin, type Twin } from '../../local/twin';
import { reconcileDay, twinGatewayUsage } from '../../scripts/reconcile';
import { formatReconciliation } from '../../scripts/support/reconciliation';
import { replayLocal } from '../../scripts/usage-replay';

let twin: Twin;
let dir: string;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reconcile-'));
  twin = await startTwin({
    port: 0,
    quiet: true,
    dailySchedule: false,
    lambdaLogFile: path.join(dir, 'lambda.log'),
    gatewayUsageFile: path.join(dir, 'gateway-usage.json'),
  });
  db = DynamoDBDocumentClient.from(new DynamoDBClient(twinClientConfig(twin.state, 'dynamodb')));
  sqs = new SQSClient(twinClientConfig(twin.state, 'sqs'));
}, 90_000);
afterAll(async () => {
  db?.destroy();
  sqs?.destroy();
  await twin?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function reconcileToday() {
  await twin.drainUsage(30_000);
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // the gateway usage file is refreshed every second
  const day = utcDay(new Date());
  return reconcileDay(day, {
    db,
    tableName: twin.state.tableName,
    sqs,
    queueUrls: [twin.state.usageQueueUrl, twin.state.deadLetterQueueUrl],
    gatewayUsage: async (clients) => twinGatewayUsage(twin.state.gatewayUsageFile as string, day, clients),
  });
}

const hello = (apiKey: string) => fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': apiKey } });

test('metered counts equal the gateway usage, a dropped event is explained, and replay closes the gap', async () => {
  const { apiKey, clientId } = twin.demoKeys.standard;
  const since = new Date(Date.now() - 1_000);
  for (let i = 0; i < 5; i++) expect((await hello(apiKey)).status).toBe(200);
  expect((await fetch(`${twin.baseUrl}/v1/hello?unexpected=1`, { headers: { 'x-api-key': apiKey } })).status).toBe(400);

  const clean = await reconcileToday();
  expect(clean.rows.find((r) => r.clientId === clientId)).toMatchObject({ metered: 6, gateway: 6, kind: 'match' });
  expect(clean.matches).toBe(true);

  // Two events dropped: the route functions' queue is gone for a moment (as in the replay test).
  const { functionEnv } = require('../../capabilities/aws/resources') as typeof import('../../capabilities/aws/resources');
  const resources = functionEnv('route') as { usageQueueUrl: string };
  const queueUrl = resources.usageQueueUrl;
  resources.usageQueueUrl = queueUrl.replace(/[^/]+$/, 'no-such-queue');
  try {
    for (let i = 0; i < 2; i++) expect((await hello(apiKey)).status).toBe(200);
  } finally {
    resources.usageQueueUrl = queueUrl;
  }
  const gap = await reconcileToday();
  expect(gap.rows.find((r) => r.clientId === clientId)).toMatchObject({
    metered: 6,
    gateway: 8,
    difference: -2,
    kind: 'missing-usage-events',
  });
  expect(gap.matches).toBe(false);
  expect(formatReconciliation(gap)).toContain('npm run usage:replay');

  await replayLocal(twin.state, { since, until: new Date() });
  const closed = await reconcileToday();
  expect(closed.rows.find((r) => r.clientId === clientId)).toMatchObject({ metered: 8, gateway: 8, kind: 'match' });
}, 120_000);

test('units beside requests; gate-plan clients (free) reconcile as their plan’s pool of shared usage-identifier keys', async () => {
  const free = twin.demoKeys.free;
  const premium = twin.demoKeys.premium;
  const before = await reconcileToday();
  const pooledBefore = before.pools.find((p) => p.plan === 'free');
  for (let i = 0; i < 3; i++) expect((await hello(free.apiKey)).status).toBe(200);
  // GET /v1/usage costs 0 units: a request on the pool key, no unit.
  expect((await fetch(`${twin.baseUrl}/v1/usage`, { headers: { 'x-api-key': free.apiKey } })).status).toBe(200);
  const quote = await fetch(`${twin.baseUrl}/v1/quotes`, {
    method: 'POST',
    headers: { 'x-api-key': premium.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({
      items: [
        { sku: 'A-1', quantity: 1 },
        { sku: 'B-2', quantity: 2 },
        { sku: 'C-3', quantity: 3 },
      ],
      currency: 'EUR',
    }),
  });
  expect(quote.status).toBe(200);

  const after = await reconcileToday();
  const premiumBefore = before.rows.find((r) => r.clientId === premium.clientId) ?? { metered: 0, units: 0 };
  expect(after.rows.find((r) => r.clientId === premium.clientId)).toMatchObject({
    metered: premiumBefore.metered + 1,
    units: premiumBefore.units + 3, // one request of three items: 3 units
    kind: 'match',
  });
  const pool = after.pools.find((p) => p.plan === 'free');
  expect(pool).toMatchObject({ kind: 'match', metered: (pooledBefore?.metered ?? 0) + 4, units: (pooledBefore?.units ?? 0) + 3 });
  expect(pool?.clients.find((c) => c.clientId === free.clientId)).toMatchObject({ metered: expect.any(Number), units: expect.any(Number) });
  // The free client is not a row of its own, and its pool key is not a key "no client names".
  expect(after.rows.find((r) => r.clientId === free.clientId)).toBeUndefined();
  expect(after.unknownKeys).toBe(0);
  expect(after.matches).toBe(true);
  expect(formatReconciliation(after)).toMatch(/pool of free \(1 client\(s\)\)/);
}, 120_000);
