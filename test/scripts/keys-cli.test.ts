// `npm run keys -- … --local` as an operator runs it: finds the twin by PORT through its state file and
// manages clients in the twin's DynamoDB; prints the key once; one-line errors and non-zero exits otherwise;
// every change leaves one record in the admin audit log, as the admin API's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auditRecord, type AuditRecord } from '../../contracts/admin/audit';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../../local/services/dynamodb-local';
import { freePort } from '../../local/services/ports';
import type { RunningService } from '../../local/services/child-service';
import { createUsageTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/resources';
import { removeStateFile, writeStateFile } from '../../local/state-file';
import { API_KEY_PATTERN, hashApiKey } from '../../capabilities/customers/api-keys';
import http from 'node:http';
import { twinManagementRoutes } from '../../local/gateway/twin-management';
import { RequestAuthorizer } from '../../local/gateway/authorizer';
import { UsagePlans } from '../../local/gateway/usage-plans';
import { ApiKeys } from '../../local/gateway/api-keys';
import { generateAdminToken } from '../../local/admin/admin-token';
import { runScript } from '../support/run-script';

const TABLE = 'usage-keys-cli';
let ddb: RunningService;
let raw: DynamoDBClient;
let port: number;
const auditFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-cli-')), 'admin-audit.log');
// The twin's management routes and the gateway parts they reach (the rest of the twin is not needed here).
const usagePlans = new UsagePlans();
const apiKeys = new ApiKeys();
const adminToken = generateAdminToken();
const authorizer = new RequestAuthorizer({
  handler: async () => {
    throw new Error('not called');
  },
  cacheTtlSeconds: 300,
  makeContext: () => ({}) as never,
});
const manage = twinManagementRoutes({ authorizer, usagePlans, apiKeys, adminToken });
const twinGateway = http.createServer((req, res) => {
  void manage(req, res, new URL(req.url ?? '/', 'http://twin').pathname);
});

beforeAll(async () => {
  [ddb, port] = await Promise.all([startDynamoDbLocal(), freePort()]);
  await new Promise<void>((resolve) => twinGateway.listen(port, '127.0.0.1', resolve));
  raw = new DynamoDBClient({ endpoint: ddb.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await createUsageTable(raw, TABLE);
  // A state file as `npm start` writes it; this test process stands in for the twin.
  writeStateFile({
    port,
    host: '127.0.0.1',
    baseUrl: `http://127.0.0.1:${port}`,
    pid: process.pid,
    dynamoEndpoint: ddb.endpoint,
    sqsEndpoint: 'http://127.0.0.1:1',
    s3Endpoint: 'http://127.0.0.1:1',
    tableName: TABLE,
    usageQueueUrl: 'unused',
    deadLetterQueueUrl: 'unused',
    archiveBucket: 'unused',
    adminToken,
    adminAuditFile: auditFile,
  });
});

afterAll(async () => {
  if (port) removeStateFile(port);
  twinGateway.close();
  raw?.destroy();
  await ddb?.stop();
});

const keys = (args: string[], env: Record<string, string> = {}) => runScript('scripts/keys.ts', args, port, env);

test('create --json prints the key once; list shows the client without secrets; revoke marks it revoked', async () => {
  const created = await keys(['create', '--local', '--plan', 'standard', '--name', 'acme', '--json']);
  expect(created).toMatchObject({ code: 0, stderr: '' });
  const { apiKey, clientId, plan } = JSON.parse(created.stdout);
  expect(apiKey).toMatch(API_KEY_PATTERN);
  expect(clientId).toMatch(/^cl_[0-9a-f]{32}$/);
  expect(plan).toBe('standard');

  const stored = JSON.stringify((await raw.send(new ScanCommand({ TableName: TABLE }))).Items);
  expect(stored).toContain(hashApiKey(apiKey));
  expect(stored).not.toContain(apiKey);

  const listed = await keys(['list', '--local', '--json']);
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ clientId, name: 'acme', plan: 'standard', status: 'active' })]);
  expect(listed.stdout).not.toContain(apiKey);
  expect(listed.stdout).not.toContain(hashApiKey(apiKey));

  // The twin's usage key for this client: independent of the secret, and in no output.
  const clientItem = await raw.send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'CLIENTS' }, sk: { S: `CLIENT#${clientId}` } } }),
  );
  const usageKey = clientItem.Item?.usageKey?.S ?? '';
  expect(usageKey).toMatch(/^musg[A-Za-z0-9]{40}$/);
  expect(listed.stdout).not.toContain(usageKey);
  // Created in the twin's gateway, as `--stage` creates it with CreateApiKey.
  expect(apiKeys.count).toBe(1);
  expect(usagePlans.admit(usageKey, 'standard', 'GET /v1/hello', 'default')).toBe('ok');

  const revoked = await keys(['revoke', clientId, '--local']);
  expect(revoked.code).toBe(0);
  // The twin was told: its usage key is disabled at once (API Gateway refuses a disabled key).
  expect(usagePlans.admit(usageKey, 'standard', 'GET /v1/hello', 'default')).toBe('no-plan');
  expect(revoked.stdout).toContain(`revoked ${clientId}`);
  expect(JSON.parse((await keys(['list', '--local', '--json'])).stdout)[0].status).toBe('revoked');
}, 60_000);

test('wrong usage and a missing twin are one-line errors with non-zero exits', async () => {
  const badPlan = await keys(['create', '--local', '--plan', 'gold', '--name', 'x']);
  expect(badPlan.code).toBe(2);
  expect(badPlan.stderr.split('\n')[0]).toBe('keys: --plan must be one of free, payg, standard, premium, got "gold"');
  const noTarget = await keys(['create', '--plan', 'standard', '--name', 'x']);
  expect(noTarget.code).toBe(2);
  expect(noTarget.stderr).toContain('say where: --local');
  const unknown = await keys(['revoke', 'cl_nope', '--local']);
  expect(unknown).toMatchObject({ code: 1, stderr: 'keys: unknown client: cl_nope\n' });
  const otherPort = await freePort();
  const noTwin = await keys(['list', '--local'], { PORT: String(otherPort) });
  expect(noTwin.code).toBe(1);
  expect(noTwin.stderr).toMatch(new RegExp(`^keys: no local twin on port ${otherPort}: start one with \`PORT=${otherPort} npm start\``));
}, 60_000);

test("create beyond the account's 10,000 API keys fails as on AWS (LimitExceededException) and leaves no client", async () => {
  const filler = Array.from({ length: 10_000 - apiKeys.count }, (_, i) => `filler-usage-key-${String(i).padStart(8, '0')}`);
  apiKeys.adopt(filler);
  try {
    const before = (await raw.send(new ScanCommand({ TableName: TABLE }))).Count;
    const refused = await keys(['create', '--local', '--plan', 'standard', '--name', 'one-too-many']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('keys: API key limit exceeded: at most 10000 API keys per account and Region\n');
    expect((await raw.send(new ScanCommand({ TableName: TABLE }))).Count).toBe(before);
    expect(apiKeys.count).toBe(10_000);
  } finally {
    for (const value of filler) apiKeys.delete(value);
  }
}, 60_000);

function auditLines(): AuditRecord[] {
  if (!fs.existsSync(auditFile)) return [];
  return fs
    .readFileSync(auditFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => auditRecord.parse(JSON.parse(line)));
}

test('every change leaves exactly one audit record: operator, action, client, before and after, never key material', async () => {
  const operator = `twin-operator:${os.userInfo().username}`;
  /** Runs a command and returns the one record it added (exactly one, or the test fails). */
  const audited = async (args: string[], code = 0) => {
    const before = auditLines().length;
    const run = await keys([...args, '--local']);
    expect(run).toMatchObject({ code });
    const added = auditLines().slice(before);
    expect(added).toHaveLength(1);
    return { run, record: added[0] };
  };

  const create = await audited(['create', '--plan', 'free', '--name', 'audited', '--expires', '30d', '--json']);
  const { apiKey, clientId } = JSON.parse(create.run.stdout);
  expect(create.record).toMatchObject({ v: 1, who: operator, action: 'keys create', outcome: 'accepted', status: 0, clientId });
  expect(create.record.before).toBeUndefined();
  expect(create.record.after).toMatchObject({
    clientId,
    name: 'audited',
    plan: 'free',
    status: 'active',
    keyExpiresAt: expect.any(String),
  });

  const topUp = await audited(['top-up', clientId, '--units', '5', '--json']);
  expect(topUp.record).toMatchObject({ who: operator, action: 'keys top-up', outcome: 'accepted', clientId });
  expect(JSON.parse(topUp.run.stdout).by).toBe(operator);

  const setPlan = await audited(['set-plan', clientId, 'standard']);
  expect(setPlan.record).toMatchObject({ action: 'keys set-plan', clientId, before: { plan: 'free' }, after: { plan: 'standard' } });

  const override = await audited(['override', clientId, '--rate', '30']);
  expect(override.record).toMatchObject({ action: 'keys override', clientId });
  expect(override.record.before?.override).toBeUndefined();
  expect(override.record.after?.override).toMatchObject({ ratePerMinute: 30, setAt: expect.any(String) });

  const customer = await audited(['set-customer', clientId, 'cus_Audit123']);
  expect(customer.record).toMatchObject({ action: 'keys set-customer', clientId, after: { stripeCustomerId: 'cus_Audit123' } });
  expect(customer.record.before?.stripeCustomerId).toBeUndefined();

  const rotate = await audited(['rotate', clientId, '--grace', '0', '--json']);
  const rotatedKey = JSON.parse(rotate.run.stdout).apiKey as string;
  expect(rotate.record).toMatchObject({ action: 'keys rotate', outcome: 'accepted', clientId, before: { status: 'active' } });
  expect(rotate.record.after?.keyExpiresAt).toBeUndefined(); // the new key was given no expiry

  const revoke = await audited(['revoke', clientId]);
  expect(revoke.record).toMatchObject({ action: 'keys revoke', clientId, before: { status: 'active' }, after: { status: 'revoked' } });

  // Refused changes are recorded too, with the admin API's problem slug.
  const refused = await audited(['set-plan', clientId, 'premium'], 1);
  expect(refused.record).toMatchObject({ action: 'keys set-plan', outcome: 'refused', status: 1, reason: 'client-revoked', clientId });
  const badCustomer = await audited(['set-customer', clientId, 'cus_<x>'], 1);
  expect(badCustomer.record).toMatchObject({ outcome: 'refused', reason: 'invalid-request' });

  // No key value, key hash or usage identifier anywhere in the log; nor the refused input.
  const log = fs.readFileSync(auditFile, 'utf8');
  const clientItem = await raw.send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'CLIENTS' }, sk: { S: `CLIENT#${clientId}` } } }),
  );
  for (const secret of [
    apiKey,
    hashApiKey(apiKey),
    rotatedKey,
    hashApiKey(rotatedKey),
    clientItem.Item?.usageKey?.S ?? 'usage-key-missing',
  ])
    expect(log).not.toContain(secret);
  expect(log).not.toContain('cus_<x>');
  expect(log).not.toMatch(/usageKey|keyHash|apiGatewayKeyId|usagePlanId/);
}, 120_000);

test('create --count N --out FILE: N gate-plan clients, keys only in a new 0600 file, one audit record each', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-bulk-')), 'keys.jsonl');
  const before = auditLines().length;
  const run = await keys(['create', '--local', '--plan', 'free', '--name', 'bulk', '--count', '5', '--out', out]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toMatch(/^created 5 clients on plan free in [\d.]+ s; their keys are in .+ \(mode 0600, one JSON line each\)\n$/);
  expect(fs.statSync(out).mode & 0o777).toBe(0o600);
  const lines = fs
    .readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines).toHaveLength(5);
  for (const { apiKey, clientId, plan } of lines) {
    expect(apiKey).toMatch(API_KEY_PATTERN);
    expect(plan).toBe('free');
    expect(run.stdout).not.toContain(apiKey);
    const item = await raw.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `KEY#${hashApiKey(apiKey)}` }, sk: { S: 'KEY' } } }),
    );
    expect(item.Item?.clientId?.S).toBe(clientId);
  }
  const records = auditLines().slice(before);
  expect(records).toHaveLength(5);
  expect(new Set(records.map((r) => r.clientId))).toEqual(new Set(lines.map((l) => l.clientId)));
  expect(records.every((r) => r.action === 'keys create' && r.outcome === 'accepted')).toBe(true);

  // An existing file is never overwritten; gateway plans and bad counts are usage errors; nothing is created.
  const again = await keys(['create', '--local', '--plan', 'free', '--name', 'bulk', '--count', '2', '--out', out]);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/EEXIST/);
  expect(fs.readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(5);
  const gateway = await keys(['create', '--local', '--plan', 'standard', '--name', 'bulk', '--count', '2', '--out', `${out}.2`]);
  expect(gateway.code).toBe(2);
  expect(gateway.stderr).toMatch(/gate plan only/);
  expect((await keys(['create', '--local', '--plan', 'free', '--name', 'bulk', '--count', '0', '--out', `${out}.3`])).code).toBe(2);
  expect((await keys(['create', '--local', '--plan', 'free', '--name', 'bulk', '--count', '2'])).code).toBe(2);
  expect(auditLines().length).toBe(before + 5);
}, 60_000);
