// Creating and revoking clients on the twin or a deployed stage: the usage identifier registered with
// API Gateway (attached to its plan's usage plan), the hashed key record in the table, and a revocation made
// effective at once. Used by `npm run keys` and `npm run smoke`.
import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  FlushStageAuthorizersCacheCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import type { PlanName } from '../contracts/plans';
import { generateUsageIdentifier } from '../lambdas/shared/api-keys';
import { type ClientStore, createClient, type RevokedClient, revokeClient } from '../lambdas/shared/client-store';
import { type RotatedKey, type RotationOptions, rotateClientKey } from '../lambdas/shared/key-rotation';
import { TWIN_REVOCATIONS_PATH } from '../local/gateway/revocations';
import { TWIN_PLAN_CHANGES_PATH } from '../local/gateway/plan-changes';
import type { TwinState } from '../local/state-file';

export interface KeyTarget {
  readonly store: ClientStore;
  /** Deployed stages: API Gateway keys, usage plans and the stage whose authorizer cache is flushed. */
  readonly gateway?: {
    readonly client: APIGatewayClient;
    readonly usagePlanIds: Record<PlanName, string>;
    readonly restApiId: string;
    readonly stageName: string;
  };
  /** The twin: its gateway emulator is told of revocations. */
  readonly twin?: TwinState;
}

export async function createKey(target: KeyTarget, plan: PlanName, name: string, options: { keyExpiresAt?: Date } = {}) {
  const { keyExpiresAt } = options;
  if (!target.gateway) return createClient(target.store, { plan, name, keyExpiresAt });
  // Deployed: API Gateway gets an independent usage identifier (the authorizer's usageIdentifierKey),
  // never the client's secret, which exists only in this command's output.
  const usageKey = generateUsageIdentifier();
  const { id } = await target.gateway.client.send(
    new CreateApiKeyCommand({ name: `${name}-${Date.now()}`, enabled: true, value: usageKey }),
  );
  try {
    await target.gateway.client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: target.gateway.usagePlanIds[plan], keyId: id, keyType: 'API_KEY' }),
    );
    return await createClient(target.store, { plan, name, usageKey, apiGatewayKeyId: id, keyExpiresAt });
  } catch (error) {
    await target.gateway.client.send(new DeleteApiKeyCommand({ apiKey: id })).catch(() => undefined);
    throw error;
  }
}

/** Revokes a client and makes it effective now: disable the usage key and drop cached authorizer results. */
export async function revokeKey(target: KeyTarget, clientId: string): Promise<RevokedClient> {
  const revoked = await revokeClient(target.store, clientId);
  await enforceRevocation(target, revoked);
  return revoked;
}

/**
 * Rotates a client's key. The usage identifier stays, so API Gateway needs no change; only a grace of 0
 * drops cached authorizer results, so the old key is refused now rather than within the cache TTL.
 */
export async function rotateKey(target: KeyTarget, clientId: string, options: RotationOptions): Promise<RotatedKey> {
  const rotated = await rotateClientKey(target.store, clientId, options);
  if (options.graceMs === 0) await enforceRevocation(target, { clientId });
  return rotated;
}

/** Disables the usage key (when given) and drops cached authorizer results. */
async function enforceRevocation(
  target: KeyTarget,
  revoked: { readonly clientId: string; readonly usageKey?: string; readonly apiGatewayKeyId?: string },
): Promise<void> {
  if (target.gateway) {
    if (revoked.apiGatewayKeyId) {
      await target.gateway.client.send(
        new UpdateApiKeyCommand({
          apiKey: revoked.apiGatewayKeyId,
          patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
        }),
      );
    }
    await target.gateway.client.send(
      new FlushStageAuthorizersCacheCommand({ restApiId: target.gateway.restApiId, stageName: target.gateway.stageName }),
    );
  }
  if (target.twin) {
    const response = await fetch(`${target.twin.baseUrl}${TWIN_REVOCATIONS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: revoked.clientId, usageKey: revoked.usageKey }),
    });
    if (!response.ok)
      throw new Error(`the twin did not apply the revocation (HTTP ${response.status}); it takes effect when its cache expires`);
  }
}

/**
 * After `set-plan`: cached authorizer results still carry the old plan (its routes, and the plan in every
 * usage event), so they are dropped and the new plan applies from the next request.
 */
export async function enforcePlanChange(target: KeyTarget, clientId: string): Promise<void> {
  if (target.gateway) {
    await target.gateway.client.send(
      new FlushStageAuthorizersCacheCommand({ restApiId: target.gateway.restApiId, stageName: target.gateway.stageName }),
    );
  }
  if (target.twin) {
    const response = await fetch(`${target.twin.baseUrl}${TWIN_PLAN_CHANGES_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId }),
    }).catch(() => undefined);
    if (!response) throw new Error('the twin is not reachable; the plan change takes effect when its authorizer cache expires');
    if (!response.ok)
      throw new Error(`the twin did not apply the plan change (HTTP ${response.status}); it takes effect when its cache expires`);
  }
}
