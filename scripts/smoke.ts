// `npm run smoke -- --stage dev|prod`: the client-visible contract suite (the one `npm test` runs
// against the twin) against a deployed stage, with a temporary client it creates and revokes.
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { STAGES, type StageName } from '../contracts/stages';
import { stackOutputs } from './support/stack-outputs';
import { stageTargetFromOutputs } from './support/stage-target';
import { createKey, revokeKey, type KeyTarget } from './support/key-admin';
import { formatResults, runContractSuite, type ContractTarget } from './support/contract-suite';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { stage: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || !values.stage) {
    console.log('usage: npm run smoke -- --stage <dev|prod>   (after `npx cdk deploy -c stage=<stage>`, with AWS credentials)');
    return values.help ? 0 : 2;
  }
  const stage = stageTargetFromOutputs(await stackOutputs(values.stage));
  const config = STAGES[values.stage as StageName];
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
  };
  console.log(`contract suite against ${stage.apiUrl} (stage ${values.stage})`);
  try {
    const results = await runContractSuite(target);
    console.log(formatResults(results));
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    db.destroy();
    gateway.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`smoke: ${error.message}`);
    process.exit(1);
  },
);
