// Creating and revoking clients, the use cases `npm run keys` and the admin API share: the usage identifier
// registered with the gateway, the hashed key record in the table, and a revocation made effective at once.
import type { PlanName } from '../../contracts/plans';
import { type ClientRecord, type ClientStore, type CreatedClient, createClient, revokeClient } from './client-store';
import type { KeyGateway } from './key-gateway';

export interface KeyAdminTarget {
  readonly store: ClientStore;
  /** Where keys are enforced; absent when only the table matters (tests, a bare DynamoDB). */
  readonly gateway?: KeyGateway;
}

export async function createKey(target: KeyAdminTarget, plan: PlanName, name: string): Promise<CreatedClient> {
  if (!target.gateway) return createClient(target.store, { plan, name });
  const registered = await target.gateway.registerUsageKey(plan, name);
  try {
    return await createClient(target.store, { plan, name, usageKey: registered.usageKey, apiGatewayKeyId: registered.apiGatewayKeyId });
  } catch (error) {
    await registered.discard().catch(() => undefined);
    throw error;
  }
}

/** Revokes a client in the table, then makes it effective now (usage key disabled, cached authorizer results dropped). */
export async function revokeKey(target: KeyAdminTarget, clientId: string, now?: Date): Promise<ClientRecord> {
  const revoked = await revokeClient(target.store, clientId, now);
  await target.gateway?.enforceRevocation(revoked);
  return revoked;
}
