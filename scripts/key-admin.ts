// Creating and revoking clients on a deployed stage: the API Gateway key (attached to its plan's
// usage plan) and the hashed record in the table. Used by `npm run keys` and `npm run smoke`.
import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import type { PlanName } from '../contracts/plans';
import { generateApiKey } from '../lambdas/shared/api-keys';
import { createClient, revokeClient, type ClientStore } from '../lambdas/shared/client-store';

export interface KeyTarget {
  readonly store: ClientStore;
  /** Deployed stages: API Gateway keys and usage plans. */
  readonly gateway?: { readonly client: APIGatewayClient; readonly usagePlanIds: Record<PlanName, string> };
}

export async function createKey(target: KeyTarget, plan: PlanName, name: string) {
  if (!target.gateway) return createClient(target.store, { plan, name });
  // Deployed: API Gateway must know the key value (usageIdentifierKey → usage plan), so the key is
  // made here, registered, attached to its plan, and only then recorded by hash.
  const apiKey = generateApiKey();
  const { id } = await target.gateway.client.send(new CreateApiKeyCommand({ name: `${name}-${Date.now()}`, enabled: true, value: apiKey }));
  try {
    await target.gateway.client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: target.gateway.usagePlanIds[plan], keyId: id, keyType: 'API_KEY' }),
    );
    return await createClient(target.store, { plan, name, apiKey, apiGatewayKeyId: id });
  } catch (error) {
    await target.gateway.client.send(new DeleteApiKeyCommand({ apiKey: id })).catch(() => undefined);
    throw error;
  }
}

export async function revokeKey(target: KeyTarget, clientId: string) {
  const revoked = await revokeClient(target.store, clientId);
  if (target.gateway && revoked.apiGatewayKeyId) {
    await target.gateway.client.send(
      new UpdateApiKeyCommand({ apiKey: revoked.apiGatewayKeyId, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }),
    );
  }
  return revoked;
}
