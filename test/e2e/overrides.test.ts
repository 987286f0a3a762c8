// Per-client overrides on the twin, over real HTTP: a client held by its plan's burst gets an override that
// raises its throttle and its daily quota at the gateway, sees the override in GET /v1/usage and the RateLimit
// headers, and is back on plan limits once `set-plan` removes it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { gatewayResponse } from '../../contracts/gateway-responses';
import { overrideCaps } from '../../contracts/overrides';
import { PLANS } from '../../contracts/plans';
import { usageSummaryResponse } from '../../contracts/routes/usage-summary';
import { setClientPlan } from '../../capabilities/customers/client-plan';
import { setClientOverride } from '../../capabilities/customers/client-override';
import { type ClientStore, createClient } from '../../capabilities/customers/client-store';
import { twinClientConfig } from '../../local/state-file';
import { startTwin, type Twin } from '../../local/twin';

jest.setTimeout(60_000);

const CACHE_TTL_SECONDS = 1;
/** standard's daily quota at the gateway for this file only (planOverrides), so going past it is quick. */
const STANDARD_QUOTA = 25;
const OVERRIDE = { ratePerMinute: 6_000, burst: 200, dailyQuota: 100 };

let twin: Twin;
let store: ClientStore;
let dynamoClient: DynamoDBClient;

beforeAll(async () => {
  twin = await startTwin({
    port: 0,
    quiet: true,
    dailySchedule: false,
    stage: { authorizerCacheTtlSeconds: CACHE_TTL_SECONDS },
    planOverrides: { standard: { dailyQuota: STANDARD_QUOTA } },
  });
  dynamoClient = new DynamoDBClient(twinClientConfig(twin.state, 'dynamodb'));
  store = { db: DynamoDBDocumentClient.from(dynamoClient), tableName: twin.state.tableName };
}, 60_000);

afterAll(async () => {
  dynamoClient?.destroy();
  await twin?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for the cached authorizer result (which carries the limits) to expire. */
const cacheExpiry = () => sleep(CACHE_TTL_SECONDS * 1000 + 200);

async function get(path: string, key: string) {
  const response = await fetch(`${twin.baseUrl}${path}`, { headers: { 'x-api-key': key } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function burst(key: string, n: number) {
  return Promise.all(Array.from({ length: n }, () => get('/v1/hello?name=x', key)));
}

const problemType = (type: 'THROTTLED' | 'QUOTA_EXCEEDED') => expect.stringContaining(gatewayResponse(type).slug);

test('an override raises the throttle and the quota on the twin, shows in /v1/usage; set-plan removes it', async () => {
  const client = await createClient(store, { plan: 'standard', name: 'override-e2e' });

  // 1. On its plan: 40 at once meet the burst of 20 (plus what refills meanwhile).
  const startedAt = performance.now();
  const planned = await burst(client.apiKey, 40);
  // What refills while the burst is answered (slow on a loaded machine): rate × elapsed, plus one token in flight.
  const refilled = Math.ceil(((performance.now() - startedAt) / 60_000) * PLANS.standard.ratePerMinute) + 1;
  const admitted = planned.filter((a) => a.status === 200).length;
  expect(admitted).toBeGreaterThanOrEqual(PLANS.standard.burst);
  expect(admitted).toBeLessThanOrEqual(PLANS.standard.burst + refilled);
  expect(admitted).toBeLessThan(40);
  for (const refused of planned.filter((a) => a.status !== 200)) {
    expect(refused.status).toBe(429);
    expect(refused.json.type).toEqual(problemType('THROTTLED'));
  }
  await twin.drainUsage();

  // 2. The override, as `keys override --local` sets it; in force once the cached authorizer result expires.
  await setClientOverride(store, client.clientId, OVERRIDE, { caps: overrideCaps(twin.stage.stageThrottle) });
  await cacheExpiry();
  const usage = await get('/v1/usage', client.apiKey);
  expect(usage.status).toBe(200);
  const summary = usageSummaryResponse.parse(usage.json);
  expect(summary.limits).toEqual({ source: 'override', ...OVERRIDE, monthlyQuota: 250_000, strict: { ratePerMinute: 10, burst: 5 } });
  expect(summary.plan.name).toBe('standard');
  expect(summary.today).toEqual({ requests: admitted, quota: OVERRIDE.dailyQuota, percentOfQuota: admitted });
  expect(summary.month.requests).toBe(admitted);
  expect(usage.headers.get('ratelimit-policy')).toBe('"override";q=6000;w=60, "daily";q=100;w=86400');
  expect(usage.headers.get('ratelimit')).toMatch(new RegExp(`^"daily";r=${OVERRIDE.dailyQuota - admitted};t=\\d+$`));

  // 3. 40 at once now all pass the throttle, and the day goes past the plan's quota of 25.
  const raised = await burst(client.apiKey, 40);
  expect(raised.map((a) => a.status)).toEqual(Array(40).fill(200));
  let used = admitted + 1 + 40;
  expect(used).toBeGreaterThan(STANDARD_QUOTA);

  // 4. The override's quota holds exactly: requests pass until 100 are used today, then 429.
  const rest: number[] = [];
  for (let i = 0; i < OVERRIDE.dailyQuota - used + 3; i++) rest.push((await get('/v1/hello?name=x', client.apiKey)).status);
  expect(rest.filter((s) => s === 200)).toHaveLength(OVERRIDE.dailyQuota - used);
  expect(rest.slice(-3)).toEqual([429, 429, 429]);
  used = OVERRIDE.dailyQuota;

  // 5. set-plan removes the override: the plan's throttle and quota again (standard at the gateway here: 25/day).
  const change = await setClientPlan(store, client.clientId, 'premium');
  expect(change.removedOverride).toEqual(OVERRIDE);
  await cacheExpiry();
  const back = await get('/v1/usage', client.apiKey);
  expect(back.status).toBe(200);
  const planSummary = usageSummaryResponse.parse(back.json);
  expect(planSummary.limits).toMatchObject({ source: 'plan', ...PLANS.premium, monthlyQuota: null });
  expect(planSummary.today.quota).toBe(PLANS.premium.dailyQuota);
  expect(planSummary.month).toMatchObject({ quota: null, percentOfQuota: null });
  expect(back.headers.get('ratelimit-policy')).toBe(
    `"premium";q=${PLANS.premium.ratePerMinute};w=60, "daily";q=${PLANS.premium.dailyQuota};w=86400`,
  );
  await setClientPlan(store, client.clientId, 'standard');
  await cacheExpiry();
  const quotaOver = await get('/v1/hello?name=x', client.apiKey);
  expect(quotaOver.status).toBe(429);
  expect(quotaOver.json.type).toEqual(problemType('QUOTA_EXCEEDED'));
});
