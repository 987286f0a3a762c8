// Alerts follow a client's own daily quota (per-client override): the aggregator's lookup of the client
// record on DynamoDB Local, its cache, and the sweeper's totals carrying the override quota.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { createClient } from '../../../capabilities/customers/client-store';
import { setClientOverride } from '../../../capabilities/customers/client-override';
import { overrideCaps } from '../../../contracts/overrides';
import { STAGES } from '../../../contracts/stages';
import { PLANS } from '../../../contracts/plans';
import { overrideAwareQuota } from '../../../capabilities/alerts/override-quotas';
import { detectThresholdCrossings, type ThresholdCrossed } from '../../../capabilities/alerts/threshold-crossings';
import { sweepAlerts } from '../../../capabilities/alerts/sweeper';
import { createUsageTable, documentClient } from '../analytics/fixtures';

let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
const TABLE = 'override-quotas';

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

test('a client with an override is alerted against its own quota; one without, against its plan', async () => {
  const store = { db, tableName: TABLE };
  const plain = await createClient(store, { plan: 'standard', name: 'plain' });
  const raised = await createClient(store, { plan: 'standard', name: 'raised' });
  await setClientOverride(
    store,
    raised.clientId,
    { ratePerMinute: 200, burst: 40, dailyQuota: 20_000 },
    {
      caps: overrideCaps(STAGES.prod.stageThrottle),
    },
  );
  const now = 0;
  const quotaFor = overrideAwareQuota(store, 60_000, () => now);
  const total = (clientId: string) => ({ clientId, plan: 'standard', day: '2026-06-01', requests: 1 });
  expect(await quotaFor(total(plain.clientId))).toBe(PLANS.standard.dailyQuota);
  expect(await quotaFor(total(raised.clientId))).toBe(20_000);

  const sent: ThresholdCrossed[] = [];
  const deps = { table: store, send: async (events: readonly ThresholdCrossed[]) => void sent.push(...events), quotaFor };
  const day = '2026-06-01';
  await detectThresholdCrossings(deps, [
    { clientId: plain.clientId, plan: 'standard', day, requests: 8_000 },
    { clientId: raised.clientId, plan: 'standard', day, requests: 8_000 },
  ]);
  // 8,000 is 80 % of the plan's 10,000 but only 40 % of the override's 20,000.
  expect(sent.map((e) => [e.clientId, e.threshold, e.quota])).toEqual([[plain.clientId, 80, PLANS.standard.dailyQuota]]);
  await detectThresholdCrossings(deps, [{ clientId: raised.clientId, plan: 'standard', day, requests: 16_000 }]);
  expect(sent.at(-1)).toMatchObject({ clientId: raised.clientId, threshold: 80, quota: 20_000, used: 16_000 });
});

test('the lookup is cached per client for a minute', async () => {
  let reads = 0;
  const counting = {
    tableName: TABLE,
    db: { send: async (command: unknown) => (reads++, db.send(command as never)) } as unknown as DynamoDBDocumentClient,
  };
  let now = 0;
  const quotaFor = overrideAwareQuota(counting, 60_000, () => now);
  const unknown = { clientId: 'cl_unknown', plan: 'standard', day: '2026-06-01', requests: 1 };
  expect(await quotaFor(unknown)).toBe(PLANS.standard.dailyQuota);
  await quotaFor(unknown);
  expect(reads).toBe(1);
  now += 60_001;
  await quotaFor(unknown);
  expect(reads).toBe(2);
});

test("the sweeper measures an override client's counters against the override", async () => {
  const store = { db, tableName: 'override-quotas-sweep' };
  await createUsageTable(db, store.tableName);
  const client = await createClient(store, { plan: 'standard', name: 'sweep' });
  await setClientOverride(
    store,
    client.clientId,
    { ratePerMinute: 200, burst: 40, dailyQuota: 100 },
    {
      caps: overrideCaps(STAGES.prod.stageThrottle),
    },
  );
  const now = new Date();
  const day = now.toISOString().slice(0, 10);
  const { itemKey } = await import('../../../contracts/table');
  const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
  await db.send(new PutCommand({ TableName: store.tableName, Item: { ...itemKey.dayCounter(client.clientId, day), requests: 85 } }));
  const sent: ThresholdCrossed[] = [];
  await sweepAlerts({ table: store, send: async (events) => void sent.push(...events) }, { now, allDays: false });
  expect(sent.map((e) => [e.threshold, e.quota, e.used])).toEqual([[80, 100, 85]]);
});
