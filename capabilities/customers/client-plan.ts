// Moves a client to another plan: on a deployed stage its API Gateway key leaves the old usage plan and
// joins the new one (put back on failure), then the key and client records change in one transaction.
// The authorizer reads the plan on its next cache miss, so analytics and limits follow from then on.
// A client with an override (client-override.ts) leaves its own usage plan instead, which is then deleted.
// Across admissions (docs/plans.md "Moving between admissions"): onto a gate plan, the gate item is seeded with the
// units already counted today and this month, and the API Gateway key leaves its usage plan without joining the
// pool's; onto a gateway plan, a client without an API Gateway key gets one registered on the new plan's usage plan.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../contracts/table';
import { utcDay } from '../../contracts/usage-event-id';
import { isGatePlan, type PlanName } from '../../contracts/plans';
import { type GateSeed, seedGate } from '../gate/gate-seed';
import { assertShardable, reshardGate } from '../gate/reshard';
import { dynamoUsageReader } from '../usage/usage-reader';
import { clientKeyHashes, getClient, UnknownClientError, type ClientStore } from './client-store';
import { gateLimitsInForce, overrideLimitsOf } from './limits-in-force';
import { planChangeItem } from './plan-history';

/** API Gateway's usage-plan membership of keys (deployed stages only). */
export interface UsagePlanKeys {
  add(usagePlanId: string, keyId: string): Promise<void>;
  remove(usagePlanId: string, keyId: string): Promise<void>;
  readonly usagePlanIds: Record<PlanName, string>;
  /** Deletes a client's own usage plan once its key has left it (client-override.ts). */
  deleteUsagePlan?(usagePlanId: string): Promise<void>;
}

/** `KeyGateway.registerUsageKey` (key-gateway-port.ts), spelled out here: the port already depends on this file. */
export interface UsageKeyRegistrar {
  registerUsageKey(plan: PlanName, name: string): Promise<{ usageKey: string; apiGatewayKeyId?: string; discard(): Promise<void> }>;
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
  /** Onto a gate plan from a gateway plan: the units the gate starts from today and this month. */
  readonly gateSeed?: GateSeed;
  /** Onto a gateway plan, for a client that had no API Gateway key: the one registered for it. */
  readonly registeredKeyId?: string;
}

export async function setClientPlan(
  store: ClientStore,
  clientId: string,
  plan: PlanName,
  options: {
    readonly gateway?: UsagePlanKeys;
    /** Registers a usage key for a client moving onto a gateway plan without one (API Gateway, or the twin's). */
    readonly keys?: UsageKeyRegistrar;
    readonly now?: Date;
  } = {},
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
  const fromGate = isGatePlan(client.plan);
  const toGate = isGatePlan(plan);
  // Onto the gate: it starts from what the client already used (before the table says gate, so no admission races it).
  if (toGate) await assertShardable(store, clientId, gateLimitsInForce(plan));
  const gateSeed =
    toGate && !fromGate ? await seedGate(store, dynamoUsageReader(store, { consistent: true }), clientId, new Date(changedAt)) : undefined;
  // Onto a gateway plan without an API Gateway key (created on a gate plan): register one on the new plan's usage plan.
  const registered = !toGate && fromGate && !client.apiGatewayKeyId ? await options.keys?.registerUsageKey(plan, client.name) : undefined;
  const keyId = client.apiGatewayKeyId;
  if (gateway && keyId) {
    // A key may be in one usage plan per API stage, so it leaves the old plan before joining the new one.
    // With an override, the key is in the client's own usage plan. A gate plan's usage plan holds only its pool
    // keys: a client's own key neither leaves it (it was never in it) nor joins it.
    const from = fromGate ? undefined : (override?.usagePlanId ?? gateway.usagePlanIds[client.plan as PlanName]);
    if (from) await gateway.remove(from, keyId);
    try {
      if (!toGate) await gateway.add(gateway.usagePlanIds[plan], keyId);
    } catch (error) {
      if (from) await gateway.add(from, keyId);
      throw error;
    }
  }
  const keySet = registered ? `, usageKey = :usageKey${registered.apiGatewayKeyId ? ', apiGatewayKeyId = :keyId' : ''}` : '';
  const update = {
    TableName: store.tableName,
    UpdateExpression: `SET #plan = :plan, planChangedAt = :at${keySet} REMOVE #override`,
    ConditionExpression: '#status = :active',
    ExpressionAttributeNames: { '#plan': 'plan', '#status': 'status', '#override': 'override' },
    ExpressionAttributeValues: {
      ':plan': plan,
      ':at': changedAt,
      ':active': 'active',
      ...(registered ? { ':usageKey': registered.usageKey } : {}),
      ...(registered?.apiGatewayKeyId ? { ':keyId': registered.apiGatewayKeyId } : {}),
    },
  };
  try {
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
  } catch (error) {
    // The table did not change: the key registered for it would be an orphan.
    await registered?.discard().catch(() => undefined);
    throw error;
  }
  // On the gate: its items split as the new limits call for (an override removed may unshard it).
  if (toGate) await reshardGate(store, clientId, gateLimitsInForce(plan), new Date(changedAt));
  // The override's usage plan holds no key now.
  const result: PlanChange = {
    ...change,
    ...(gateSeed ? { gateSeed } : {}),
    ...(registered?.apiGatewayKeyId ? { registeredKeyId: registered.apiGatewayKeyId } : {}),
  };
  const emptied = gateway && keyId ? override?.usagePlanId : undefined;
  if (emptied) {
    const deleted = gateway?.deleteUsagePlan
      ? await gateway.deleteUsagePlan(emptied).then(
          () => true,
          () => false,
        )
      : false;
    if (!deleted) return { ...result, leftoverUsagePlanId: emptied };
  }
  return result;
}
