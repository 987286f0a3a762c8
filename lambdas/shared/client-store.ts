// Clients and their API keys in the usage table: create, revoke, list, look up by key hash.
import { queryPages } from './query-pages';
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { CLIENTS_PK, itemKey } from '../../contracts/table';
import { PLAN_NAMES, type PlanName } from '../../contracts/plans';
import { generateApiKey, generateUsageIdentifier, hashApiKey } from './api-keys';

/** A per-client override (lambdas/shared/client-override.ts): the limits in force instead of the plan's. */
export const clientOverride = z.object({
  ratePerMinute: z.int().positive(),
  burst: z.int().positive(),
  dailyQuota: z.int().positive(),
  setAt: z.string(),
  /** The client's own API Gateway usage plan (deployed stages only). */
  usagePlanId: z.string().optional(),
});
export type ClientOverride = z.infer<typeof clientOverride>;

export const clientRecord = z.object({
  clientId: z.string(),
  name: z.string(),
  plan: z.enum(PLAN_NAMES as [PlanName, ...PlanName[]]),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  /** The value of the client's API Gateway key (usageIdentifierKey): never the client's secret. */
  usageKey: z.string().min(20),
  /** API Gateway's id of the key (deployed stages only), to disable it on revoke. */
  apiGatewayKeyId: z.string().optional(),
  /** Stripe customer (`cus_…`) billed for this client's usage (contracts/billing.ts `stripe.customerAttribute`). */
  stripeCustomerId: z.string().optional(),
  /** Limits set for this client alone (`keys override`); removed by `keys set-plan`. */
  override: clientOverride.optional(),
});
export type ClientRecord = z.infer<typeof clientRecord>;

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

function malformed(item: Record<string, unknown>, error: z.ZodError): MalformedRecord {
  const pk = String(item.pk ?? '');
  // KEY#<hash>: the hash is not a secret, but there is no need to log it whole.
  return {
    pk: pk.startsWith('KEY#') ? `${pk.slice(0, 12)}…` : pk,
    sk: String(item.sk ?? ''),
    fields: error.issues.map((i) => i.path.join('.')),
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

export async function getClient(store: ClientStore, clientId: string): Promise<(ClientRecord & { keyHash: string }) | undefined> {
  const result = await store.db.send(new GetCommand({ TableName: store.tableName, Key: itemKey.client(clientId) }));
  if (!result.Item) return undefined;
  // A malformed record is treated as absent (it cannot be authorized either).
  const parsed = clientRecord.safeParse(result.Item);
  return parsed.success ? { ...parsed.data, keyHash: String(result.Item.keyHash) } : undefined;
}

export class UnknownClientError extends Error {
  constructor(clientId: string) {
    super(`unknown client: ${clientId}`);
    this.name = 'UnknownClientError';
  }
}

/** Marks the client and its key revoked in the table; callers then disable its usage key and flush the authorizer cache. */
export async function revokeClient(store: ClientStore, clientId: string, now = new Date()): Promise<ClientRecord> {
  const client = await getClient(store, clientId);
  if (!client) throw new UnknownClientError(clientId);
  const update = {
    TableName: store.tableName,
    UpdateExpression: 'SET #status = :revoked, revokedAt = :at',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':revoked': 'revoked', ':at': now.toISOString() },
  };
  await store.db.send(
    new TransactWriteCommand({
      TransactItems: [
        { Update: { ...update, Key: itemKey.apiKey(client.keyHash) } },
        { Update: { ...update, Key: itemKey.client(clientId) } },
      ],
    }),
  );
  const { keyHash: _keyHash, ...record } = client;
  return { ...record, status: 'revoked', revokedAt: now.toISOString() };
}

/** Every parseable client record; a malformed one is skipped and reported to `onMalformed`. */
export async function listClients(store: ClientStore, onMalformed?: (record: MalformedRecord) => void): Promise<ClientRecord[]> {
  const clients: ClientRecord[] = [];
  for await (const page of queryPages(store.db, {
    TableName: store.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': CLIENTS_PK },
  })) {
    for (const item of page.Items ?? []) {
      const { keyHash: _keyHash, ...rest } = item;
      const parsed = clientRecord.safeParse(rest);
      if (parsed.success) clients.push(parsed.data);
      else onMalformed?.(malformed(item, parsed.error));
    }
  }
  return clients;
}
