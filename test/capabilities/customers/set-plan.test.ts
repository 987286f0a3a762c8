// `keys set-plan` as a use case against DynamoDB Local: the key and client records move together, the
// authorizer's lookup sees the new plan, and on a stage the API Gateway key changes usage plan (SDK
// mocked) — put back in its old plan when joining the new one fails.
import { APIGatewayClient, CreateUsagePlanKeyCommand, DeleteUsagePlanKeyCommand } from '@aws-sdk/client-api-gateway';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { freePort } from '../../../local/services/ports';
import * as stateFile from '../../../local/state-file';
import { hashApiKey } from '../../../capabilities/customers/api-keys';
import { ClientNotActiveError, setClientPlan } from '../../../capabilities/customers/client-plan';
import { plansOnDay, readPlanHistory } from '../../../capabilities/customers/plan-history';
import { createClient, findByKeyHash, getClient, revokeClient, UnknownClientError } from '../../../capabilities/customers/client-store';
import { apiGatewayUsagePlanKeys } from '../../../capabilities/api-gateway/usage-plan-keys';
import { counters, createUsageTable, dayItems, documentClient, putItems } from '../analytics/fixtures';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../../contracts/table';
import { PLANS } from '../../../contracts/plans';
import { gateItemOf, windowStates } from '../../../capabilities/gate/admission';
import { gateLimitsOf } from '../../../capabilities/http/middleware/gate-admission';
import { runScript } from '../../support/run-script';

let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
const TABLE = 'keys-set-plan';
const store = () => ({ db, tableName: TABLE });
const PLAN_IDS = { free: 'up-free', payg: 'up-payg', standard: 'up-standard', premium: 'up-premium' };
const gatewayMock = mockClient(APIGatewayClient);

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

beforeEach(() => gatewayMock.reset());

it('moves the client and its key to the new plan; the authorizer lookup sees it', async () => {
  const created = await createClient(store(), { plan: 'standard', name: 'acme' });
  const change = await setClientPlan(store(), created.clientId, 'premium', { now: new Date('2026-01-02T03:04:05Z') });
  expect(change).toEqual({ clientId: created.clientId, before: 'standard', after: 'premium', changedAt: '2026-01-02T03:04:05.000Z' });
  expect((await getClient(store(), created.clientId))?.plan).toBe('premium');
  expect((await findByKeyHash(store(), hashApiKey(created.apiKey), '2026-01-02')).client?.plan).toBe('premium');
});

it('on a stage, takes the key out of the old usage plan and into the new one', async () => {
  const created = await createClient(store(), { plan: 'standard', name: 'staged', apiGatewayKeyId: 'key-1' });
  gatewayMock.on(DeleteUsagePlanKeyCommand).resolves({}).on(CreateUsagePlanKeyCommand).resolves({});
  await setClientPlan(store(), created.clientId, 'premium', { gateway: apiGatewayUsagePlanKeys(new APIGatewayClient({}), PLAN_IDS) });
  expect(gatewayMock.calls().map((c) => [c.args[0].constructor.name, c.args[0].input])).toEqual([
    ['DeleteUsagePlanKeyCommand', { usagePlanId: 'up-standard', keyId: 'key-1' }],
    ['CreateUsagePlanKeyCommand', { usagePlanId: 'up-premium', keyId: 'key-1', keyType: 'API_KEY' }],
  ]);
});

it('puts the key back in its old plan and keeps the records when joining the new plan fails', async () => {
  const created = await createClient(store(), { plan: 'standard', name: 'unlucky', apiGatewayKeyId: 'key-2' });
  gatewayMock
    .on(DeleteUsagePlanKeyCommand)
    .resolves({})
    .on(CreateUsagePlanKeyCommand, { usagePlanId: 'up-premium' })
    .rejects(new Error('TooManyRequests'))
    .on(CreateUsagePlanKeyCommand, { usagePlanId: 'up-standard' })
    .resolves({});
  await expect(
    setClientPlan(store(), created.clientId, 'premium', { gateway: apiGatewayUsagePlanKeys(new APIGatewayClient({}), PLAN_IDS) }),
  ).rejects.toThrow('TooManyRequests');
  expect(gatewayMock.commandCalls(CreateUsagePlanKeyCommand).map((c) => c.args[0].input.usagePlanId)).toEqual([
    'up-premium',
    'up-standard',
  ]);
  expect((await getClient(store(), created.clientId))?.plan).toBe('standard');
});

it('records the plans in force on the day of each change, in order; a day without a change keeps the last plan', async () => {
  const created = await createClient(store(), { plan: 'standard', name: 'history' });
  await setClientPlan(store(), created.clientId, 'premium', { now: new Date('2026-03-14T09:00:00Z') });
  await setClientPlan(store(), created.clientId, 'standard', { now: new Date('2026-03-14T23:59:59Z') });
  await setClientPlan(store(), created.clientId, 'premium', { now: new Date('2026-03-20T00:00:00Z') });
  // Setting the plan it already has is not a change.
  await setClientPlan(store(), created.clientId, 'premium', { now: new Date('2026-03-21T00:00:00Z') });
  const history = await readPlanHistory(store(), created.clientId);
  expect(history).toEqual([
    { clientId: created.clientId, day: '2026-03-14', plans: ['standard', 'premium', 'standard'] },
    { clientId: created.clientId, day: '2026-03-20', plans: ['standard', 'premium'] },
  ]);
  expect(plansOnDay(history, '2026-03-01', 'premium')).toEqual(['standard']);
  expect(plansOnDay(history, '2026-03-14', 'premium')).toEqual(['standard', 'premium', 'standard']);
  expect(plansOnDay(history, '2026-03-17', 'premium')).toEqual(['standard']);
  expect(plansOnDay(history, '2026-03-20', 'premium')).toEqual(['standard', 'premium']);
  expect(plansOnDay(history, '2026-04-02', 'standard')).toEqual(['premium']);
  expect(plansOnDay([], '2026-04-02', 'standard')).toEqual(['standard']);
});

it('a failed change leaves no history', async () => {
  const created = await createClient(store(), { plan: 'standard', name: 'no-history', apiGatewayKeyId: 'key-3' });
  gatewayMock
    .on(DeleteUsagePlanKeyCommand)
    .resolves({})
    .on(CreateUsagePlanKeyCommand, { usagePlanId: 'up-premium' })
    .rejects(new Error('nope'));
  await expect(
    setClientPlan(store(), created.clientId, 'premium', { gateway: apiGatewayUsagePlanKeys(new APIGatewayClient({}), PLAN_IDS) }),
  ).rejects.toThrow('nope');
  expect(await readPlanHistory(store(), created.clientId)).toEqual([]);
});

describe('across admissions (a gateway plan and the gate plan free)', () => {
  const at = new Date('2026-05-20T12:00:00Z');

  it('onto the gate: the gate starts from the units counted today and this month; the key leaves its usage plan, joins none', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'to-gate', apiGatewayKeyId: 'key-g1' });
    await putItems(db, TABLE, [
      ...dayItems(created.clientId, '2026-04-30', { 'GET /v1/hello': counters(500) }), // last month: not in the seed
      ...dayItems(created.clientId, '2026-05-02', { 'POST /v1/quotes': counters(4, { units: 30 }) }),
      ...dayItems(created.clientId, '2026-05-20', { 'GET /v1/hello': counters(7), 'POST /v1/quotes': counters(2, { units: 9 }) }),
    ]);
    gatewayMock.on(DeleteUsagePlanKeyCommand).resolves({});
    const change = await setClientPlan(store(), created.clientId, 'free', {
      gateway: apiGatewayUsagePlanKeys(new APIGatewayClient({}), PLAN_IDS),
      now: at,
    });
    expect(change.gateSeed).toEqual({ day: 7 + 9, month: 30 + 7 + 9 });
    expect(gatewayMock.calls().map((c) => [c.args[0].constructor.name, c.args[0].input])).toEqual([
      ['DeleteUsagePlanKeyCommand', { usagePlanId: 'up-standard', keyId: 'key-g1' }],
    ]);
    const gate = gateItemOf((await db.send(new GetCommand({ TableName: TABLE, Key: itemKey.gate(created.clientId) }))).Item);
    expect(gate).toMatchObject({ resetAt: at.getTime(), second: 0, minute: 0, day: 16, month: 46 });
    // The free plan's daily quota (100) is then spent by what was used today, not granted afresh.
    const windows = windowStates(gate, gateLimitsOf('free'), at.getTime() + 1_000);
    expect(windows.map((w) => [w.window, w.used, w.remaining])).toEqual([
      ['second', 0, PLANS.free.burst],
      ['minute', 0, PLANS.free.ratePerMinute],
      ['day', 16, PLANS.free.dailyQuota - 16],
      ['month', 46, PLANS.free.monthlyQuota - 46],
    ]);
  });

  it('a gate already ahead of the counters (back on the gate the same day) keeps its own counts', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'back-to-gate' });
    await db.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...itemKey.gate(created.clientId), ts: at.getTime() - 60_000, s: 1, m: 3, d: 40, mo: 90, cr: 5 },
      }),
    );
    const change = await setClientPlan(store(), created.clientId, 'free', { now: at });
    expect(change.gateSeed).toEqual({ day: 40, month: 90 });
    const gate = gateItemOf((await db.send(new GetCommand({ TableName: TABLE, Key: itemKey.gate(created.clientId) }))).Item);
    expect(gate).toMatchObject({ day: 40, month: 90, credits: 5 });
  });

  it('onto a gateway plan: a client created on the gate gets a usage key registered on its new plan, in its records', async () => {
    const created = await createClient(store(), { plan: 'free', name: 'to-gateway' });
    const registered: string[] = [];
    const keys = {
      registerUsageKey: async (plan: string) => {
        registered.push(plan);
        return { usageKey: 'uk_registered_for_the_move_0001', apiGatewayKeyId: 'key-new', discard: async () => undefined };
      },
    };
    const change = await setClientPlan(store(), created.clientId, 'standard', { keys, now: at });
    expect(registered).toEqual(['standard']);
    expect(change.registeredKeyId).toBe('key-new');
    const client = await getClient(store(), created.clientId);
    expect(client).toMatchObject({ plan: 'standard', usageKey: 'uk_registered_for_the_move_0001', apiGatewayKeyId: 'key-new' });
    // The authorizer reads the key record: it meters the new key from the next request.
    const byKey = await findByKeyHash(store(), hashApiKey(created.apiKey), '2026-05-20');
    expect(byKey.client).toMatchObject({ plan: 'standard', usageKey: 'uk_registered_for_the_move_0001' });
  });

  it('a registered key is discarded when the table change fails', async () => {
    const created = await createClient(store(), { plan: 'free', name: 'revoked-mid-move' });
    let discarded = 0;
    const keys = {
      registerUsageKey: async () => {
        // The client is revoked between the read and the transaction: its condition fails.
        await revokeClient(store(), created.clientId);
        return { usageKey: 'uk_registered_for_the_move_0002', apiGatewayKeyId: 'key-orphan', discard: async () => void discarded++ };
      },
    };
    await expect(setClientPlan(store(), created.clientId, 'standard', { keys, now: at })).rejects.toThrow();
    expect(discarded).toBe(1);
    expect((await getClient(store(), created.clientId))?.apiGatewayKeyId).toBeUndefined();
  });
});

it('refuses unknown and revoked clients', async () => {
  await expect(setClientPlan(store(), 'cl_nobody', 'premium')).rejects.toBeInstanceOf(UnknownClientError);
  const created = await createClient(store(), { plan: 'standard', name: 'gone' });
  await revokeClient(store(), created.clientId);
  await expect(setClientPlan(store(), created.clientId, 'premium')).rejects.toBeInstanceOf(ClientNotActiveError);
  expect((await getClient(store(), created.clientId))?.plan).toBe('standard');
});

describe('npm run keys -- set-plan --local', () => {
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    stateFile.writeStateFile({
      port,
      host: '127.0.0.1',
      baseUrl: `http://127.0.0.1:${port}`,
      pid: process.pid,
      dynamoEndpoint: dynamoLocal.endpoint,
      sqsEndpoint: dynamoLocal.endpoint,
      s3Endpoint: dynamoLocal.endpoint,
      tableName: TABLE,
      usageQueueUrl: 'unused',
      deadLetterQueueUrl: 'unused',
      archiveBucket: 'unused',
    });
  });
  afterAll(() => stateFile.removeStateFile(port));

  const keys = (args: string[]) => runScript('scripts/keys.ts', args, port);

  it('changes the plan shown by keys list, and refuses a bad plan with exit code 2', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'cli' });
    const [moved, bad] = await Promise.all([
      keys(['set-plan', created.clientId, 'premium', '--json', '--local']),
      keys(['set-plan', created.clientId, 'gold', '--local']),
    ]);
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ clientId: created.clientId, before: 'standard', after: 'premium' });
    // No twin listens on this state file's port: the change is stored, the cache flush is a warning.
    expect(moved.stderr).toContain('keys: warning: the twin is not reachable');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('set-plan needs a clientId and a plan (free, payg, standard, premium)');
    const list = await keys(['list', '--json', '--local']);
    expect(JSON.parse(list.stdout).find((c: { clientId: string }) => c.clientId === created.clientId).plan).toBe('premium');
  }, 60_000);
});

describe('setBillingCustomer', () => {
  it('stores the Stripe customer on the client, where the statement export reads it; refuses a malformed id', async () => {
    const { setBillingCustomer, BadCustomerIdError } = await import('../../../capabilities/customers/billing-customer');
    const { listClients } = await import('../../../capabilities/customers/client-store');
    const created = await createClient(store(), { plan: 'standard', name: 'billed' });
    await setBillingCustomer(store(), created.clientId, 'cus_Abc123');
    expect((await listClients(store())).find((c) => c.clientId === created.clientId)?.stripeCustomerId).toBe('cus_Abc123');
    await expect(setBillingCustomer(store(), created.clientId, 'cus_<script>')).rejects.toBeInstanceOf(BadCustomerIdError);
    await expect(setBillingCustomer(store(), 'cl_nobody', 'cus_x')).rejects.toBeInstanceOf(UnknownClientError);
  });
});
