// Clients and their API keys in the usage table: create, revoke, list, look up by key hash.
import { queryPages } from '../aws/query-pages';
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CLIENTS_PK, ITEM_FAMILIES, itemKey } from '../../contracts/table';
import type { PlanName } from '../../contracts/plans';
import { compiledRecord, type RecordIssue, uniqueIssues } from '../records/compiled-record';
import * as compiledClientKeys from '../records/validators/client-keys';
import * as compiledClientOverride from '../records/validators/client-override';
import * as compiledClientRecord from '../records/validators/client-record';
import type { ClientKeys, ClientOverride, ClientRecord } from './client-record';
import { generateApiKey, generateUsageIdentifier, hashApiKey } from './api-keys';

export type { ClientKeys, ClientOverride, ClientRecord } from './client-record';

// The schemas are zod (client-record.ts, the one source); the functions parse with their compiled validators.
/** The stored client record (a key record, or the client's own with its keys). */
export const clientRecord = compiledRecord<ClientRecord>(compiledClientRecord);
/** The keys kept on a client record (client-record.ts `clientKeys`). */
export const clientKeys = compiledRecord<ClientKeys>(compiledClientKeys);
/** A client's override (client-record.ts `clientOverride`). */
export const clientOverride = compiledRecord<ClientOverride>(compiledClientOverride);

export interface ClientStore {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
}

export interface NewClient {
  readonly plan: PlanName;
  readonly name: string;
  /** The usage identifier registered with API Gateway (deployed stages); generated when absent. */
  readonly usageKey?: string;
  readonly apiGatewayKeyId?: string;
  readonly now?: Date;
  /** When the key stops working (`--expires`); never when absent. */
  readonly keyExpiresAt?: Date;
}

export interface CreatedClient {
  readonly apiKey: string;
  readonly clientId: string;
  readonly plan: PlanName;
}

/** Stores the key's hash and the client record in one transaction; the key value itself is returned once. */
export async function createClient(store: ClientStore, input: NewClient): Promise<CreatedClient> {
  // The secret is made here and only returned: API Gateway gets the independent usage identifier.
  const apiKey = generateApiKey();
  const keyHash = hashApiKey(apiKey);
  const record: ClientRecord = {
    clientId: `cl_${randomUUID().replaceAll('-', '')}`,
    name: input.name,
    plan: input.plan,
    status: 'active',
    createdAt: (input.now ?? new Date()).toISOString(),
    usageKey: input.usageKey ?? generateUsageIdentifier(),
    ...(input.apiGatewayKeyId ? { apiGatewayKeyId: input.apiGatewayKeyId } : {}),
    ...(input.keyExpiresAt ? { keyExpiresAt: input.keyExpiresAt.toISOString() } : {}),
  };
  await store.db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: store.tableName,
            Item: { ...itemKey.apiKey(keyHash), ...record },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: store.tableName,
            Item: { ...itemKey.client(record.clientId), ...record, keyHash },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    }),
  );
  return { apiKey, clientId: record.clientId, plan: record.plan };
}

/** A stored record that does not parse: skipped by every reader, never fatal. Names fields, never values. */
export interface MalformedRecord {
  readonly pk: string;
  readonly sk: string;
  readonly fields: readonly string[];
}

export function malformed(item: Record<string, unknown>, error: { readonly issues: readonly RecordIssue[] }): MalformedRecord {
  const pk = String(item.pk ?? '');
  // KEY#<hash>: the hash is not a secret, but there is no need to log it whole.
  return {
    pk: pk.startsWith(ITEM_FAMILIES.keys.prefix) ? `${pk.slice(0, 12)}…` : pk,
    sk: String(item.sk ?? ''),
    fields: uniqueIssues(error.issues).map((i) => i.path.join('.')),
  };
}

/** What the authorizer needs: the key's client and today's request count (two GetItems, only on a cache miss). */
export async function findByKeyHash(
  store: ClientStore,
  keyHash: string,
  day: string,
): Promise<{ client?: ClientRecord; usedToday?: number; malformed?: MalformedRecord }> {
  const keyItemKey = itemKey.apiKey(keyHash);
  const result = await store.db.send(new GetCommand({ TableName: store.tableName, Key: keyItemKey }));
  if (!result.Item) return {};
  const parsed = clientRecord.safeParse(result.Item);
  if (!parsed.success) return { malformed: malformed(result.Item, parsed.error) };
  const client = parsed.data;
  const counter = await store.db.send(
    new GetCommand({
      TableName: store.tableName,
      Key: itemKey.dayCounter(client.clientId, day),
      ProjectionExpression: 'requests',
    }),
  );
  return { client, usedToday: typeof counter.Item?.requests === 'number' ? counter.Item.requests : 0 };
}

/** The hashes of every key of a client that may still work: the current one, then those in grace. */
export function clientKeyHashes(keys: ClientKeys): string[] {
  return [keys.keyHash, ...keys.retiredKeys.map((k) => k.keyHash)];
}

export async function getClient(store: ClientStore, clientId: string): Promise<(ClientRecord & ClientKeys) | undefined> {
  const result = await store.db.send(new GetCommand({ TableName: store.tableName, Key: itemKey.client(clientId) }));
  if (!result.Item) return undefined;
  // A malformed record is treated as absent (it cannot be authorized either).
  const parsed = clientRecord.safeParse(result.Item);
  const keys = clientKeys.safeParse(result.Item);
  return parsed.success && keys.success ? { ...parsed.data, ...keys.data } : undefined;
}

export class UnknownClientError extends Error {
  constructor(clientId: string) {
    super(`unknown client: ${clientId}`);
    this.name = 'UnknownClientError';
  }
}

/** A client record whose keys cannot be read: nothing can be revoked through it. Names fields, never values. */
export class MalformedClientRecordError extends Error {
  constructor(
    clientId: string,
    readonly fields: readonly string[],
  ) {
    super(`client ${clientId}: its record is malformed (fields: ${fields.join(', ')}); its keys cannot be found from it`);
    this.name = 'MalformedClientRecordError';
  }
}

/** What a revocation did. A malformed record is still revoked when its keys can be read, and named. */
export type RevokedClient =
  | (ClientRecord & {
      readonly status: 'revoked';
      readonly revokedAt: string;
      readonly keysRevoked: number;
      readonly malformed?: undefined;
    })
  | {
      readonly clientId: string;
      readonly status: 'revoked';
      readonly revokedAt: string;
      readonly keysRevoked: number;
      readonly malformed: MalformedRecord;
      readonly usageKey?: string;
      readonly apiGatewayKeyId?: string;
    };

/** How often a revocation re-reads the client when a concurrent rotation changed its keys. */
const REVOKE_ATTEMPTS = 5;

/**
 * Marks the client and every one of its keys (current and still in grace) revoked, in one transaction
 * that holds only if the client's current key is still the one read: a concurrent `keys rotate` makes it
 * fail and it is redone with the new set of keys, so no key of a revoked client stays active. Callers then
 * disable its usage key and flush the authorizer cache.
 */
export async function revokeClient(store: ClientStore, clientId: string, now = new Date()): Promise<RevokedClient> {
  for (let attempt = 1; ; attempt++) {
    const result = await store.db.send(new GetCommand({ TableName: store.tableName, Key: itemKey.client(clientId) }));
    const item = result.Item;
    if (!item) throw new UnknownClientError(clientId);
    const keys = clientKeys.safeParse(item);
    if (!keys.success) throw new MalformedClientRecordError(clientId, malformed(item, keys.error).fields);
    const revokedAt = now.toISOString();
    const update = {
      TableName: store.tableName,
      UpdateExpression: 'SET #status = :revoked, revokedAt = :at',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':revoked': 'revoked', ':at': revokedAt },
    };
    const keyHashes = clientKeyHashes(keys.data);
    try {
      await store.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...keyHashes.map((hash) => ({ Update: { ...update, Key: itemKey.apiKey(hash) } })),
            {
              Update: {
                ...update,
                Key: itemKey.client(clientId),
                ConditionExpression: 'keyHash = :keyHash',
                ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':keyHash': keys.data.keyHash },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error) && attempt < REVOKE_ATTEMPTS) continue;
      throw error;
    }
    const parsed = clientRecord.safeParse({ ...item, status: 'revoked', revokedAt });
    if (parsed.success) return { ...parsed.data, status: 'revoked', revokedAt, keysRevoked: keyHashes.length };
    const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
    return {
      clientId,
      status: 'revoked',
      revokedAt,
      keysRevoked: keyHashes.length,
      malformed: malformed(item, parsed.error),
      usageKey: text('usageKey'),
      apiGatewayKeyId: text('apiGatewayKeyId'),
    };
  }
}

/** A transaction cancelled by a failed condition (another writer got there first). */
export function isConditionFailure(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  return (
    e?.name === 'ConditionalCheckFailedException' ||
    (e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r?.Code === 'ConditionalCheckFailed'))
  );
}

/** Every item of the client registry (one partition), raw. */
export async function* clientItems(store: ClientStore): AsyncGenerator<Record<string, unknown>> {
  for await (const page of queryPages(store.db, {
    TableName: store.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': CLIENTS_PK },
  })) {
    yield* page.Items ?? [];
  }
}

/** Every parseable client record; a malformed one is skipped and reported to `onMalformed`. */
export async function listClients(store: ClientStore, onMalformed?: (record: MalformedRecord) => void): Promise<ClientRecord[]> {
  const clients: ClientRecord[] = [];
  for await (const item of clientItems(store)) {
    const { keyHash: _keyHash, ...rest } = item;
    const parsed = clientRecord.safeParse(rest);
    if (parsed.success) clients.push(parsed.data);
    else onMalformed?.(malformed(item, parsed.error));
  }
  return clients;
}
