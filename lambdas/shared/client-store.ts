// Clients and their API keys in the usage table: create, revoke, list, look up by key hash.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { CLIENTS_PK, itemKey } from '../../contracts/table';
import { PLAN_NAMES, type PlanName } from '../../contracts/plans';
import { generateApiKey, hashApiKey } from './api-keys';

export const clientRecord = z.object({
  clientId: z.string(),
  name: z.string(),
  plan: z.enum(PLAN_NAMES as [PlanName, ...PlanName[]]),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  /** API Gateway's id of the key (deployed stages only), to disable it on revoke. */
  apiGatewayKeyId: z.string().optional(),
  /** Stripe customer (`cus_…`) billed for this client's usage (contracts/billing.ts `stripe.customerAttribute`). */
  stripeCustomerId: z.string().optional(),
});
export type ClientRecord = z.infer<typeof clientRecord>;

export interface ClientStore {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
}

export interface NewClient {
  readonly plan: PlanName;
  readonly name: string;
  /** A key made elsewhere (e.g. by API Gateway's CreateApiKey); generated when absent. */
  readonly apiKey?: string;
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
  const apiKey = input.apiKey ?? generateApiKey();
  const keyHash = hashApiKey(apiKey);
  const record: ClientRecord = {
    clientId: `cl_${randomUUID().replaceAll('-', '')}`,
    name: input.name,
    plan: input.plan,
    status: 'active',
    createdAt: (input.now ?? new Date()).toISOString(),
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

/** What the authorizer needs: the key's client and today's request count (two GetItems, only on a cache miss). */
export async function findByKeyHash(
  store: ClientStore,
  keyHash: string,
  day: string,
): Promise<{ client?: ClientRecord; usedToday?: number }> {
  const keyItemKey = itemKey.apiKey(keyHash);
  const result = await store.db.send(new GetCommand({ TableName: store.tableName, Key: keyItemKey }));
  if (!result.Item) return {};
  const client = clientRecord.parse(result.Item);
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
  return { ...clientRecord.parse(result.Item), keyHash: String(result.Item.keyHash) };
}

export class UnknownClientError extends Error {
  constructor(clientId: string) {
    super(`unknown client: ${clientId}`);
    this.name = 'UnknownClientError';
  }
}

/** Marks the client and its key revoked; the authorizer answers 403 once its cache expires. */
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

export async function listClients(store: ClientStore): Promise<ClientRecord[]> {
  const clients: ClientRecord[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await store.db.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': CLIENTS_PK },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const { keyHash: _keyHash, ...rest } = item;
      clients.push(clientRecord.parse(rest));
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return clients;
}
