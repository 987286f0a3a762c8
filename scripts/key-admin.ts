// The keys CLI's adapter to the shared key use cases (lambdas/shared/key-admin.ts): on a deployed stage the
// gateway is API Gateway; on the twin, revocations are applied through its loopback revocation route.
// Used by `npm run keys` and `npm run smoke`.
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { PlanName } from '../contracts/plans';
import { generateUsageIdentifier } from '../lambdas/shared/api-keys';
import type { ClientRecord, ClientStore } from '../lambdas/shared/client-store';
import { createKey as createSharedKey, revokeKey as revokeSharedKey } from '../lambdas/shared/key-admin';
import { apiGatewayKeys, type KeyGateway } from '../lambdas/shared/key-gateway';
import { TWIN_REVOCATIONS_PATH } from '../local/gateway/revocations';
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

export function createKey(target: KeyTarget, plan: PlanName, name: string) {
  return createSharedKey({ store: target.store, gateway: keyGatewayOf(target) }, plan, name);
}

/** Revokes a client and makes it effective now: disable the usage key and drop cached authorizer results. */
export function revokeKey(target: KeyTarget, clientId: string): Promise<ClientRecord> {
  return revokeSharedKey({ store: target.store, gateway: keyGatewayOf(target) }, clientId);
}

function keyGatewayOf(target: KeyTarget): KeyGateway | undefined {
  if (target.gateway) return apiGatewayKeys(target.gateway);
  if (target.twin) return twinRevocations(target.twin);
  return undefined;
}

/** The twin from another process: usage identifiers need no registration; revocations go to its loopback route. */
function twinRevocations(twin: TwinState): KeyGateway {
  return {
    async registerUsageKey() {
      return { usageKey: generateUsageIdentifier(), discard: async () => undefined };
    },
    async enforceRevocation(revoked) {
      const response = await fetch(`${twin.baseUrl}${TWIN_REVOCATIONS_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: revoked.clientId, usageKey: revoked.usageKey }),
      });
      if (!response.ok)
        throw new Error(`the twin did not apply the revocation (HTTP ${response.status}); it takes effect when its cache expires`);
    },
    async flushAuthorizerCache() {
      // This twin has no route for it from another process: cached results expire with the cache TTL.
    },
  };
}
