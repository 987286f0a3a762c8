// API Gateway's side of per-client overrides (`keys override`, `keys set-plan`, the admin API): a client's own usage plan on
// the API stage, with the same strict-route throttles as the plans, and the key membership of usage plans.
import {
  type APIGatewayClient,
  CreateUsagePlanCommand,
  type CreateUsagePlanCommandInput,
  DeleteUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { API_KEY_STAGE_TAG } from '../../contracts/deployment';
import type { OverrideLimits } from '../../contracts/overrides';
import type { PlanName } from '../../contracts/plans';
import { methodThrottleKey, usagePlanShape } from '../../contracts/usage-plan';
import { ENDPOINTS } from '../../contracts/routes/endpoints';
import type { RouteEndpoint } from '../../contracts/routes/route';
import type { ClientUsagePlans } from '../customers/client-override';
import { apiGatewayUsagePlanKeys } from './usage-plan-keys';

export interface ClientUsagePlanTarget {
  readonly usagePlanIds: Record<PlanName, string>;
  readonly restApiId: string;
  readonly stageName: string;
}

/** What CreateUsagePlan gets for a client on `plan` with an override: as the stack's plans, with the override's limits. */
export function clientUsagePlanInput(
  target: Omit<ClientUsagePlanTarget, 'usagePlanIds'>,
  clientId: string,
  plan: PlanName,
  limits: OverrideLimits,
  routes: readonly RouteEndpoint[] = ENDPOINTS,
): CreateUsagePlanCommandInput {
  const shape = usagePlanShape(plan, limits, routes);
  return {
    name: `metered-api-${target.stageName}-client-${clientId}`,
    description: `override for ${clientId}: ${limits.ratePerMinute} requests/minute, burst ${limits.burst}, ${limits.dailyQuota} requests/day`,
    throttle: shape.throttle,
    quota: shape.quota,
    apiStages: [
      {
        apiId: target.restApiId,
        stage: target.stageName,
        throttle: Object.fromEntries(shape.methodThrottles.map(({ route, throttle }) => [methodThrottleKey(route), throttle])),
      },
    ],
    // The admin function may change and delete only the usage plans carrying its stage's tag.
    tags: { [API_KEY_STAGE_TAG]: target.stageName },
  };
}

export function apiGatewayClientUsagePlans(client: APIGatewayClient, target: ClientUsagePlanTarget): ClientUsagePlans {
  return {
    ...apiGatewayUsagePlanKeys(client, target.usagePlanIds),
    async createUsagePlan(clientId, plan, limits) {
      const created = await client.send(new CreateUsagePlanCommand(clientUsagePlanInput(target, clientId, plan, limits)));
      if (!created.id) throw new Error(`API Gateway created no usage plan id for ${clientId}`);
      return created.id;
    },
    async deleteUsagePlan(usagePlanId) {
      await client.send(new DeleteUsagePlanCommand({ usagePlanId }));
    },
  };
}
