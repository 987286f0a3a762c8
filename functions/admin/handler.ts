// The admin API (`/admin/v1/…`, IAM-authorized) on AWS: the shared admin router with the stack's table,
// API Gateway (usage plans found once per execution environment) and the audit log group. Each SDK client is made
// on its first use, not at module init (bench/README.md "Cold start").
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { type AuditLog, cloudWatchAuditLog } from '../../capabilities/admin/audit-log';
import { createAdminHandler } from '../../capabilities/admin/router';
import { dynamo } from '../../capabilities/aws/dynamodb-client';
import { apiGatewayKeys, findUsagePlanIds } from '../../capabilities/api-gateway/key-gateway';
import type { KeyGateway } from '../../capabilities/customers/key-gateway-port';
import { logger } from '../../capabilities/aws/powertools';
import { functionEnv, stageName } from '../../capabilities/aws/resources';
import { dynamoUsageReader } from '../../capabilities/usage/usage-reader';

const env = functionEnv('admin');
const stage = stageName();
const store = {
  get db() {
    return dynamo();
  },
  tableName: env.tableName,
};
let apiGateway: APIGatewayClient | undefined;
let gateway: Promise<KeyGateway> | undefined;
let auditLog: AuditLog | undefined;

export const handler = createAdminHandler({
  store,
  usage: dynamoUsageReader(store),
  stageName: stage,
  audit: {
    write: (record) => {
      auditLog ??= cloudWatchAuditLog(new CloudWatchLogsClient({}), env.auditLogGroup);
      return auditLog.write(record);
    },
  },
  logger,
  gateway: () => {
    apiGateway ??= new APIGatewayClient({});
    const client = apiGateway;
    gateway ??= findUsagePlanIds(client, env.restApiId, stage)
      .then((usagePlanIds) => apiGatewayKeys({ client, usagePlanIds, restApiId: env.restApiId, stageName: stage }))
      .catch((error: unknown) => {
        gateway = undefined; // look again on the next request
        throw error;
      });
    return gateway;
  },
  onMalformed: (record) => logger.warn('skipped a malformed client record', { ...record }),
});
