// The stage's API Gateway access log line: read by the CDK stage (lib/constructs/metered-api.ts) and by the
// cost model, which prices its size (capabilities/cost/).

/**
 * Access-log fields: who called what and how it ended. The key value (`$context.identity.apiKey`) is
 * deliberately absent; the client is identified by the authorizer's principal (clientId).
 */
export const ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  clientId: '$context.authorizer.principalId',
  plan: '$context.authorizer.plan',
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
};
