// Key lifecycle use cases against DynamoDB Local: rotation with a grace period (usage stays on one client),
// key expiry, revocation of every key of a client (also when it races a rotation), the list summary, and a
// malformed client record under revoke.
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { DeleteCommand, type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { hashApiKey } from '../../../capabilities/customers/api-keys';
import { authorize } from '../../../capabilities/authorizer/authorize';
import { setClientPlan } from '../../../capabilities/customers/client-plan';
import {
  createClient,
  getClient,
  MalformedClientRecordError,
  revokeClient,
  type ClientStore,
  UnknownClientError,
} from '../../../capabilities/customers/client-store';
import {
  BadDurationError,
  ClientRevokedError,
  listClientKeys,
  MAX_KEYS_IN_GRACE,
  parseDuration,
  rotateClientKey,
  TooManyKeysInGraceError,
} from '../../../capabilities/customers/key-rotation';
import { ACCESS_DENIED_DETAIL_KEY, KEY_REFUSALS } from '../../../contracts/gateway-responses';
import { itemKey } from '../../../contracts/table';
import { createUsageTable, documentClient } from '../analytics/fixtures';
import { APIGatewayClient, FlushStageAuthorizersCacheCommand, UpdateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { type KeyTarget, revokeKey, rotateKey } from '../../../scripts/support/key-admin';

const TABLE = 'keys-lifecycle';
const HOUR = 3_600_000;
let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
const store = (): ClientStore => ({ db, tableName: TABLE });
let handler: (event: APIGatewayRequestAuthorizerEvent) => Promise<any>;

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
  process.env.TABLE_NAME = TABLE;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoLocal.endpoint;
  jest.isolateModules(() => {
    handler = require('../../../functions/authorizer/handler').handler;
  });
}, 60_000);

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  await dynamoLocal?.stop();
});

function authorizerEvent(apiKey: string): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/GET/v1/hello',
    headers: { 'x-api-key': apiKey },
    requestContext: { requestId: 'req-keys-1' },
  } as never;
}

/** Every key record of a client, as stored. */
async function keyItems(clientId: string) {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: TABLE }));
  return Items.filter((i) => String(i.pk).startsWith('KEY#') && i.clientId === clientId);
}

describe('parseDuration', () => {
  it('reads s, m, h, d and 0; refuses anything else', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('15m')).toBe(15 * 60_000);
    expect(parseDuration('24h')).toBe(24 * HOUR);
    expect(parseDuration('7d')).toBe(7 * 24 * HOUR);
    expect(parseDuration('0')).toBe(0);
    for (const bad of ['', '1', '1w', '-1h', '1.5h', 'h', '24 h', '3651d', '1e3s'])
      expect(() => parseDuration(bad, '--grace')).toThrow(BadDurationError);
    expect(() => parseDuration('1w', '--grace')).toThrow(/^--grace must be/);
  });
});

describe('rotateClientKey', () => {
  it('gives a new key for the same client, plan and usage identifier; the old key works until the grace ends', async () => {
    const t0 = new Date('2026-11-28T10:00:00Z');
    const old = await createClient(store(), { plan: 'premium', name: 'rotating', now: t0 });
    const rotated = await rotateClientKey(store(), old.clientId, { graceMs: 2 * HOUR, now: t0 });
    expect(rotated).toEqual({
      apiKey: expect.stringMatching(/^mapi/),
      clientId: old.clientId,
      plan: 'premium',
      oldKeyValidUntil: '2026-11-28T12:00:00.000Z',
    });
    expect(rotated.apiKey).not.toBe(old.apiKey);

    const duringGrace = new Date('2026-11-28T11:59:59Z');
    const oldAnswer = await authorize(store(), old.apiKey, duringGrace);
    const newAnswer = await authorize(store(), rotated.apiKey, duringGrace);
    expect(oldAnswer).toMatchObject({ effect: 'allow', clientId: old.clientId, plan: 'premium' });
    expect(newAnswer).toMatchObject({ effect: 'allow', clientId: old.clientId, plan: 'premium' });
    // One usage identifier: API Gateway meters both keys as one client.
    expect(oldAnswer.effect === 'allow' && newAnswer.effect === 'allow' && oldAnswer.usageKey === newAnswer.usageKey).toBe(true);

    const afterGrace = new Date('2026-11-28T12:00:00Z');
    expect(await authorize(store(), old.apiKey, afterGrace)).toEqual({
      effect: 'deny',
      clientId: old.clientId,
      reason: 'rotated',
      at: '2026-11-28T12:00:00.000Z',
    });
    expect(await authorize(store(), rotated.apiKey, afterGrace)).toMatchObject({ effect: 'allow' });
    // The secret is nowhere in the table.
    const stored = JSON.stringify((await db.send(new ScanCommand({ TableName: TABLE }))).Items);
    expect(stored).not.toContain(rotated.apiKey);
    expect(stored).toContain(hashApiKey(rotated.apiKey));
  });

  it('--grace 0 retires the old key at once; an old key that expires first keeps its own expiry', async () => {
    const now = new Date();
    const a = await createClient(store(), { plan: 'standard', name: 'grace-zero' });
    const rotatedA = await rotateClientKey(store(), a.clientId, { graceMs: 0, now });
    expect(rotatedA.oldKeyValidUntil).toBe(now.toISOString());
    expect(await authorize(store(), a.apiKey, now)).toMatchObject({ effect: 'deny', reason: 'rotated' });
    expect(await authorize(store(), rotatedA.apiKey, now)).toMatchObject({ effect: 'allow' });

    const expiresSoon = new Date(now.getTime() + HOUR);
    const b = await createClient(store(), { plan: 'standard', name: 'expiring', keyExpiresAt: expiresSoon });
    const rotatedB = await rotateClientKey(store(), b.clientId, { graceMs: 24 * HOUR, now });
    expect(rotatedB.oldKeyValidUntil).toBe(expiresSoon.toISOString());
  });

  it('the new key may expire (--expires); the client record shows the current key only', async () => {
    const now = new Date('2026-11-28T10:00:00Z');
    const created = await createClient(store(), { plan: 'standard', name: 'renewed', keyExpiresAt: new Date('2026-11-29T00:00:00Z') });
    const rotated = await rotateClientKey(store(), created.clientId, {
      graceMs: HOUR,
      keyExpiresAt: new Date('2026-12-28T10:00:00Z'),
      now,
    });
    const client = await getClient(store(), created.clientId);
    expect(client).toMatchObject({ keyHash: hashApiKey(rotated.apiKey), keyExpiresAt: '2026-12-28T10:00:00.000Z' });
    expect(await authorize(store(), rotated.apiKey, new Date('2026-12-28T10:00:00Z'))).toMatchObject({
      effect: 'deny',
      reason: 'expired',
    });
    // Rotating again without --expires gives a key that does not expire.
    const again = await rotateClientKey(store(), created.clientId, { graceMs: 0, now });
    expect((await getClient(store(), created.clientId))?.keyExpiresAt).toBeUndefined();
    expect(await authorize(store(), again.apiKey, new Date('2030-01-01T00:00:00Z'))).toMatchObject({ effect: 'allow' });
  });

  it('drops keys whose grace has ended, and refuses a rotation beyond the keys-in-grace limit', async () => {
    const t0 = Date.parse('2026-11-28T10:00:00Z');
    const created = await createClient(store(), { plan: 'standard', name: 'busy' });
    const first = await rotateClientKey(store(), created.clientId, { graceMs: HOUR, now: new Date(t0) });
    await rotateClientKey(store(), created.clientId, { graceMs: HOUR, now: new Date(t0 + 2 * HOUR) });
    // The original key's grace ended before the second rotation: its record is gone, the rest remain.
    expect((await getClient(store(), created.clientId))?.retiredKeys.map((k) => k.keyHash)).toEqual([hashApiKey(first.apiKey)]);
    expect((await keyItems(created.clientId)).map((i) => i.pk)).not.toContain(`KEY#${hashApiKey(created.apiKey)}`);
    expect(await authorize(store(), created.apiKey, new Date(t0))).toEqual({ effect: 'unauthorized', reason: 'unknown' });

    for (let i = 2; i <= MAX_KEYS_IN_GRACE; i++)
      await rotateClientKey(store(), created.clientId, { graceMs: HOUR, now: new Date(t0 + 2 * HOUR + i) });
    await expect(rotateClientKey(store(), created.clientId, { graceMs: HOUR, now: new Date(t0 + 2 * HOUR + 100) })).rejects.toBeInstanceOf(
      TooManyKeysInGraceError,
    );
    expect(await keyItems(created.clientId)).toHaveLength(MAX_KEYS_IN_GRACE + 1);
  });

  it('refuses unknown and revoked clients', async () => {
    await expect(rotateClientKey(store(), 'cl_nobody', { graceMs: 0 })).rejects.toBeInstanceOf(UnknownClientError);
    const created = await createClient(store(), { plan: 'standard', name: 'gone' });
    await revokeClient(store(), created.clientId);
    await expect(rotateClientKey(store(), created.clientId, { graceMs: 0 })).rejects.toBeInstanceOf(ClientRevokedError);
    expect(await keyItems(created.clientId)).toHaveLength(1);
  });

  it('a plan change reaches the key still in its grace period', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'upgrade' });
    await rotateClientKey(store(), created.clientId, { graceMs: HOUR });
    await setClientPlan(store(), created.clientId, 'premium');
    expect((await keyItems(created.clientId)).map((i) => i.plan)).toEqual(['premium', 'premium']);
  });
});

describe('expiry', () => {
  it('an expired key is refused with a Deny whose context says it expired (the key is not echoed)', async () => {
    const expiresAt = new Date(Date.now() - 1000);
    const created = await createClient(store(), { plan: 'standard', name: 'expired', keyExpiresAt: expiresAt });
    expect(await authorize(store(), created.apiKey, new Date(expiresAt.getTime() - 1))).toMatchObject({ effect: 'allow' });
    const policy = await handler(authorizerEvent(created.apiKey));
    expect(policy.principalId).toBe(created.clientId);
    expect(policy.usageIdentifierKey).toBeUndefined();
    expect(policy.policyDocument.Statement[0].Effect).toBe('Deny');
    expect(policy.context).toEqual({ [ACCESS_DENIED_DETAIL_KEY]: KEY_REFUSALS.expired(expiresAt.toISOString()) });
    expect(policy.context[ACCESS_DENIED_DETAIL_KEY]).toContain('expired');
    expect(JSON.stringify(policy)).not.toContain(created.apiKey);
  });

  it('a revoked key’s Deny says it is revoked; a timestamp that does not parse fails closed (401), never open', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'revoked-detail' });
    await revokeClient(store(), created.clientId);
    expect((await handler(authorizerEvent(created.apiKey))).context).toEqual({ [ACCESS_DENIED_DETAIL_KEY]: KEY_REFUSALS.revoked() });

    const odd = await createClient(store(), { plan: 'standard', name: 'odd-expiry' });
    await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: itemKey.apiKey(hashApiKey(odd.apiKey)),
        UpdateExpression: 'SET keyExpiresAt = :x',
        ExpressionAttributeValues: { ':x': 'next tuesday' },
      }),
    );
    expect(await authorize(store(), odd.apiKey, new Date())).toMatchObject({ effect: 'unauthorized', reason: 'corrupt-record' });
  });

  it('every refusal detail is safe to substitute into JSON as is', () => {
    for (const detail of [KEY_REFUSALS.revoked(), KEY_REFUSALS.expired(new Date().toISOString()), KEY_REFUSALS.rotated('x')])
      expect(JSON.parse(`"${detail}"`)).toBe(detail);
  });
});

describe('revokeClient', () => {
  it('revokes every key of the client, including an old key still in its grace period', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'both-keys' });
    const rotated = await rotateClientKey(store(), created.clientId, { graceMs: 24 * HOUR });
    const revoked = await revokeClient(store(), created.clientId);
    expect(revoked).toMatchObject({ clientId: created.clientId, status: 'revoked', keysRevoked: 2 });
    for (const key of [created.apiKey, rotated.apiKey])
      expect(await authorize(store(), key, new Date())).toMatchObject({ effect: 'deny', reason: 'revoked' });
    expect((await keyItems(created.clientId)).map((i) => i.status)).toEqual(['revoked', 'revoked']);
  });

  it('a rotation that commits between the read and the write of a revocation is revoked too (the revocation is redone)', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'race-revoke' });
    let rotatedKey = '';
    // The revocation's first transaction waits while a rotation commits: its condition then fails.
    const racing = interleave(async () => {
      rotatedKey = (await rotateClientKey(store(), created.clientId, { graceMs: HOUR })).apiKey;
    });
    const revoked = await revokeClient(racing, created.clientId);
    expect(racing.interleaved).toBe(true);
    expect(revoked.keysRevoked).toBe(2);
    expect(await authorize(store(), rotatedKey, new Date())).toMatchObject({ effect: 'deny', reason: 'revoked' });
    expect((await keyItems(created.clientId)).map((i) => i.status)).toEqual(['revoked', 'revoked']);
  });

  it('a revocation that commits between the read and the write of a rotation stops the rotation: no new key exists', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'race-rotate' });
    const racing = interleave(async () => {
      await revokeClient(store(), created.clientId);
    });
    await expect(rotateClientKey(racing, created.clientId, { graceMs: HOUR })).rejects.toBeInstanceOf(ClientRevokedError);
    expect(racing.interleaved).toBe(true);
    expect((await keyItems(created.clientId)).map((i) => i.status)).toEqual(['revoked']);
  });

  it('concurrent rotations and a revocation leave no key of the client active', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'race-many' });
    const outcomes = await Promise.allSettled([
      rotateClientKey(store(), created.clientId, { graceMs: HOUR }),
      rotateClientKey(store(), created.clientId, { graceMs: HOUR }),
      revokeClient(store(), created.clientId),
      rotateClientKey(store(), created.clientId, { graceMs: HOUR }),
    ]);
    expect(outcomes[2].status).toBe('fulfilled');
    const items = await keyItems(created.clientId);
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items.map((i) => i.status)).toEqual(items.map(() => 'revoked'));
    for (const outcome of outcomes)
      if (outcome.status === 'fulfilled' && 'apiKey' in outcome.value)
        expect(await authorize(store(), outcome.value.apiKey, new Date())).toMatchObject({ effect: 'deny', reason: 'revoked' });
  });

  it('a malformed client record is still revoked, and named by its fields without their values', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'corrupt' });
    await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: itemKey.client(created.clientId),
        UpdateExpression: 'SET #p = :p REMOVE createdAt',
        ExpressionAttributeNames: { '#p': 'plan' },
        ExpressionAttributeValues: { ':p': 'platinum-secret-plan' },
      }),
    );
    const revoked = await revokeClient(store(), created.clientId);
    expect(revoked).toMatchObject({ status: 'revoked', keysRevoked: 1, malformed: { fields: ['plan', 'createdAt'] } });
    expect(revoked.usageKey).toMatch(/^musg/);
    expect(JSON.stringify(revoked.malformed)).not.toContain('platinum-secret-plan');
    expect(await authorize(store(), created.apiKey, new Date())).toMatchObject({ effect: 'deny', reason: 'revoked' });
  });

  it('a client record whose keys cannot be read is a clear error naming the field', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'no-hash' });
    await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: itemKey.client(created.clientId),
        UpdateExpression: 'SET keyHash = :h',
        ExpressionAttributeValues: { ':h': 'not-a-hash-value' },
      }),
    );
    const error = await revokeClient(store(), created.clientId).catch((e: Error) => e);
    expect(error).toBeInstanceOf(MalformedClientRecordError);
    expect((error as MalformedClientRecordError).fields).toEqual(['keyHash']);
    expect((error as Error).message).toBe(
      `client ${created.clientId}: its record is malformed (fields: keyHash); its keys cannot be found from it`,
    );
    await db.send(new DeleteCommand({ TableName: TABLE, Key: itemKey.client(created.clientId) }));
  });
});

describe('listClientKeys', () => {
  it('shows how many keys work, the current key’s expiry and the end of a running grace; no hashes', async () => {
    const now = new Date();
    const expires = new Date(now.getTime() + 30 * 24 * HOUR);
    const created = await createClient(store(), { plan: 'standard', name: 'listed', keyExpiresAt: expires });
    const rotated = await rotateClientKey(store(), created.clientId, { graceMs: HOUR, keyExpiresAt: expires, now });
    const revokedClient = await createClient(store(), { plan: 'standard', name: 'listed-revoked' });
    await revokeClient(store(), revokedClient.clientId);
    const skipped: string[] = [];
    const listed = await listClientKeys(store(), now, (bad) => skipped.push(bad.sk));
    expect(listed.find((c) => c.clientId === created.clientId)).toMatchObject({
      keys: 2,
      keyExpiresAt: expires.toISOString(),
      oldKeysValidUntil: rotated.oldKeyValidUntil,
    });
    expect(listed.find((c) => c.clientId === revokedClient.clientId)).toMatchObject({ status: 'revoked', keys: 0 });
    // After the grace, one key works; after the expiry, none.
    const later = await listClientKeys(store(), new Date(now.getTime() + 2 * HOUR));
    expect(later.find((c) => c.clientId === created.clientId)).toMatchObject({ keys: 1 });
    expect(later.find((c) => c.clientId === created.clientId)?.oldKeysValidUntil).toBeUndefined();
    const expired = await listClientKeys(store(), expires);
    expect(expired.find((c) => c.clientId === created.clientId)).toMatchObject({ keys: 0 });
    expect(JSON.stringify(listed)).not.toContain(hashApiKey(created.apiKey));
    expect(JSON.stringify(listed)).not.toContain('keyHash');
    expect(skipped.some((sk) => sk.includes(created.clientId))).toBe(false);
  });
});

describe('on a deployed stage (API Gateway mocked)', () => {
  const gatewayMock = mockClient(APIGatewayClient);
  const target = (): KeyTarget => ({
    store: store(),
    gateway: {
      client: new APIGatewayClient({}),
      usagePlanIds: { free: 'up-free', payg: 'up-payg', standard: 'up-standard', premium: 'up-premium' },
      restApiId: 'api1',
      stageName: 'dev',
    },
  });
  beforeEach(() => gatewayMock.reset().onAnyCommand().resolves({}));
  afterAll(() => gatewayMock.restore());

  it('a rotation with a grace needs no API Gateway change; --grace 0 flushes the authorizer cache only', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'staged', apiGatewayKeyId: 'key-9' });
    await rotateKey(target(), created.clientId, { graceMs: HOUR });
    expect(gatewayMock.calls()).toHaveLength(0);
    await rotateKey(target(), created.clientId, { graceMs: 0 });
    expect(gatewayMock.calls().map((c) => [c.args[0].constructor.name, c.args[0].input])).toEqual([
      ['FlushStageAuthorizersCacheCommand', { restApiId: 'api1', stageName: 'dev' }],
    ]);
  });

  it('revoking a rotated client disables its one usage key and flushes the cache', async () => {
    const created = await createClient(store(), { plan: 'standard', name: 'staged-revoke', apiGatewayKeyId: 'key-10' });
    await rotateKey(target(), created.clientId, { graceMs: HOUR });
    const revoked = await revokeKey(target(), created.clientId);
    expect(revoked.keysRevoked).toBe(2);
    expect(gatewayMock.commandCalls(UpdateApiKeyCommand).map((c) => c.args[0].input.apiKey)).toEqual(['key-10']);
    expect(gatewayMock.commandCalls(FlushStageAuthorizersCacheCommand)).toHaveLength(1);
  });
});

/**
 * A store whose first TransactWrite first lets `other` commit: the write-after-read race made deterministic
 * (DynamoDB Local never raises transaction conflicts by itself).
 */
function interleave(other: () => Promise<void>): ClientStore & { interleaved: boolean } {
  const racing = {
    tableName: TABLE,
    interleaved: false,
    db: {
      send: async (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'TransactWriteCommand' && !racing.interleaved) {
          racing.interleaved = true;
          await other();
        }
        return db.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient,
  };
  return racing;
}
