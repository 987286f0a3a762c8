// API Gateway's adapter of the key port (capabilities/customers/key-gateway-port.ts), shared by the keys CLI and the
// admin Lambda: register a new client's usage identifier on its plan's usage plan, make a revocation effective at
// once (disable the usage key, flush the stage's authorizer cache), and move a key between usage plans.
import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  FlushStageAuthorizersCacheCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { PLAN_NAMES, type PlanName } from '../../contracts/plans';
import { API_KEY_STAGE_TAG, usagePlanName } from '../../contracts/deployment';
import { generateUsageIdentifier } from '../customers/api-keys';
import type { KeyGateway } from '../customers/key-gateway-port';
import { apiGatewayClientUsagePlans } from './client-usage-plans';
import { apiGatewayUsagePlanKeys } from './usage-plan-keys';

export interface ApiGatewayStage {
  readonly client: APIGatewayClient;
  readonly usagePlanIds: Record<PlanName, string>;
  readonly restApiId: string;
  readonly stageName: string;
}

/** One step of making a revocation effective: done, not needed (no API Gateway key), or its error. */
export type StepOutcome = 'done' | 'no-key' | Error;

async function outcomeOf(step: () => Promise<unknown>): Promise<StepOutcome> {
  try {
    await step();
    return 'done';
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

const described = (outcome: StepOutcome, done: string) =>
  outcome === 'done' ? done : outcome === 'no-key' ? 'no API Gateway key to disable' : `failed (${outcome.name}: ${outcome.message})`;

/**
 * A revocation stored in the table that API Gateway does not fully enforce yet: says what happened to each step
 * (the key disabled? the authorizer cache flushed?). Until both are done the key may work until the cache TTL ends.
 */
export class RevocationNotEnforcedError extends Error {
  constructor(
    readonly clientId: string,
    readonly keyDisabled: StepOutcome,
    readonly cacheFlushed: StepOutcome,
  ) {
    super(
      `${clientId} is revoked in the table, but API Gateway does not enforce it yet: usage key ${described(keyDisabled, 'disabled')}; ` +
        `authorizer cache ${described(cacheFlushed, 'flushed')}. Run the revocation again.`,
    );
    this.name = 'RevocationNotEnforcedError';
  }
}

/** The port on a deployed stage: API Gateway's keys, usage plans and authorizer cache. */
export function apiGatewayKeys(stage: ApiGatewayStage): KeyGateway {
  const { client } = stage;
  const flush = async () => {
    await client.send(new FlushStageAuthorizersCacheCommand({ restApiId: stage.restApiId, stageName: stage.stageName }));
  };
  return {
    // The stage's whole cache: API Gateway cannot drop one principal's entries.
    flushAuthorizerCache: flush,
    usagePlanKeys: apiGatewayUsagePlanKeys(client, stage.usagePlanIds),
    clientUsagePlans: apiGatewayClientUsagePlans(client, stage),
    async registerUsageKey(plan, name) {
      // An independent usage identifier, never the client's secret, which exists only in the create answer.
      const usageKey = generateUsageIdentifier();
      const { id } = await client.send(
        new CreateApiKeyCommand({
          name: `${name}-${Date.now()}`,
          enabled: true,
          value: usageKey,
          tags: { [API_KEY_STAGE_TAG]: stage.stageName },
        }),
      );
      const discard = async () => {
        await client.send(new DeleteApiKeyCommand({ apiKey: id }));
      };
      try {
        await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: stage.usagePlanIds[plan], keyId: id, keyType: 'API_KEY' }));
      } catch (error) {
        await discard().catch(() => undefined);
        throw error;
      }
      return { usageKey, apiGatewayKeyId: id, discard };
    },
    async enforceRevocation(revoked) {
      // Both steps run whatever the other does: a key that stays enabled must not also keep its cached Allow.
      let keyDisabled: StepOutcome = 'no-key';
      let cacheFlushed: StepOutcome = 'done';
      try {
        if (revoked.apiGatewayKeyId) {
          keyDisabled = await outcomeOf(() =>
            client.send(
              new UpdateApiKeyCommand({
                apiKey: revoked.apiGatewayKeyId,
                patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
              }),
            ),
          );
        }
      } finally {
        cacheFlushed = await outcomeOf(flush);
      }
      if (keyDisabled instanceof Error || cacheFlushed instanceof Error)
        throw new RevocationNotEnforcedError(revoked.clientId, keyDisabled, cacheFlushed);
    },
  };
}

/**
 * The stage's usage plan per plan, found by name and API stage. The admin Lambda looks them up once per
 * execution environment: the plans depend on the stage, the stage on the methods and the methods on the
 * function, so the stack cannot hand their ids to the function's environment.
 */
export async function findUsagePlanIds(client: APIGatewayClient, restApiId: string, stageName: string): Promise<Record<PlanName, string>> {
  const found: Partial<Record<PlanName, string>> = {};
  let position: string | undefined;
  do {
    const page = await client.send(new GetUsagePlansCommand({ position, limit: 500 }));
    for (const usagePlan of page.items ?? []) {
      const plan = PLAN_NAMES.find((p) => usagePlanName(stageName, p) === usagePlan.name);
      const onThisStage = usagePlan.apiStages?.some((s) => s.apiId === restApiId && s.stage === stageName);
      if (plan && onThisStage && usagePlan.id) found[plan] = usagePlan.id;
    }
    position = page.position;
  } while (position);
  const missing = PLAN_NAMES.filter((plan) => !found[plan]);
  if (missing.length > 0) throw new Error(`no usage plan on ${restApiId}/${stageName} for plan(s): ${missing.join(', ')}`);
  return found as Record<PlanName, string>;
}
