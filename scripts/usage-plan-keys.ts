// API Gateway's usage-plan membership of keys, for `keys set-plan` on a deployed stage.
import { type APIGatewayClient, CreateUsagePlanKeyCommand, DeleteUsagePlanKeyCommand } from '@aws-sdk/client-api-gateway';
import type { PlanName } from '../contracts/plans';
import type { UsagePlanKeys } from '../lambdas/shared/client-plan';

export function apiGatewayUsagePlanKeys(client: APIGatewayClient, usagePlanIds: Record<PlanName, string>): UsagePlanKeys {
  return {
    usagePlanIds,
    async add(usagePlanId, keyId) {
      await client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' }));
    },
    async remove(usagePlanId, keyId) {
      await client.send(new DeleteUsagePlanKeyCommand({ usagePlanId, keyId }));
    },
  };
}
