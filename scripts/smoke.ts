// `npm run smoke -- --stage dev|prod`: the client-visible contract suite (the one `npm test` runs
// against the twin) against a deployed stage, with a temporary client it creates and revokes.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { STAGES } from '../contracts/stages';
import { type Command, parseFlags, runCommand } from './support/cli';
import { chooseTarget, resolveTarget, stageChoice, stageTargetFromOutputs, TARGET_FLAGS } from './support/stage-target';
import { createKey, enforcePlanChange, revokeKey, type KeyTarget } from './support/key-admin';
import { formatResults, runContractSuite, type ContractTarget } from './support/contract-suite';
import { topUpClientCredits } from '../capabilities/customers/client-credits';
import { setClientOverride } from '../capabilities/customers/client-override';
import { apiGatewayClientUsagePlans } from '../capabilities/api-gateway/client-usage-plans';
import { overrideCaps } from '../contracts/overrides';
import { userInfo } from 'node:os';

const USAGE = `usage: npm run smoke -- --stage <dev|prod>
  --stage   the deployed stack MeteredApi-<stage> (after \`npx cdk deploy -c stage=<stage>\`), with your AWS credentials
The checks are listed in docs/contract-suite.md. Its temporary clients are created, overridden (keys override),
topped up (keys top-up) and revoked with your credentials, as npm run keys does; the monthly-allowance check sends
1,000 requests. Exits 1 when a check fails. On the twin, \`npm test\` runs the same suite.`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, TARGET_FLAGS);
  chooseTarget(values, ['stage']); // a usage error unless exactly `--stage <dev|prod>`
  const deployed = await resolveTarget(stageChoice(values.stage));
  const stage = stageTargetFromOutputs(deployed.outputs);
  const config = STAGES[deployed.stage];
  const db = new DynamoDBClient({});
  const gateway = new APIGatewayClient({});
  const keys: KeyTarget = {
    store: { db: DynamoDBDocumentClient.from(db), tableName: stage.tableName },
    gateway: { client: gateway, usagePlanIds: stage.usagePlanIds, restApiId: stage.restApiId, stageName: stage.stageName },
  };
  const target: ContractTarget = {
    baseUrl: stage.apiUrl,
    usageBatchWindowSeconds: config.usageBatchWindowSeconds,
    authorizerCacheTtlSeconds: config.authorizerCacheTtlSeconds,
    createClient: (plan, name) => createKey(keys, plan, name),
    revokeClient: async (clientId) => {
      await revokeKey(keys, clientId);
    },
    // The same use cases as `npm run keys -- top-up` and `npm run keys -- override` on the stage.
    topUpCredits: async (clientId, units) => {
      await topUpClientCredits(keys.store, { clientId, units, by: `smoke:${userInfo().username}`, now: new Date() });
    },
    setOverride: async (clientId, request) => {
      const usagePlans = apiGatewayClientUsagePlans(gateway, keys.gateway!);
      await setClientOverride(keys.store, clientId, request, { caps: overrideCaps(config.stageThrottle), gateway: usagePlans });
      await enforcePlanChange(keys, clientId);
    },
  };
  console.log(`contract suite against ${stage.apiUrl} (stage ${deployed.stage})`);
  try {
    const results = await runContractSuite(target);
    console.log(formatResults(results));
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    db.destroy();
    gateway.destroy();
  }
}

export const smokeCommand: Command = { name: 'smoke', usage: USAGE, run: main };

runCommand(smokeCommand, module);
