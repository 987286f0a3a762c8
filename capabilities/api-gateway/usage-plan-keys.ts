// API Gateway's usage-plan membership of keys (add a key to a plan, take it out): the port plan changes use on a
// deployed stage, shared by the key adapter (key-gateway.ts) and the per-client usage plans (client-usage-plans.ts).
import { type APIGatewayClient, CreateUsagePlanKeyCommand, DeleteUsagePlanKeyCommand } from '@aws-sdk/client-api-gateway';
import type { PlanName } from '../../contracts/plans';
import type { UsagePlanKeys } from '../customers/client-plan';

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
