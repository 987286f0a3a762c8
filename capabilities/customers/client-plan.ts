// Moves a client to another plan: on a deployed stage its API Gateway key leaves the old usage plan and
// joins the new one (put back on failure), then the key and client records change in one transaction.
// The authorizer reads the plan on its next cache miss, so analytics and limits follow from then on.
// A client with an override (client-override.ts) leaves its own usage plan instead, which is then deleted.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../contracts/table';
import { utcDay } from '../../contracts/usage-event-id';
import type { PlanName } from '../../contracts/plans';
import { clientKeyHashes, getClient, UnknownClientError, type ClientStore } from './client-store';
import { overrideLimitsOf } from './limits-in-force';
import { planChangeItem } from './plan-history';

/** API Gateway's usage-plan membership of keys (deployed stages only). */
export interface UsagePlanKeys {
  add(usagePlanId: string, keyId: string): Promise<void>;
  remove(usagePlanId: string, keyId: string): Promise<void>;
  readonly usagePlanIds: Record<PlanName, string>;
  /** Deletes a client's own usage plan once its key has left it (client-override.ts). */
  deleteUsagePlan?(usagePlanId: string): Promise<void>;
}

export class ClientNotActiveError extends Error {
  constructor(clientId: string) {
    super(`client ${clientId} is revoked: its plan cannot change`);
    this.name = 'ClientNotActiveError';
  }
}

export interface PlanChange {
  readonly clientId: string;
  readonly before: PlanName;
  readonly after: PlanName;
  readonly changedAt: string;
  /** The client's override, removed by this change (client-override.ts). */
  readonly removedOverride?: { readonly ratePerMinute: number; readonly burst: number; readonly dailyQuota: number };
  /** The override's usage plan, left behind because deleting it failed (empty; delete it by hand). */
  readonly leftoverUsagePlanId?: string;
}

export async function setClientPlan(
  store: ClientStore,
  clientId: string,
  plan: PlanName,
  options: { readonly gateway?: UsagePlanKeys; readonly now?: Date } = {},
): Promise<PlanChange> {
  const client = await getClient(store, clientId);
  if (!client) throw new UnknownClientError(clientId);
  if (client.status !== 'active') throw new ClientNotActiveError(clientId);
  const changedAt = (options.now ?? new Date()).toISOString();
  const { override } = client;
  const change = {
    clientId,
    before: client.plan as PlanName,
    after: plan,
    changedAt,
    ...(override ? { removedOverride: overrideLimitsOf(override) } : {}),
  };
  if (client.plan === plan && !override) return change;

  const { gateway } = options;
  const keyId = client.apiGatewayKeyId;
  if (gateway && keyId) {
    // A key may be in one usage plan per API stage, so it leaves the old plan before joining the new one.
    // With an override, the key is in the client's own usage plan.
    const from = override?.usagePlanId ?? gateway.usagePlanIds[client.plan as PlanName];
    await gateway.remove(from, keyId);
    try {
      await gateway.add(gateway.usagePlanIds[plan], keyId);
    } catch (error) {
      await gateway.add(from, keyId);
      throw error;
    }
  }
  const update = {
    TableName: store.tableName,
    UpdateExpression: 'SET #plan = :plan, planChangedAt = :at REMOVE #override',
    ConditionExpression: '#status = :active',
    ExpressionAttributeNames: { '#plan': 'plan', '#status': 'status', '#override': 'override' },
    ExpressionAttributeValues: { ':plan': plan, ':at': changedAt, ':active': 'active' },
  };
  await store.db.send(
    new TransactWriteCommand({
      TransactItems: [
        // Every key of the client, so a key still in its grace period (`keys rotate`) follows too.
        ...clientKeyHashes(client).map((hash) => ({ Update: { ...update, Key: itemKey.apiKey(hash) } })),
        { Update: { ...update, Key: itemKey.client(clientId) } },
        // The plan history: both plans were in force on the day of the change (statements list them).
        planChangeItem(store.tableName, clientId, utcDay(new Date(changedAt)), client.plan, plan),
      ],
    }),
  );
  // The override's usage plan holds no key now.
  const emptied = gateway && keyId ? override?.usagePlanId : undefined;
  if (emptied) {
    const deleted = gateway?.deleteUsagePlan
      ? await gateway.deleteUsagePlan(emptied).then(
          () => true,
          () => false,
        )
      : false;
    if (!deleted) return { ...change, leftoverUsagePlanId: emptied };
  }
  return change;
}
