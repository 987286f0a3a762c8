// `keys override` as a use case against DynamoDB Local: the override lands on the key and client records,
// the authorizer's lookup carries it, `set-plan` removes it; on a stage (API Gateway mocked) the client gets
// its own usage plan and its key moves there, and every failure puts the key back and deletes the new plan.
import {
  APIGatewayClient,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  GetUsageCommand,
} from '@aws-sdk/client-api-gateway';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { overrideCaps } from '../../../contracts/overrides';
import { PLANS } from '../../../contracts/plans';
import { STAGES } from '../../../contracts/stages';
import { authorize } from '../../../capabilities/authorizer/authorize';
import { ClientNotActiveError, setClientPlan } from '../../../capabilities/customers/client-plan';
import { InvalidOverrideError, setClientOverride } from '../../../capabilities/customers/client-override';
import { createClient, getClient, revokeClient, UnknownClientError } from '../../../capabilities/customers/client-store';
import type { RunningService } from '../../../local/services/child-service';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { freePort } from '../../../local/services/ports';
import * as stateFile from '../../../local/state-file';
import { apiGatewayClientUsagePlans } from '../../../capabilities/api-gateway/client-usage-plans';
import { clientKeys, stageGatewayUsage, usagePlansToRead } from '../../../scripts/reconcile';
import { overrideCommand } from '../../../scripts/support/keys-override';
import { createUsageTable, documentClient } from '../analytics/fixtures';
import { runScript } from '../../support/run-script';

let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
const TABLE = 'keys-override';
const store = () => ({ db, tableName: TABLE });
const caps = overrideCaps(STAGES.dev.stageThrottle);
const TARGET = {
  usagePlanIds: { free: 'up-free', payg: 'up-payg', standard: 'up-standard', premium: 'up-premium' },
  restApiId: 'api123',
  stageName: 'dev',
};
const gatewayMock = mockClient(APIGatewayClient);
const gateway = () => apiGatewayClientUsagePlans(new APIGatewayClient({}), TARGET);
const calls = () => gatewayMock.calls().map((c) => [c.args[0].constructor.name, c.args[0].input]);
const NOW = new Date('2026-03-01T10:00:00Z');

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

beforeEach(() => gatewayMock.reset());

describe('on the twin (no API Gateway)', () => {
  it('stores the override on both records; the authorizer carries it; set-plan removes it', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'acme' });
    const change = await setClientOverride(store(), created.clientId, { ratePerMinute: 600, dailyQuota: 50_000 }, { caps, now: NOW });
    const limits = { ratePerMinute: 600, burst: PLANS.standard.burst, dailyQuota: 50_000 };
    expect(change).toEqual({ clientId: created.clientId, plan: 'standard', after: limits, setAt: NOW.toISOString() });
    expect((await getClient(store(), created.clientId))?.override).toEqual({ ...limits, setAt: NOW.toISOString() });
    const allowed = await authorize(store(), created.apiKey, NOW);
    expect(allowed).toMatchObject({ effect: 'allow', plan: 'standard', override: limits });

    const moved = await setClientPlan(store(), created.clientId, 'standard', { now: NOW });
    expect(moved).toMatchObject({ before: 'standard', after: 'standard', removedOverride: limits });
    expect((await getClient(store(), created.clientId))?.override).toBeUndefined();
    expect(await authorize(store(), created.apiKey, NOW)).not.toHaveProperty('override');
  });

  it('refuses bad values, unknown and revoked clients, and changes nothing', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'strict' });
    await expect(setClientOverride(store(), created.clientId, { burst: 500 }, { caps })).rejects.toThrow(InvalidOverrideError);
    await expect(setClientOverride(store(), created.clientId, {}, { caps })).rejects.toThrow(/at least one/);
    await expect(setClientOverride(store(), 'cl_nobody', { burst: 5 }, { caps })).rejects.toBeInstanceOf(UnknownClientError);
    await revokeClient(store(), created.clientId);
    await expect(setClientOverride(store(), created.clientId, { burst: 5 }, { caps })).rejects.toBeInstanceOf(ClientNotActiveError);
    expect((await getClient(store(), created.clientId))?.override).toBeUndefined();
  });
});

describe('on a stage (API Gateway mocked)', () => {
  it("creates the client's usage plan and moves its key there, out of its plan's first", async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'staged', apiGatewayKeyId: 'key-1' });
    gatewayMock
      .on(CreateUsagePlanCommand)
      .resolves({ id: 'up-client-1' })
      .on(DeleteUsagePlanKeyCommand)
      .resolves({})
      .on(CreateUsagePlanKeyCommand)
      .resolves({});
    const change = await setClientOverride(
      store(),
      created.clientId,
      { ratePerMinute: 1_200, burst: 100, dailyQuota: 40_000 },
      { caps, gateway: gateway(), now: NOW },
    );
    expect(calls()).toEqual([
      [
        'CreateUsagePlanCommand',
        {
          name: `metered-api-dev-client-${created.clientId}`,
          description: `override for ${created.clientId}: 1200 requests/minute, burst 100, 40000 requests/day`,
          throttle: { rateLimit: 20, burstLimit: 100 },
          quota: { limit: 40_000, period: 'DAY' },
          apiStages: [{ apiId: 'api123', stage: 'dev', throttle: { '/v1/quotes/POST': { rateLimit: 10 / 60, burstLimit: 5 } } }],
          tags: { 'metered-api:stage': 'dev' },
        },
      ],
      ['DeleteUsagePlanKeyCommand', { usagePlanId: 'up-standard', keyId: 'key-1' }],
      ['CreateUsagePlanKeyCommand', { usagePlanId: 'up-client-1', keyId: 'key-1', keyType: 'API_KEY' }],
    ]);
    expect(change.usagePlanId).toBe('up-client-1');
    expect((await getClient(store(), created.clientId))?.override).toEqual({
      ratePerMinute: 1_200,
      burst: 100,
      dailyQuota: 40_000,
      setAt: NOW.toISOString(),
      usagePlanId: 'up-client-1',
    });

    // A second override: a new usage plan, the key moved from the first, the first deleted.
    gatewayMock.reset();
    gatewayMock
      .on(CreateUsagePlanCommand)
      .resolves({ id: 'up-client-2' })
      .on(DeleteUsagePlanKeyCommand)
      .resolves({})
      .on(CreateUsagePlanKeyCommand)
      .resolves({})
      .on(DeleteUsagePlanCommand)
      .resolves({});
    const second = await setClientOverride(store(), created.clientId, { dailyQuota: 80_000 }, { caps, gateway: gateway(), now: NOW });
    expect(calls().slice(1)).toEqual([
      ['DeleteUsagePlanKeyCommand', { usagePlanId: 'up-client-1', keyId: 'key-1' }],
      ['CreateUsagePlanKeyCommand', { usagePlanId: 'up-client-2', keyId: 'key-1', keyType: 'API_KEY' }],
      ['DeleteUsagePlanCommand', { usagePlanId: 'up-client-1' }],
    ]);
    // Values not given come from the plan, not from the previous override.
    expect(second).toMatchObject({
      before: { ratePerMinute: 1_200, burst: 100, dailyQuota: 40_000 },
      after: { ratePerMinute: 100, burst: 20, dailyQuota: 80_000 },
    });

    // set-plan: the key goes to the new plan's usage plan, then the emptied client plan is deleted.
    gatewayMock.reset();
    gatewayMock
      .on(DeleteUsagePlanKeyCommand)
      .resolves({})
      .on(CreateUsagePlanKeyCommand)
      .resolves({})
      .on(DeleteUsagePlanCommand)
      .resolves({});
    const planChange = await setClientPlan(store(), created.clientId, 'premium', { gateway: gateway(), now: NOW });
    expect(calls()).toEqual([
      ['DeleteUsagePlanKeyCommand', { usagePlanId: 'up-client-2', keyId: 'key-1' }],
      ['CreateUsagePlanKeyCommand', { usagePlanId: 'up-premium', keyId: 'key-1', keyType: 'API_KEY' }],
      ['DeleteUsagePlanCommand', { usagePlanId: 'up-client-2' }],
    ]);
    expect(planChange).not.toHaveProperty('leftoverUsagePlanId');
    const after = await getClient(store(), created.clientId);
    expect(after?.plan).toBe('premium');
    expect(after?.override).toBeUndefined();
  });

  it('puts the key back in its plan and deletes the new usage plan when joining it fails', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'unlucky', apiGatewayKeyId: 'key-2' });
    gatewayMock
      .on(CreateUsagePlanCommand)
      .resolves({ id: 'up-client-3' })
      .on(DeleteUsagePlanKeyCommand)
      .resolves({})
      .on(CreateUsagePlanKeyCommand, { usagePlanId: 'up-client-3' })
      .rejects(new Error('TooManyRequestsException'))
      .on(CreateUsagePlanKeyCommand, { usagePlanId: 'up-standard' })
      .resolves({})
      .on(DeleteUsagePlanCommand)
      .resolves({});
    await expect(setClientOverride(store(), created.clientId, { ratePerMinute: 600 }, { caps, gateway: gateway() })).rejects.toThrow(
      'TooManyRequestsException',
    );
    expect(calls().slice(1)).toEqual([
      ['DeleteUsagePlanKeyCommand', { usagePlanId: 'up-standard', keyId: 'key-2' }],
      ['CreateUsagePlanKeyCommand', { usagePlanId: 'up-client-3', keyId: 'key-2', keyType: 'API_KEY' }],
      ['CreateUsagePlanKeyCommand', { usagePlanId: 'up-standard', keyId: 'key-2', keyType: 'API_KEY' }],
      ['DeleteUsagePlanCommand', { usagePlanId: 'up-client-3' }],
    ]);
    expect((await getClient(store(), created.clientId))?.override).toBeUndefined();
  });

  it('moves the key back and deletes the new usage plan when the table write fails', async () => {
    const created = await createClient(store(), { plan: 'premium', name: 'table-fails', apiGatewayKeyId: 'key-3' });
    gatewayMock
      .on(CreateUsagePlanCommand)
      .resolves({ id: 'up-client-4' })
      .on(DeleteUsagePlanKeyCommand)
      .resolves({})
      .on(CreateUsagePlanKeyCommand)
      .resolves({})
      .on(DeleteUsagePlanCommand)
      .resolves({});
    // The table refuses the transaction (as a throttled or conflicting write would).
    const failingStore = {
      tableName: TABLE,
      db: {
        send: (command: unknown) =>
          command instanceof TransactWriteCommand ? Promise.reject(new Error('TransactionCanceledException')) : db.send(command as never),
      } as unknown as DynamoDBDocumentClient,
    };
    await expect(setClientOverride(failingStore, created.clientId, { dailyQuota: 200_000 }, { caps, gateway: gateway() })).rejects.toThrow(
      'TransactionCanceledException',
    );
    expect(calls().slice(1)).toEqual([
      ['DeleteUsagePlanKeyCommand', { usagePlanId: 'up-premium', keyId: 'key-3' }],
      ['CreateUsagePlanKeyCommand', { usagePlanId: 'up-client-4', keyId: 'key-3', keyType: 'API_KEY' }],
      ['DeleteUsagePlanKeyCommand', { usagePlanId: 'up-client-4', keyId: 'key-3' }],
      ['CreateUsagePlanKeyCommand', { usagePlanId: 'up-premium', keyId: 'key-3', keyType: 'API_KEY' }],
      ['DeleteUsagePlanCommand', { usagePlanId: 'up-client-4' }],
    ]);
    expect((await getClient(store(), created.clientId))?.override).toBeUndefined();
  });

  it('makes no API Gateway call for a refused override', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'capped', apiGatewayKeyId: 'key-4' });
    await expect(
      setClientOverride(store(), created.clientId, { dailyQuota: 1_000_001 }, { caps, gateway: gateway() }),
    ).rejects.toBeInstanceOf(InvalidOverrideError);
    expect(calls()).toEqual([]);
  });
});

describe('reconcile --stage', () => {
  it("reads GetUsage of an overridden client's own usage plan", async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'reconciled', apiGatewayKeyId: 'key-9' });
    gatewayMock
      .on(CreateUsagePlanCommand)
      .resolves({ id: 'up-client-9' })
      .on(DeleteUsagePlanKeyCommand)
      .resolves({})
      .on(CreateUsagePlanKeyCommand)
      .resolves({});
    await setClientOverride(store(), created.clientId, { dailyQuota: 20_000 }, { caps, gateway: gateway() });
    const clients = await clientKeys(db, TABLE);
    const planIds = usagePlansToRead(Object.values(TARGET.usagePlanIds), clients);
    expect(planIds).toEqual(expect.arrayContaining(['up-standard', 'up-premium', 'up-client-9']));
    gatewayMock
      .on(GetUsageCommand)
      .resolves({ items: {} })
      .on(GetUsageCommand, { usagePlanId: 'up-client-9' })
      .resolves({ items: { 'key-9': [[7, 19_993]] } });
    const { byClient } = await stageGatewayUsage(new APIGatewayClient({}), planIds, '2026-03-01', clients);
    expect(byClient.get(created.clientId)).toBe(7);
  });
});

describe('overrideCommand', () => {
  it("flushes the client's cached authorizer results when given a flush; a failed flush only warns", async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'flushed' });
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const warn = jest.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    try {
      const flushedFor: string[] = [];
      const cli = {
        targetFrom: async () => ({ store: store() }),
        usageError: (message: string) => new Error(message),
        enforce: async (_target: unknown, clientId: string) => void flushedFor.push(clientId),
      };
      await overrideCommand([created.clientId], { local: true, rate: '300' }, cli);
      expect(flushedFor).toEqual([created.clientId]);
      expect(lines.at(-1)).toContain('in force from the next request: authorizer cache flushed');
      await overrideCommand(
        [created.clientId],
        { local: true, rate: '400' },
        { ...cli, enforce: () => Promise.reject(new Error('twin gone')) },
      );
      expect(lines.slice(-2)).toEqual([
        'keys: warning: twin gone',
        expect.stringContaining('follow once cached authorizer results expire'),
      ]);
      expect((await getClient(store(), created.clientId))?.override?.ratePerMinute).toBe(400);
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
  });
});

describe('npm run keys -- override --local', () => {
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

  it('sets an override shown by keys list (table and JSON), refuses bad values with exit code 2', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'cli-override' });
    const [set, tooMuch, notNumber, none] = await Promise.all([
      keys(['override', created.clientId, '--rate', '900', '--burst', '150', '--daily-quota', '60000', '--json', '--local']),
      keys(['override', created.clientId, '--rate', '6001', '--local']),
      keys(['override', created.clientId, '--burst', 'lots', '--local']),
      keys(['override', created.clientId, '--local']),
    ]);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      clientId: created.clientId,
      after: { ratePerMinute: 900, burst: 150, dailyQuota: 60_000 },
    });
    expect(tooMuch.code).toBe(2);
    expect(tooMuch.stderr).toContain('keys: --rate must be a whole number from 1 to 6000');
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toContain('keys: --burst must be a whole number from 1 to 200');
    expect(notNumber.stderr).not.toContain('lots');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('override: give at least one of rate, burst and daily quota');

    const [json, table] = await Promise.all([keys(['list', '--json', '--local']), keys(['list', '--local'])]);
    const listed = JSON.parse(json.stdout).find((c: { clientId: string }) => c.clientId === created.clientId);
    expect(listed.override).toEqual({ ratePerMinute: 900, burst: 150, dailyQuota: 60_000, setAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toMatch(/usageKey|apiGatewayKeyId|usagePlanId/);
    expect(table.stdout).toContain('900/min, burst 150, 60000/day');

    const removed = await keys(['set-plan', created.clientId, 'standard', '--local']);
    expect(removed.stdout).toContain('its override is removed');
    const again = JSON.parse((await keys(['list', '--json', '--local'])).stdout).find(
      (c: { clientId: string }) => c.clientId === created.clientId,
    );
    expect(again.override).toBeUndefined();
  }, 90_000);
});
