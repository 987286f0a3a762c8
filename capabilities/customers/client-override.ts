// Per-client overrides as one use case (the keys CLI today, the admin API later): checks the request against
// the caps, gives the client its own API Gateway usage plan on a deployed stage (the API stage, the plan's
// strict-route throttles, the override's throttle and daily quota) and moves its key there — a key may be in
// one usage plan per stage — putting it back on failure, then stores the override on the key and client
// records in one transaction. `keys set-plan` removes it (capabilities/customers/client-plan.ts).
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isGatePlan, type PlanName } from '../../contracts/plans';
import {
  resolveOverride,
  type OverrideCaps,
  type OverrideLimits,
  type OverrideProblem,
  type OverrideRequest,
} from '../../contracts/overrides';
import { CLIENT_ATTRIBUTES, itemKey } from '../../contracts/table';
import { ClientNotActiveError, type UsagePlanKeys } from './client-plan';
import { assertShardable, reshardGate } from '../gate/reshard';
import { gateLimitsInForce, overrideLimitsOf } from './limits-in-force';
import { type ClientOverride, type ClientRecord, type ClientStore, clientKeyHashes, getClient, UnknownClientError } from './client-store';

/** The API Gateway side of an override (deployed stages only): usage-plan membership plus client usage plans. */
export interface ClientUsagePlans extends UsagePlanKeys {
  /** Creates a usage plan for one client on the API stage: its plan's route throttles, these limits; returns its id. */
  createUsagePlan(clientId: string, plan: PlanName, limits: OverrideLimits): Promise<string>;
  deleteUsagePlan(usagePlanId: string): Promise<void>;
}

/** The client's record attribute holding its override. */
export const OVERRIDE_ATTRIBUTE = CLIENT_ATTRIBUTES.override;

export class InvalidOverrideError extends Error {
  constructor(readonly problems: readonly OverrideProblem[]) {
    super(problems.map((p) => (p.field === 'override' ? p.message : `${p.field} ${p.message}`)).join('; '));
    this.name = 'InvalidOverrideError';
  }
}

export interface OverrideChange {
  readonly clientId: string;
  readonly plan: PlanName;
  /** The override replaced, if any. */
  readonly before?: OverrideLimits;
  readonly after: OverrideLimits;
  readonly setAt: string;
  /** The client's usage plan (deployed stages). */
  readonly usagePlanId?: string;
  /** A replaced client usage plan that could not be deleted (empty, harmless; delete it by hand). */
  readonly leftoverUsagePlanId?: string;
}

/** The usage plan a client's key is in: its own when it has an override, else its plan's. */
export function usagePlanOf(client: Pick<ClientRecord, 'plan' | 'override'>, gateway: UsagePlanKeys): string {
  return client.override?.usagePlanId ?? gateway.usagePlanIds[client.plan];
}

/** Moves a key out of `from` (first: one usage plan per stage) into `to`; back into `from` when joining fails. */
export async function moveKey(gateway: UsagePlanKeys, keyId: string, from: string, to: string): Promise<void> {
  await gateway.remove(from, keyId);
  try {
    await gateway.add(to, keyId);
  } catch (error) {
    await gateway.add(from, keyId);
    throw error;
  }
}

/** Deletes a client usage plan no key is in any more; returns its id when that fails, so the caller can say so. */
async function deleteEmptiedPlan(gateway: ClientUsagePlans, usagePlanId: string): Promise<string | undefined> {
  try {
    await gateway.deleteUsagePlan(usagePlanId);
    return undefined;
  } catch {
    return usagePlanId;
  }
}

export async function setClientOverride(
  store: ClientStore,
  clientId: string,
  request: OverrideRequest,
  options: { readonly caps: OverrideCaps; readonly gateway?: ClientUsagePlans; readonly now?: Date },
): Promise<OverrideChange> {
  const client = await getClient(store, clientId);
  if (!client) throw new UnknownClientError(clientId);
  if (client.status !== 'active') throw new ClientNotActiveError(clientId);
  const resolved = resolveOverride(client.plan, request, options.caps);
  if ('problems' in resolved) throw new InvalidOverrideError(resolved.problems);
  const setAt = (options.now ?? new Date()).toISOString();
  const gated = isGatePlan(client.plan);
  if (gated) await assertShardable(store, clientId, gateLimitsInForce(client.plan, resolved.limits));

  // 1. API Gateway: a new usage plan with the override's limits, and the key moved into it.
  const { gateway } = options;
  const keyId = client.apiGatewayKeyId;
  let moved: { gateway: ClientUsagePlans; keyId: string; from: string; to: string } | undefined;
  if (gateway && keyId) {
    const from = usagePlanOf(client, gateway);
    const to = await gateway.createUsagePlan(clientId, client.plan, resolved.limits);
    try {
      await moveKey(gateway, keyId, from, to);
    } catch (error) {
      await gateway.deleteUsagePlan(to);
      throw error;
    }
    moved = { gateway, keyId, from, to };
  }

  // 2. The table: key and client records together, only while the client is active.
  const override: ClientOverride = { ...resolved.limits, setAt, ...(moved ? { usagePlanId: moved.to } : {}) };
  const update = {
    TableName: store.tableName,
    UpdateExpression: 'SET #override = :override',
    ConditionExpression: '#status = :active',
    ExpressionAttributeNames: { '#override': OVERRIDE_ATTRIBUTE, '#status': 'status' },
    ExpressionAttributeValues: { ':override': override, ':active': 'active' },
  };
  try {
    await store.db.send(
      new TransactWriteCommand({
        TransactItems: [
          // Every key of the client, so a key still in its grace period (`keys rotate`) carries the override too.
          ...clientKeyHashes(client).map((hash) => ({ Update: { ...update, Key: itemKey.apiKey(hash) } })),
          { Update: { ...update, Key: itemKey.client(clientId) } },
        ],
      }),
    );
  } catch (error) {
    if (moved) {
      await moveKey(moved.gateway, moved.keyId, moved.to, moved.from);
      await moved.gateway.deleteUsagePlan(moved.to);
    }
    throw error;
  }

  // 3. A gate-plan client's items split as its new limits call for (capabilities/gate/reshard.ts).
  if (gated) await reshardGate(store, clientId, gateLimitsInForce(client.plan, resolved.limits), new Date(setAt));

  // 4. A replaced override's usage plan is empty now.
  const replaced = client.override?.usagePlanId;
  const leftoverUsagePlanId = moved && replaced ? await deleteEmptiedPlan(moved.gateway, replaced) : undefined;
  return {
    clientId,
    plan: client.plan,
    ...(client.override ? { before: overrideLimitsOf(client.override) } : {}),
    after: resolved.limits,
    setAt,
    ...(moved ? { usagePlanId: moved.to } : {}),
    ...(leftoverUsagePlanId ? { leftoverUsagePlanId } : {}),
  };
}
