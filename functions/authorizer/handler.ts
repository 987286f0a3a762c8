// Lambda REQUEST authorizer: hashes the x-api-key header, looks the hash up, and returns a policy
// whose usageIdentifierKey (the client's usage identifier, not its secret) ties the request to its usage plan.
// The key value is never logged.
import { API_KEY_HEADER } from '../../contracts/deployment';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../contracts/metrics';
import { KEY_REFUSALS } from '../../contracts/gateway-responses';
import { logger, metrics } from '../../capabilities/aws/powertools';
import { dynamo } from '../../capabilities/aws/dynamodb-client';
import { functionEnv, stageName } from '../../capabilities/aws/resources';
import { authorize } from '../../capabilities/authorizer/authorize';
import { planAccess } from '../../capabilities/authorizer/route-policy';
import { writeClientContext, writeDenyContext } from '../../capabilities/authorizer/client-context';

const env = functionEnv('authorizer');

/** Every method of the stage: the result is cached per key, so it must cover all routes. */
export function stageWildcard(methodArn: string): string {
  const [apiArn, stage = '*'] = methodArn.split('/');
  return `${apiArn}/${stage}/*/*`;
}

function headerValue(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const match = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return match ? headers[match] : undefined;
}

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const presentedKey = headerValue(event.headers, API_KEY_HEADER);
  const decision = await authorize({ db: dynamo(), tableName: env.tableName }, presentedKey, new Date(), { stageName: stageName() });
  const requestId = event.requestContext?.requestId;

  if (decision.effect === 'unauthorized') {
    if (decision.reason === 'corrupt-record') {
      logger.error('malformed client record skipped', { record: decision.record, requestId });
      metrics.addMetric(METRIC.malformedClientRecords, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    }
    logger.info('api key rejected', { reason: decision.reason, requestId });
    // API Gateway turns exactly this message into a 401 (gateway response UNAUTHORIZED).
    throw new Error('Unauthorized');
  }

  const resource = stageWildcard(event.methodArn);
  if (decision.effect === 'deny') {
    logger.info(`api key ${decision.reason}`, { clientId: decision.clientId, requestId });
    // The ACCESS_DENIED gateway response shows this detail (a Deny is the only refusal whose body can vary).
    const detail = decision.reason === 'revoked' ? KEY_REFUSALS.revoked() : KEY_REFUSALS[decision.reason](decision.at);
    return {
      principalId: decision.clientId,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: resource }] },
      context: writeDenyContext(detail),
    };
  }

  logger.debug('api key accepted', { clientId: decision.clientId, plan: decision.plan, requestId });
  // Cached per key for every route: Allow exactly the plan's routes (a 403 with the plan's detail elsewhere).
  const access = planAccess(event.methodArn, decision.plan);
  return {
    principalId: decision.clientId,
    usageIdentifierKey: decision.usageKey,
    policyDocument: access.policy,
    context: writeClientContext({
      clientId: decision.clientId,
      plan: decision.plan,
      usedToday: decision.usedToday,
      usageDay: decision.usageDay,
      accessDeniedDetail: access.accessDeniedDetail,
      override: decision.override,
    }),
  };
};
