// A free-plan (gate) client on the twin, over real HTTP with the IAM check on: `keys create` makes no usage key of
// its own, the gate admits the burst and answers the next request 429 problem+json with exact RateLimit headers and a
// true Retry-After, GET /v1/usage (0 units) still answers, and a spent prepaid balance answers 402.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PLANS } from '../../contracts/plans';
import { createKey } from '../../capabilities/customers/key-admin';
import type { ClientStore } from '../../capabilities/customers/client-store';
import { topUpCredits } from '../../capabilities/gate/credits';
import { twinClientConfig } from '../../local/state-file';
import { startTwin, type Twin } from '../../local/twin';

jest.setTimeout(60_000);

let twin: Twin;
let store: ClientStore;
let dynamoClient: DynamoDBClient;

beforeAll(async () => {
  twin = await startTwin({ port: 0, quiet: true, dailySchedule: false });
  dynamoClient = new DynamoDBClient(twinClientConfig(twin.state, 'dynamodb'));
  store = { db: DynamoDBDocumentClient.from(dynamoClient), tableName: twin.state.tableName };
}, 60_000);

afterAll(async () => {
  dynamoClient?.destroy();
  await twin?.stop();
});

async function get(path: string, key: string) {
  const response = await fetch(`${twin.baseUrl}${path}`, { headers: { 'x-api-key': key } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

/** Waits for the start of a wall-clock second, so a burst falls within one second window. */
async function startOfSecond() {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
}

test('the gate admits a free client’s burst, then answers 429 with exact headers; GET /v1/usage still answers', async () => {
  const registered: string[] = [];
  const gateway = {
    registerUsageKey: async () => {
      registered.push('key');
      throw new Error('a gate plan must not register a usage key');
    },
    enforceRevocation: async () => undefined,
    flushAuthorizerCache: async () => undefined,
  };
  const client = await createKey({ store, gateway }, 'free', 'gate-e2e');
  expect(registered).toEqual([]);

  // Warm the route functions first (GET /v1/usage costs 0 units), then send one burst more than the plan allows, at once.
  await get('/v1/usage', client.apiKey);
  await get('/v1/hello', client.apiKey).then((a) => expect(a.status).toBe(200));
  await startOfSecond();
  const answers = await Promise.all(Array.from({ length: PLANS.free.burst + 2 }, () => get('/v1/hello?name=x', client.apiKey)));
  const admitted = answers.filter((a) => a.status === 200);
  expect(admitted).toHaveLength(PLANS.free.burst);
  expect(answers.filter((a) => a.status === 429)).toHaveLength(2);
  expect(admitted[0].headers.get('ratelimit-policy')).toMatch(
    /^"burst";q=5;w=1, "free";q=10;w=60, "daily";q=100;w=86400, "monthly";q=1000;w=\d+$/,
  );
  expect(admitted.map((a) => a.headers.get('ratelimit')?.split(',')[0]).sort()).toEqual([0, 1, 2, 3, 4].map((r) => `"burst";r=${r};t=1`));
  const refused = answers.find((a) => a.status === 429)!;
  expect(refused.headers.get('content-type')).toBe('application/problem+json');
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(refused.headers.get('ratelimit')).toMatch(/^"burst";r=0;t=1, /);
  expect(refused.json).toMatchObject({ type: 'https://metered-api.dev/problems/rate-limited', status: 429 });

  const usage = await get('/v1/usage', client.apiKey);
  expect(usage.status).toBe(200);
  expect(usage.headers.get('ratelimit')).toMatch(/"free";r=4;/);
});

test('a spent prepaid balance answers 402 credits-exhausted', async () => {
  const client = await createKey({ store }, 'free', 'gate-credits');
  await topUpCredits(store, { clientId: client.clientId, units: 1, by: 'test', now: new Date() });
  await startOfSecond();
  expect((await get('/v1/hello', client.apiKey)).status).toBe(200);
  const refused = await get('/v1/hello', client.apiKey);
  expect(refused.status).toBe(402);
  expect(refused.json).toMatchObject({ type: 'https://metered-api.dev/problems/credits-exhausted', status: 402 });
  expect(refused.headers.get('retry-after')).toBeNull();
});
