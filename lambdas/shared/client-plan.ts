// Moves a client to another plan: on a deployed stage its API Gateway key leaves the old usage plan and
// joins the new one (put back on failure), then the key and client records change in one transaction.
// The authorizer reads the plan on its next cache miss, so analytics and limits follow from then on.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../contracts/table';
import type { PlanName } from '../../contracts/plans';
import { clientKeyHashes, getClient, UnknownClientError, type ClientStore } from './client-store';
import { planChangeItem } from './plan-history';

/** API Gateway's usage-plan membership of keys (deployed stages only). */
export interface UsagePlanKeys {
  add(usagePlanId: string, keyId: string): Promise<void>;
  remove(usagePlanId: string, keyId: string): Promise<void>;
  readonly usagePlanIds: Record<PlanName, string>;
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
  const change = { clientId, before: client.plan as PlanName, after: plan, changedAt };
  if (client.plan === plan) return change;

  const { gateway } = options;
  const keyId = client.apiGatewayKeyId;
  if (gateway && keyId) {
    // A key may be in one usage plan per API stage, so it leaves the old plan before joining the new one.
    await gateway.remove(gateway.usagePlanIds[client.plan as PlanName], keyId);
    try {
      await gateway.add(gateway.usagePlanIds[plan], keyId);
    } catch (error) {
      await gateway.add(gateway.usagePlanIds[client.plan as PlanName], keyId);
      throw error;
    }
  }
  const update = {
    TableName: store.tableName,
    UpdateExpression: 'SET #plan = :plan, planChangedAt = :at',
    ConditionExpression: '#status = :active',
    ExpressionAttributeNames: { '#plan': 'plan', '#status': 'status' },
    ExpressionAttributeValues: { ':plan': plan, ':at': changedAt, ':active': 'active' },
  };
  await store.db.send(
    new TransactWriteCommand({
      TransactItems: [
        // Every key of the client, so a key still in its grace period (`keys rotate`) follows too.
        ...clientKeyHashes(client).map((hash) => ({ Update: { ...update, Key: itemKey.apiKey(hash) } })),
        { Update: { ...update, Key: itemKey.client(clientId) } },
        // The plan history: both plans were in force on the day of the change (statements list them).
        planChangeItem(store.tableName, clientId, changedAt.slice(0, 10), client.plan, plan),
      ],
    }),
  );
  return change;
}
