// Creating and revoking clients, the use cases `npm run keys` and the admin API share: the usage identifier
// registered with the gateway, the hashed key record in the table, and a revocation made effective at once.
import { isGatePlan, type PlanName } from '../../contracts/plans';
import { type ClientStore, type CreatedClient, createClient, type RevokedClient, revokeClient } from './client-store';
import type { KeyGateway } from './key-gateway-port';
import { type RotatedKey, type RotationOptions, rotateClientKey } from './key-rotation';

export interface KeyAdminTarget {
  readonly store: ClientStore;
  /** Where keys are enforced; absent when only the table matters (tests, a bare DynamoDB). */
  readonly gateway?: KeyGateway;
}

export async function createKey(
  target: KeyAdminTarget,
  plan: PlanName,
  name: string,
  options: { readonly keyExpiresAt?: Date } = {},
): Promise<CreatedClient> {
  const { keyExpiresAt } = options;
  // A gate plan's client gets no API Gateway key of its own: it shares its plan's pool keys (docs/scale.md).
  if (!target.gateway || isGatePlan(plan)) return createClient(target.store, { plan, name, keyExpiresAt });
  const registered = await target.gateway.registerUsageKey(plan, name);
  try {
    return await createClient(target.store, {
      plan,
      name,
      usageKey: registered.usageKey,
      apiGatewayKeyId: registered.apiGatewayKeyId,
      keyExpiresAt,
    });
  } catch (error) {
    await registered.discard().catch(() => undefined);
    throw error;
  }
}

/** Revokes a client in the table, then makes it effective now (usage key disabled, cached authorizer results dropped). */
export async function revokeKey(target: KeyAdminTarget, clientId: string, now?: Date): Promise<RevokedClient> {
  const revoked = await revokeClient(target.store, clientId, now);
  await target.gateway?.enforceRevocation(revoked);
  return revoked;
}

/**
 * Rotates a client's key. The usage identifier stays, so API Gateway needs no change; only a grace of 0
 * drops cached authorizer results, so the old key is refused now rather than within the cache TTL.
 */
export async function rotateKey(target: KeyAdminTarget, clientId: string, options: RotationOptions): Promise<RotatedKey> {
  const rotated = await rotateClientKey(target.store, clientId, options);
  if (options.graceMs === 0) await target.gateway?.enforceRevocation({ clientId });
  return rotated;
}
