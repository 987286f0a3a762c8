// Key lifecycle in the usage table: rotate a client's key with a grace period for the old one, key
// expiry, and what `keys list` shows of a client's keys. Used by `npm run keys` and the admin API.
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../contracts/table';
import type { PlanName } from '../../contracts/plans';
import { generateApiKey, hashApiKey } from './api-keys';
import {
  type ClientKeys,
  type ClientRecord,
  type ClientStore,
  clientItems,
  clientKeys,
  clientRecord,
  isConditionFailure,
  MalformedClientRecordError,
  type MalformedRecord,
  malformed,
  UnknownClientError,
} from './client-store';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Longest `--grace` or `--expires` accepted: ten years. */
const MAX_DURATION_MS = 3650 * UNIT_MS.d;
/** Keys of one client that may be in their grace period at once (bounds the revocation transaction). */
export const MAX_KEYS_IN_GRACE = 5;
/** How often a rotation re-reads the client when a concurrent change (rotate, revoke, set-plan) won. */
const ROTATE_ATTEMPTS = 3;

export class BadDurationError extends Error {
  constructor(option: string) {
    super(`${option} must be a whole number followed by s, m, h or d (30s, 15m, 24h, 7d), or 0, up to 3650d`);
    this.name = 'BadDurationError';
  }
}

/** `30s`, `15m`, `24h`, `7d` or `0` → milliseconds. */
export function parseDuration(text: string, option = 'the duration'): number {
  if (text.trim() === '0') return 0;
  const match = /^(\d{1,7})([smhd])$/.exec(text.trim());
  if (!match) throw new BadDurationError(option);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms > MAX_DURATION_MS) throw new BadDurationError(option);
  return ms;
}

export class ClientRevokedError extends Error {
  constructor(clientId: string) {
    super(`client ${clientId} is revoked: its key cannot be rotated`);
    this.name = 'ClientRevokedError';
  }
}

export class TooManyKeysInGraceError extends Error {
  constructor(clientId: string) {
    super(`client ${clientId} already has ${MAX_KEYS_IN_GRACE} keys in their grace period: wait for one to end, or rotate with --grace 0`);
    this.name = 'TooManyKeysInGraceError';
  }
}

export interface RotationOptions {
  /** How long the old key keeps working; 0 retires it at once. */
  readonly graceMs: number;
  /** When the new key stops working; never when absent. */
  readonly keyExpiresAt?: Date;
  readonly now?: Date;
}

export interface RotatedKey {
  /** The new secret: returned once, never stored. */
  readonly apiKey: string;
  readonly clientId: string;
  readonly plan: PlanName;
  /** The old key works until then (the grace end, or its own expiry if that comes first). */
  readonly oldKeyValidUntil: string;
}

/**
 * Gives the client a new key for the same client record (same clientId, plan and usage identifier, so
 * usage stays on one client and API Gateway needs no change); the old key works until the grace ends.
 * One transaction, conditional on the client still being active with the current key and plan read, so a
 * concurrent revoke or rotate cannot leave a key outside the client's list (which revoke walks).
 */
export async function rotateClientKey(store: ClientStore, clientId: string, options: RotationOptions): Promise<RotatedKey> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rotateOnce(store, clientId, options);
    } catch (error) {
      if (!isConditionFailure(error) || attempt >= ROTATE_ATTEMPTS) throw error;
    }
  }
}

async function rotateOnce(store: ClientStore, clientId: string, options: RotationOptions): Promise<RotatedKey> {
  const now = options.now ?? new Date();
  const { Item: item } = await store.db.send(new GetCommand({ TableName: store.tableName, Key: itemKey.client(clientId) }));
  if (!item) throw new UnknownClientError(clientId);
  const record = clientRecord.safeParse(item);
  const keys = clientKeys.safeParse(item);
  if (!record.success) throw new MalformedClientRecordError(clientId, malformed(item, record.error).fields);
  if (!keys.success) throw new MalformedClientRecordError(clientId, malformed(item, keys.error).fields);
  if (record.data.status !== 'active') throw new ClientRevokedError(clientId);

  // The old key ends at the grace end, or at its own expiry if that comes first.
  const graceEnd = new Date(now.getTime() + options.graceMs);
  const ownExpiry = record.data.keyExpiresAt ? new Date(record.data.keyExpiresAt) : undefined;
  const oldKeyValidUntil = (ownExpiry && ownExpiry < graceEnd ? ownExpiry : graceEnd).toISOString();
  // Keys whose grace has ended are dropped (their records deleted), so the list stays short.
  const stillInGrace = keys.data.retiredKeys.filter((k) => new Date(k.retiresAt) > now);
  const ended = keys.data.retiredKeys.filter((k) => new Date(k.retiresAt) <= now);
  const retiredKeys: ClientKeys['retiredKeys'] = [...stillInGrace, { keyHash: keys.data.keyHash, retiresAt: oldKeyValidUntil }];
  if (retiredKeys.length > MAX_KEYS_IN_GRACE) throw new TooManyKeysInGraceError(clientId);

  const apiKey = generateApiKey();
  const keyHash = hashApiKey(apiKey);
  // The new key record is a copy of the client record (whatever else it carries), with the new key's expiry.
  const {
    pk: _pk,
    sk: _sk,
    keyHash: _keyHash,
    retiredKeys: _retired,
    keyExpiresAt: _expires,
    keyRetiresAt: _retires,
    ...copied
  } = item as Record<string, unknown>;
  const keyExpiresAt = options.keyExpiresAt?.toISOString();
  const newKeyRecord = { ...itemKey.apiKey(keyHash), ...copied, rotatedAt: now.toISOString(), ...(keyExpiresAt ? { keyExpiresAt } : {}) };

  await store.db.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: store.tableName, Item: newKeyRecord, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: store.tableName,
            Key: itemKey.apiKey(keys.data.keyHash),
            UpdateExpression: 'SET keyRetiresAt = :until',
            ConditionExpression: 'attribute_exists(pk) AND #status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':until': oldKeyValidUntil, ':active': 'active' },
          },
        },
        ...ended.map((k) => ({ Delete: { TableName: store.tableName, Key: itemKey.apiKey(k.keyHash) } })),
        {
          Update: {
            TableName: store.tableName,
            Key: itemKey.client(clientId),
            UpdateExpression: `SET keyHash = :new, retiredKeys = :retired, rotatedAt = :now${keyExpiresAt ? ', keyExpiresAt = :expires' : ' REMOVE keyExpiresAt'}`,
            ConditionExpression: 'keyHash = :old AND #status = :active AND #plan = :plan',
            ExpressionAttributeNames: { '#status': 'status', '#plan': 'plan' },
            ExpressionAttributeValues: {
              ':new': keyHash,
              ':old': keys.data.keyHash,
              ':retired': retiredKeys,
              ':now': now.toISOString(),
              ':active': 'active',
              ':plan': record.data.plan,
              ...(keyExpiresAt ? { ':expires': keyExpiresAt } : {}),
            },
          },
        },
      ],
    }),
  );
  return { apiKey, clientId, plan: record.data.plan, oldKeyValidUntil };
}

/** What `keys list` shows of a client's keys: no hashes, no secrets. */
export interface KeySummary {
  /** Keys that work now: the current one unless expired, plus those in their grace period. */
  readonly keys: number;
  /** When the current key expires (`--expires`), if it does. */
  readonly keyExpiresAt?: string;
  /** The latest end of a grace period still running (`keys rotate`), if any. */
  readonly oldKeysValidUntil?: string;
}

export function keySummary(record: ClientRecord, keys: ClientKeys, now: Date): KeySummary {
  if (record.status !== 'active') return { keys: 0 };
  const inGrace = keys.retiredKeys.filter((k) => new Date(k.retiresAt) > now).map((k) => k.retiresAt);
  const currentWorks = !record.keyExpiresAt || new Date(record.keyExpiresAt) > now;
  return {
    keys: inGrace.length + (currentWorks ? 1 : 0),
    ...(record.keyExpiresAt ? { keyExpiresAt: record.keyExpiresAt } : {}),
    ...(inGrace.length > 0 ? { oldKeysValidUntil: inGrace.sort().at(-1) } : {}),
  };
}

/** Every parseable client with its key summary; a malformed record is skipped and reported. */
export async function listClientKeys(
  store: ClientStore,
  now: Date,
  onMalformed?: (record: MalformedRecord) => void,
): Promise<(ClientRecord & KeySummary)[]> {
  const listed: (ClientRecord & KeySummary)[] = [];
  for await (const item of clientItems(store)) {
    const record = clientRecord.safeParse(item);
    const keys = clientKeys.safeParse(item);
    if (!record.success) onMalformed?.(malformed(item, record.error));
    else if (!keys.success) onMalformed?.(malformed(item, keys.error));
    else listed.push({ ...record.data, ...keySummary(record.data, keys.data, now) });
  }
  return listed;
}
