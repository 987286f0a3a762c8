// The keys CLI's adapter to the shared key use cases (capabilities/customers/key-admin.ts): on a deployed stage the
// gateway is API Gateway; on the twin, its management routes (usage keys under CreateApiKey's limits, revocations,
// cache flushes), called with the admin token of its state file. Used by `npm run keys` and `npm run smoke`.
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { PlanName } from '../../contracts/plans';
import { generateUsageIdentifier } from '../../capabilities/customers/api-keys';
import type { ClientStore, RevokedClient } from '../../capabilities/customers/client-store';
import {
  createKey as createSharedKey,
  revokeKey as revokeSharedKey,
  rotateKey as rotateSharedKey,
} from '../../capabilities/customers/key-admin';
import { apiGatewayKeys } from '../../capabilities/api-gateway/key-gateway';
import type { KeyGateway } from '../../capabilities/customers/key-gateway-port';
import type { RotatedKey, RotationOptions } from '../../capabilities/customers/key-rotation';
import { TWIN_REVOCATIONS_PATH } from '../../local/gateway/revocations';
import { TWIN_PLAN_CHANGES_PATH } from '../../local/gateway/plan-changes';
import { TWIN_API_KEYS_PATH } from '../../local/gateway/api-key-route';
import { apiGatewayError } from '../../local/gateway/api-keys';
import type { TwinState } from '../../local/state-file';

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

export function createKey(target: KeyTarget, plan: PlanName, name: string, options: { keyExpiresAt?: Date } = {}) {
  return createSharedKey({ store: target.store, gateway: keyGatewayOf(target) }, plan, name, options);
}

/** Revokes a client and makes it effective now: disable the usage key and drop cached authorizer results. */
export function revokeKey(target: KeyTarget, clientId: string): Promise<RevokedClient> {
  return revokeSharedKey({ store: target.store, gateway: keyGatewayOf(target) }, clientId);
}

/** Rotates a client's key (same client, plan and usage identifier); a grace of 0 refuses the old key now. */
export function rotateKey(target: KeyTarget, clientId: string, options: RotationOptions): Promise<RotatedKey> {
  return rotateSharedKey({ store: target.store, gateway: keyGatewayOf(target) }, clientId, options);
}

export function keyGatewayOf(target: KeyTarget): KeyGateway | undefined {
  if (target.gateway) return apiGatewayKeys(target.gateway);
  if (target.twin) return twinRevocations(target.twin);
  return undefined;
}

/** A management request to the twin: JSON, with the admin token of its state file. */
function postToTwin(twin: TwinState, path: string, body: unknown, method = 'POST'): Promise<Response> {
  return fetch(`${twin.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(twin.adminToken ? { authorization: `Bearer ${twin.adminToken}` } : {}) },
    body: JSON.stringify(body),
  });
}

/** The twin from another process: usage keys are created in its gateway (CreateApiKey's limits); revocations and plan changes go to its management routes. */
function twinRevocations(twin: TwinState): KeyGateway {
  return {
    async registerUsageKey() {
      const usageKey = generateUsageIdentifier();
      const response = await postToTwin(twin, TWIN_API_KEYS_PATH, { value: usageKey }).catch(() => undefined);
      if (!response) throw new Error('the twin is not reachable: no usage key was created');
      if (response.status === 429) {
        // API Gateway's refusal, as the SDK raises it on a deployed stage.
        const name = response.headers.get('x-amzn-errortype');
        const problem = (await response.json()) as { detail?: string };
        throw apiGatewayError(
          name === 'TooManyRequestsException' ? 'TooManyRequestsException' : 'LimitExceededException',
          problem.detail ?? 'Too Many Requests',
          response.headers.get('retry-after') ?? undefined,
        );
      }
      if (!response.ok) throw new Error(`the twin did not create the usage key (HTTP ${response.status})`);
      return {
        usageKey,
        discard: async () => {
          await postToTwin(twin, TWIN_API_KEYS_PATH, { value: usageKey }, 'DELETE');
        },
      };
    },
    async enforceRevocation(revoked) {
      const response = await postToTwin(twin, TWIN_REVOCATIONS_PATH, { clientId: revoked.clientId, usageKey: revoked.usageKey });
      if (!response.ok)
        throw new Error(`the twin did not apply the revocation (HTTP ${response.status}); it takes effect when its cache expires`);
    },
    async flushAuthorizerCache(clientId) {
      await postPlanChange(twin, clientId);
    },
  };
}

/**
 * After `set-plan`: cached authorizer results still carry the old plan (its routes, and the plan in every
 * usage event), so they are dropped and the new plan applies from the next request.
 */
export async function enforcePlanChange(target: KeyTarget, clientId: string): Promise<void> {
  await keyGatewayOf(target)?.flushAuthorizerCache(clientId);
}

async function postPlanChange(twin: TwinState, clientId: string): Promise<void> {
  const response = await postToTwin(twin, TWIN_PLAN_CHANGES_PATH, { clientId }).catch(() => undefined);
  if (!response) throw new Error('the twin is not reachable; the plan change takes effect when its authorizer cache expires');
  if (!response.ok)
    throw new Error(`the twin did not apply the plan change (HTTP ${response.status}); it takes effect when its cache expires`);
}
