// The admin API on the twin: the shared admin router with the twin's table, its gateway emulator as the key
// gateway (usage keys counted and rate-limited as API Gateway's, revocations in effect at once) and a JSON-lines
// audit file; served on the gateway's port.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { generateUsageIdentifier } from '../../capabilities/customers/api-keys';
import { runAs } from '../iam/caller-identity';
import { listClients } from '../../capabilities/customers/client-store';
import type { KeyGateway } from '../../capabilities/customers/key-gateway-port';
import { dynamoUsageReader } from '../../capabilities/usage/usage-reader';
import type { ApiKeys } from '../gateway/api-keys';
import type { RequestAuthorizer } from '../gateway/authorizer';
import type { UsagePlans } from '../gateway/usage-plans';
import { adminRoutes, type AdminRoutesOptions } from './admin-server';
import { jsonLinesAuditLog } from './audit-file';

export interface TwinAdminOptions {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly usagePlans: UsagePlans;
  readonly authorizer: RequestAuthorizer;
  readonly apiKeys: ApiKeys;
  readonly token: string;
  readonly auditFile: string;
  readonly stage: string;
  readonly functionName: string;
  readonly log: (line: string) => void;
  readonly onAnswer?: AdminRoutesOptions['onAnswer'];
  /** The admin function's id: its AWS calls are checked against that role (local/iam/). */
  readonly principal?: string;
}

/**
 * The emulator's counterpart of API Gateway's key calls: a usage key is created under CreateApiKey's limits (the
 * SDK's LimitExceededException or TooManyRequestsException, as on AWS); usage plans follow the authorizer's plan.
 */
export function twinKeyGateway(usagePlans: UsagePlans, authorizer: RequestAuthorizer, apiKeys: ApiKeys): KeyGateway {
  return {
    async registerUsageKey() {
      const usageKey = generateUsageIdentifier();
      apiKeys.create(usageKey);
      return {
        usageKey,
        discard: async () => {
          apiKeys.delete(usageKey);
        },
      };
    },
    async enforceRevocation(revoked) {
      if (revoked.usageKey) usagePlans.disableKey(revoked.usageKey);
      authorizer.forgetPrincipal(revoked.clientId);
    },
    async flushAuthorizerCache(clientId) {
      authorizer.forgetPrincipal(clientId);
    },
  };
}

type AdminRouter = typeof import('../../capabilities/admin/router');

/** The router pulls in Middy (ESM-only): loaded as local/lambda-modules.ts loads handlers, so `tsx local/start.ts` works too. */
async function loadAdminRouter(): Promise<AdminRouter> {
  if (process.env.JEST_WORKER_ID) return import('../../capabilities/admin/router');
  require('../esm-only-packages.cjs');
  return require('../../capabilities/admin/router') as AdminRouter;
}

export async function twinAdminRoutes(options: TwinAdminOptions) {
  const { createAdminHandler } = await loadAdminRouter();
  const store = { db: options.db, tableName: options.tableName };
  const audit = jsonLinesAuditLog(options.auditFile);
  const gateway = twinKeyGateway(options.usagePlans, options.authorizer, options.apiKeys);
  const handler = createAdminHandler({
    store,
    usage: dynamoUsageReader(store),
    audit,
    gateway: async () => gateway,
    logger: { error: (message, fields) => options.log(`admin: ${message} ${JSON.stringify(fields)}`) },
    onMalformed: (record) => options.log(`admin: skipped a malformed client record (${record.sk}: ${record.fields.join(', ')})`),
  });
  const principal = options.principal;
  return adminRoutes({
    token: options.token,
    handler: principal === undefined ? handler : (event, context) => runAs(principal, () => handler(event, context)),
    audit,
    stage: options.stage,
    functionName: options.functionName,
    onAnswer: options.onAnswer,
  });
}

/** The usage keys the table's clients already hold (a `--persist` folder, the demo keys): API Gateway keys the account has. */
export async function adoptExistingKeys(apiKeys: ApiKeys, store: { db: DynamoDBDocumentClient; tableName: string }): Promise<void> {
  apiKeys.adopt((await listClients(store)).map((client) => client.usageKey));
}
