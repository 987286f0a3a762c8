// The client-visible contract suite (scripts/support/contract-suite.ts) against the twin: the same checks
// `npm run smoke -- --stage S` runs against a deployed stage, one jest test per check.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startTwin, type Twin } from '../../local/twin';
import { createClient, getClient, revokeClient, type ClientStore } from '../../capabilities/customers/client-store';
import { twinClientConfig } from '../../local/state-file';
import { httpCall } from '../../scripts/support/http-call';
import {
  ALL_CHECKS,
  CONTRACT_CHECKS,
  ContractSession,
  formatResults,
  runContractSuite,
  type ContractTarget,
} from '../../scripts/support/contract-suite';

/** Short, so the revocation check waits seconds, not the dev stage's 300 s. */
const CACHE_TTL_SECONDS = 2;

let twin: Twin;
let dynamoClient: DynamoDBClient;
let store: ClientStore;
let target: ContractTarget;
let session: ContractSession;
const created: string[] = [];

beforeAll(async () => {
  twin = await startTwin({ port: 0, quiet: true, dailySchedule: false, stage: { authorizerCacheTtlSeconds: CACHE_TTL_SECONDS } });
  dynamoClient = new DynamoDBClient(twinClientConfig(twin.state, 'dynamodb'));
  store = { db: DynamoDBDocumentClient.from(dynamoClient), tableName: twin.state.tableName };
  target = {
    baseUrl: twin.baseUrl,
    usageBatchWindowSeconds: twin.stage.usageBatchWindowSeconds,
    authorizerCacheTtlSeconds: twin.stage.authorizerCacheTtlSeconds,
    createClient: async (plan, name) => {
      const client = await createClient(store, { plan, name });
      created.push(client.clientId);
      return client;
    },
    revokeClient: async (clientId) => {
      await revokeClient(store, clientId);
    },
    // Setup through the twin's admin API, as an operator would (loopback, the admin token of its state file).
    topUpCredits: async (clientId, units) => {
      await admin(`/admin/v1/clients/${clientId}/credits`, { units });
    },
    setOverride: async (clientId, request) => {
      await admin(`/admin/v1/clients/${clientId}/override`, request);
    },
  };
  session = new ContractSession(target);
}, 60_000);

/** One admin API request to the twin; anything but 200 fails the check that asked. */
async function admin(path: string, body: unknown): Promise<void> {
  const answer = await httpCall(twin.baseUrl, 'POST', path, { body, headers: { authorization: `Bearer ${twin.state.adminToken}` } });
  if (answer.status !== 200) throw new Error(`admin API ${path}: ${answer.status} ${answer.text.slice(0, 200)}`);
}

afterAll(async () => {
  dynamoClient?.destroy();
  await twin?.stop();
});

describe('contract suite against the twin', () => {
  // The monthly-allowance check sends 1,000 requests: 18 s on a quiet twin, 84 s at load 18.
  for (const check of ALL_CHECKS) test(check.name, () => check.run(session), 180_000);

  test('the session revokes every temporary client it created', async () => {
    await session.cleanUp();
    expect(created.length).toBeGreaterThanOrEqual(CONTRACT_CHECKS.length - 2);
    for (const clientId of created) expect((await getClient(store, clientId))?.status).toBe('revoked');
  });
});

test('a failing check is reported FAIL with its reason, the others still run, and clients are cleaned up', async () => {
  const results = await runContractSuite({ ...target, baseUrl: `${twin.baseUrl}/nowhere` }, CONTRACT_CHECKS.slice(0, 3));
  expect(results.map((r) => r.ok)).toEqual([false, false, false]);
  expect(results[0].error).toMatch(/expected 401, got 404/);
  const table = formatResults(results);
  expect(table).toMatch(/^FAIL {2}no key → 401 problem\+json +\d+ ms$/m);
  expect(table).toMatch(/0 passed, 3 failed$/);
  for (const clientId of created) expect((await getClient(store, clientId))?.status).toBe('revoked');
});
