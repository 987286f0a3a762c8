// Key lifecycle on the twin, as an operator and a client see it: `npm run keys -- rotate|create --expires|revoke
// --local` against a running twin, then real HTTP with the keys. Rotation with a grace period (both keys work,
// usage on one client, the old key refused after the grace), expiry (refused, detail says it expired), revoke
// of every key, and a malformed client record under revoke. Prints the measured windows.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startTwin, type Twin } from '../../local/twin';
import { createClient, getClient, type ClientStore } from '../../capabilities/customers/client-store';
import { removeStateFile, twinClientConfig, writeStateFile } from '../../local/state-file';
import { gatewayResponse, KEY_REFUSALS } from '../../contracts/gateway-responses';
import { itemKey } from '../../contracts/table';
import { hashApiKey } from '../../capabilities/customers/api-keys';
import { httpCall } from '../../scripts/support/http-call';

jest.setTimeout(90_000);

const ROOT = path.resolve(__dirname, '..', '..');
/** The twin's authorizer cache TTL here (300 s on the dev stage): the most an expiry or a grace end can lag. */
const CACHE_TTL_SECONDS = 2;

let twin: Twin;
let store: ClientStore;
let dynamoClient: DynamoDBClient;

beforeAll(async () => {
  twin = await startTwin({ port: 0, quiet: true, dailySchedule: false, stage: { authorizerCacheTtlSeconds: CACHE_TTL_SECONDS } });
  dynamoClient = new DynamoDBClient(twinClientConfig(twin.state, 'dynamodb'));
  store = { db: DynamoDBDocumentClient.from(dynamoClient), tableName: twin.state.tableName };
  // `npm run keys -- … --local` finds the twin through its state file, as with `npm start`.
  writeStateFile(twin.state);
}, 60_000);

afterAll(async () => {
  if (twin) removeStateFile(twin.state.port);
  dynamoClient?.destroy();
  await twin?.stop();
});

async function keys(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['--require', './local/esm-only-packages.cjs', 'scripts/keys.ts', ...args, '--local'],
      { cwd: ROOT, env: { ...process.env, PORT: String(twin.state.port) } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Requests answered 200, per key: what API Gateway and our counters must both have counted. */
const accepted = new Map<string, number>();

async function call(urlPath: string, key: string) {
  const answer = await httpCall(twin.baseUrl, 'GET', urlPath, { key });
  if (answer.status === 200) accepted.set(`${key} ${urlPath}`, (accepted.get(`${key} ${urlPath}`) ?? 0) + 1);
  return { ...answer, requestId: answer.headers.get('x-amzn-requestid') };
}

const hello = (key: string) => call('/v1/hello', key);
const acceptedHello = (...keys: string[]) => keys.reduce((sum, key) => sum + (accepted.get(`${key} /v1/hello`) ?? 0), 0);

/** A 403 problem+json from the ACCESS_DENIED gateway response, with the authorizer's detail and no key in it. */
function expectRefused(answer: Awaited<ReturnType<typeof hello>>, detail: string, key: string) {
  const definition = gatewayResponse('ACCESS_DENIED');
  expect(answer.status).toBe(definition.statusCode);
  expect(answer.json).toEqual({
    type: `https://metered-api.dev/problems/${definition.slug}`,
    title: definition.title,
    status: definition.statusCode,
    detail,
    requestId: answer.requestId,
  });
  expect(answer.text).not.toContain(key);
}

/**
 * Calls with `key` every 50 ms until it is refused; every answer before `endsAt` must be 200. Returns the
 * refusal and how long after `endsAt` it came (the window the authorizer cache leaves open).
 */
async function refusedAfter(key: string, endsAt: number) {
  for (;;) {
    const sent = Date.now();
    const answer = await hello(key);
    if (answer.status !== 200) {
      expect(answer.status).toBe(403);
      expect(sent).toBeGreaterThanOrEqual(endsAt - 50);
      return { answer, windowMs: Date.now() - endsAt };
    }
    expect(Date.now() - endsAt).toBeLessThan(CACHE_TTL_SECONDS * 1000 + 2000);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('keys rotate --grace 2s: both keys work and count on one client; the old key is refused after the grace', async () => {
  // premium: polling every 50 ms stays inside its burst, so every answer is the authorizer's.
  const created = await createClient(store, { plan: 'premium', name: 'rotating' });
  expect((await hello(created.apiKey)).status).toBe(200);

  const rotate = await keys(['rotate', created.clientId, '--grace', '2s', '--json']);
  expect(rotate).toMatchObject({ code: 0, stderr: '' });
  const rotated = JSON.parse(rotate.stdout);
  expect(Object.keys(rotated).sort()).toEqual(['apiKey', 'clientId', 'oldKeyValidUntil', 'plan']);
  expect(rotated).toMatchObject({ clientId: created.clientId, plan: 'premium' });
  const graceEnd = Date.parse(rotated.oldKeyValidUntil);

  // During the grace both keys work; every call counts on the one client (one usage identifier).
  expect((await hello(rotated.apiKey)).status).toBe(200);
  expect((await hello(created.apiKey)).status).toBe(200);
  expect(Date.now()).toBeLessThan(graceEnd);

  const { answer, windowMs } = await refusedAfter(created.apiKey, graceEnd);
  expectRefused(answer, KEY_REFUSALS.rotated(rotated.oldKeyValidUntil), created.apiKey);
  expect(windowMs).toBeLessThanOrEqual(CACHE_TTL_SECONDS * 1000 + 1000);
  console.log(`rotation: old key refused ${windowMs} ms after its grace ended (authorizer cache TTL ${CACHE_TTL_SECONDS} s)`);
  expect((await hello(rotated.apiKey)).status).toBe(200);

  // Usage stays on one client: every 200 of either key is in the client's counters (read with the new key)
  // and in API Gateway's count of the one usage identifier.
  const helloOk = acceptedHello(created.apiKey, rotated.apiKey);
  expect(accepted.get(`${created.apiKey} /v1/hello`)).toBeGreaterThanOrEqual(2);
  let counted = 0;
  for (const deadline = Date.now() + 20_000; counted !== helloOk && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 300));
    const usage = await call('/v1/usage', rotated.apiKey);
    expect(usage.json.clientId).toBe(created.clientId);
    counted = usage.json.routes.find((r: { route: string }) => r.route === 'GET /v1/hello')?.requests ?? 0;
  }
  expect(counted).toBe(helloOk);
  const usageKey = (await getClient(store, created.clientId))!.usageKey;
  expect(twin.usagePlans.quotaUsed(usageKey)).toBe(helloOk + (accepted.get(`${rotated.apiKey} /v1/usage`) ?? 0));
}, 60_000);

test('keys create --expires 2s: the key works, then is refused with a detail that says it expired', async () => {
  const create = await keys(['create', '--plan', 'premium', '--name', 'short-lived', '--expires', '2s', '--json']);
  expect(create.code).toBe(0);
  const { apiKey, clientId } = JSON.parse(create.stdout);
  const expiresAt = (await getClient(store, clientId))?.keyExpiresAt;
  expect(expiresAt).toBeDefined();
  expect((await hello(apiKey)).status).toBe(200);
  const { answer, windowMs } = await refusedAfter(apiKey, Date.parse(expiresAt!));
  expectRefused(answer, KEY_REFUSALS.expired(expiresAt!), apiKey);
  expect(answer.json.detail).toMatch(/expired/);
  expect(windowMs).toBeLessThanOrEqual(CACHE_TTL_SECONDS * 1000 + 1000);
  console.log(`expiry: key refused ${windowMs} ms after it expired (authorizer cache TTL ${CACHE_TTL_SECONDS} s)`);
  const listed = JSON.parse((await keys(['list', '--json'])).stdout).find((c: { clientId: string }) => c.clientId === clientId);
  expect(listed).toMatchObject({ status: 'active', keys: 0, keyExpiresAt: expiresAt });
}, 60_000);

test('keys revoke refuses every key of the client at once, the old key in its grace too', async () => {
  const created = await createClient(store, { plan: 'standard', name: 'two-keys' });
  const rotate = await keys(['rotate', created.clientId, '--grace', '1h', '--json']);
  const rotated = JSON.parse(rotate.stdout);
  expect((await hello(created.apiKey)).status).toBe(200);
  expect((await hello(rotated.apiKey)).status).toBe(200);
  const listed = JSON.parse((await keys(['list', '--json'])).stdout).find((c: { clientId: string }) => c.clientId === created.clientId);
  expect(listed).toMatchObject({ keys: 2, oldKeysValidUntil: rotated.oldKeyValidUntil });
  const table = await keys(['list']);
  const row = table.stdout.split('\n').find((line) => line.includes(created.clientId)) ?? '';
  expect(table.stdout).toMatch(/keys.*keyExpiresAt.*oldKeysValidUntil/);
  expect(row).toContain(rotated.oldKeyValidUntil);
  for (const secret of [created.apiKey, rotated.apiKey, hashApiKey(created.apiKey), hashApiKey(rotated.apiKey)])
    expect(table.stdout).not.toContain(secret);

  const revoke = await keys(['revoke', created.clientId]);
  expect(revoke.code).toBe(0);
  expect(revoke.stdout).toContain(`revoked ${created.clientId}: its 2 keys are refused from now on`);
  const revokedAt = Date.now();
  // Both keys had cached Allows (TTL 2 s): refused at once all the same (cache dropped, usage key disabled).
  const [oldAnswer, newAnswer] = await Promise.all([hello(created.apiKey), hello(rotated.apiKey)]);
  expect(Date.now() - revokedAt).toBeLessThan(1000);
  expect([oldAnswer.status, newAnswer.status]).toEqual([403, 403]);
  await new Promise((r) => setTimeout(r, CACHE_TTL_SECONDS * 1000 + 100));
  expectRefused(await hello(created.apiKey), KEY_REFUSALS.revoked(), created.apiKey);
  expectRefused(await hello(rotated.apiKey), KEY_REFUSALS.revoked(), rotated.apiKey);
}, 60_000);

test('keys rotate --grace 0 refuses the old key at once, cached or not', async () => {
  const created = await createClient(store, { plan: 'standard', name: 'grace-zero' });
  expect((await hello(created.apiKey)).status).toBe(200);
  const rotate = await keys(['rotate', created.clientId, '--grace', '0']);
  expect(rotate.code).toBe(0);
  expect(rotate.stdout).toMatch(/new api key \(shown once, store it now\): mapi/);
  const done = Date.now();
  const answer = await hello(created.apiKey);
  expect(Date.now() - done).toBeLessThan(CACHE_TTL_SECONDS * 1000);
  expect(answer.status).toBe(403);
  expect(answer.json.detail).toMatch(/^This API key was replaced by a newer key/);
});

test('keys revoke on a malformed client record revokes it and names the bad fields, not their values', async () => {
  const created = await createClient(store, { plan: 'standard', name: 'corrupt' });
  expect((await hello(created.apiKey)).status).toBe(200);
  await store.db.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: itemKey.client(created.clientId),
      UpdateExpression: 'SET #p = :p',
      ExpressionAttributeNames: { '#p': 'plan' },
      ExpressionAttributeValues: { ':p': 'gold-plated' },
    }),
  );
  const revoke = await keys(['revoke', created.clientId]);
  expect(revoke.code).toBe(0);
  expect(revoke.stderr).toContain(`the client record of ${created.clientId} is malformed (fields: plan); its keys were revoked`);
  expect(revoke.stdout + revoke.stderr).not.toContain('gold-plated');
  expect((await hello(created.apiKey)).status).toBe(403);

  // A usage error names the option: bad durations exit 2.
  const bad = await keys(['rotate', created.clientId, '--grace', '1w']);
  expect(bad.code).toBe(2);
  expect(bad.stderr.split('\n')[0]).toBe(
    'keys: --grace must be a whole number followed by s, m, h or d (30s, 15m, 24h, 7d), or 0, up to 3650d',
  );
});
