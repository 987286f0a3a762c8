// Key management: `npm run keys -- create|list|revoke … (--local | --stage dev|prod)`.
// The key value is printed once, at creation, and never stored or shown again.
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  FlushStageAuthorizersCacheCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { isPlanName, PLAN_NAMES, type PlanName } from '../contracts/plans';
import { generateUsageIdentifier } from '../lambdas/shared/api-keys';
import { createClient, listClients, revokeClient, type ClientRecord, type ClientStore } from '../lambdas/shared/client-store';
import { TWIN_REVOCATIONS_PATH } from '../local/gateway/revocations';
import { readTwinState, twinClientConfig, type TwinState } from '../local/state-file';
import { stackOutputs } from './stack-outputs';

const USAGE = `usage:
  npm run keys -- create --plan <${PLAN_NAMES.join('|')}> --name <name> [--json] (--local | --stage <dev|prod>)
  npm run keys -- list [--json] (--local | --stage <dev|prod>)
  npm run keys -- revoke <clientId> (--local | --stage <dev|prod>)
--local uses the twin started with the same PORT (default 3000); --stage uses the deployed stack MeteredApi-<stage>.`;

class UsageError extends Error {}

interface Target {
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

async function targetFrom(values: { local?: boolean; stage?: string }): Promise<Target> {
  if (values.local && values.stage) throw new UsageError('choose one of --local and --stage');
  if (values.local) {
    const state = readTwinState();
    return {
      store: { db: DynamoDBDocumentClient.from(new DynamoDBClient(twinClientConfig(state, 'dynamodb'))), tableName: state.tableName },
      twin: state,
    };
  }
  if (values.stage) {
    const outputs = await stackOutputs(values.stage);
    const usagePlanIds = Object.fromEntries(
      PLAN_NAMES.map((plan) => [plan, outputs[`UsagePlanId${plan[0].toUpperCase()}${plan.slice(1)}`]]),
    ) as Record<PlanName, string>;
    return {
      store: { db: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName: outputs.TableName },
      gateway: { client: new APIGatewayClient({}), usagePlanIds, restApiId: outputs.RestApiId, stageName: outputs.StageName },
    };
  }
  throw new UsageError('say where: --local (the twin on PORT) or --stage <dev|prod> (a deployed stack)');
}

async function create(target: Target, plan: PlanName, name: string) {
  if (!target.gateway) return createClient(target.store, { plan, name });
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
    return await createClient(target.store, { plan, name, usageKey, apiGatewayKeyId: id });
  } catch (error) {
    await target.gateway.client.send(new DeleteApiKeyCommand({ apiKey: id })).catch(() => undefined);
    throw error;
  }
}

/** Makes a revocation effective now: disable the usage key and drop cached authorizer results. */
async function enforceRevocation(target: Target, revoked: ClientRecord): Promise<void> {
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

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      plan: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean' },
      local: { type: 'boolean' },
      stage: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }

  switch (command) {
    case 'create': {
      if (!values.plan || !isPlanName(values.plan))
        throw new UsageError(`--plan must be one of ${PLAN_NAMES.join(', ')}, got ${JSON.stringify(values.plan ?? '')}`);
      const name = values.name?.trim();
      if (!name || name.length > 64) throw new UsageError('--name is required (1–64 characters)');
      const target = await targetFrom(values);
      const created = await create(target, values.plan, name);
      if (values.json) console.log(JSON.stringify({ apiKey: created.apiKey, clientId: created.clientId, plan: created.plan }));
      else console.log(`created client ${created.clientId} on plan ${created.plan}\napi key (shown once, store it now): ${created.apiKey}`);
      return;
    }
    case 'list': {
      let skipped = 0;
      const clients = await listClients((await targetFrom(values)).store, (bad) => {
        skipped++;
        console.error(`keys: skipped a malformed client record (${bad.sk}: ${bad.fields.join(', ')})`);
      });
      if (skipped > 0) console.error(`keys: ${skipped} malformed client record(s) skipped`);
      // Usage keys and API Gateway ids are plumbing, not for display.
      if (values.json) console.log(JSON.stringify(clients.map(({ usageKey: _u, apiGatewayKeyId: _g, ...shown }) => shown)));
      else console.table(clients.map(({ clientId, name, plan, status, createdAt }) => ({ clientId, name, plan, status, createdAt })));
      return;
    }
    case 'revoke': {
      const clientId = rest[0];
      if (!clientId) throw new UsageError('revoke needs a clientId: npm run keys -- revoke <clientId> --local');
      const target = await targetFrom(values);
      const revoked = await revokeClient(target.store, clientId);
      await enforceRevocation(target, revoked);
      console.log(`revoked ${clientId}: its key is refused from now on (usage key disabled, authorizer cache flushed)`);
      return;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`keys: ${error.message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exit(error instanceof UsageError ? 2 : 1);
});
