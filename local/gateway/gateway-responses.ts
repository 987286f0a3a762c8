// Writes API Gateway's own responses (the shared problem+json gateway responses) with AWS's headers.
import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from '../../contracts/security-headers';
import {
  PROBLEM_CONTENT_TYPE,
  gatewayDetailTemplate,
  gatewayProblemBody,
  gatewayResponse,
  type GatewayResponseType,
} from '../../contracts/gateway-responses';

/** The x-amzn-ErrorType API Gateway sends for each kind of response it answers itself. */
export const ERROR_TYPES = {
  UNAUTHORIZED: 'UnauthorizedException',
  ACCESS_DENIED: 'AccessDeniedException',
  THROTTLED: 'TooManyRequestsException',
  QUOTA_EXCEEDED: 'LimitExceededException',
  BAD_REQUEST_BODY: 'BadRequestException',
  BAD_REQUEST_PARAMETERS: 'BadRequestException',
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationTokenException',
  INVALID_API_KEY: 'ForbiddenException',
  REQUEST_TOO_LARGE: 'RequestTooLargeException',
  WAF_FILTERED: 'WAFFilteredException',
  AUTHORIZER_FAILURE: 'AuthorizerConfigurationException',
  INTEGRATION_FAILURE: 'InternalServerErrorException',
} as const;

export type GatewayError = keyof typeof ERROR_TYPES;

/** Which configured gateway response renders each error (the DEFAULT_* ones catch the rest, as in AWS). */
const RESPONSE_FOR: Record<GatewayError, GatewayResponseType> = {
  UNAUTHORIZED: 'UNAUTHORIZED',
  ACCESS_DENIED: 'ACCESS_DENIED',
  THROTTLED: 'THROTTLED',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  BAD_REQUEST_BODY: 'BAD_REQUEST_BODY',
  BAD_REQUEST_PARAMETERS: 'BAD_REQUEST_PARAMETERS',
  MISSING_AUTHENTICATION_TOKEN: 'MISSING_AUTHENTICATION_TOKEN',
  INVALID_API_KEY: 'INVALID_API_KEY',
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  WAF_FILTERED: 'WAF_FILTERED',
  AUTHORIZER_FAILURE: 'DEFAULT_5XX',
  INTEGRATION_FAILURE: 'DEFAULT_5XX',
};

export function gatewayStatus(error: GatewayError): number {
  return gatewayResponse(RESPONSE_FOR[error]).statusCode;
}

/**
 * API Gateway's rendering of a gateway response template: simple variable substitution, no VTL.
 * `$context.requestId` and `$context.authorizer.<key>` (the authorizer's context, stringified) are the
 * variables our templates use; an authorizer key the Lambda did not return renders empty.
 */
export function renderGatewayTemplate(template: string, requestId: string, authorizerContext: Record<string, unknown> = {}): string {
  return template.replace(/\$context\.(requestId|authorizer\.([A-Za-z0-9_]+))/g, (_match, _name: string, key?: string) =>
    key === undefined ? requestId : authorizerContext[key] === undefined ? '' : String(authorizerContext[key]),
  );
}

export function sendGatewayResponse(
  res: ServerResponse,
  error: GatewayError,
  requestId: string,
  extraHeaders: Record<string, string> = {},
  authorizerContext: Record<string, unknown> = {},
): number {
  const definition = gatewayResponse(RESPONSE_FOR[error]);
  // The same template the CDK stack deploys, rendered the way API Gateway renders it.
  const template = gatewayProblemBody(definition, '$context.requestId', gatewayDetailTemplate(definition));
  const body = renderGatewayTemplate(template, requestId, authorizerContext);
  res.writeHead(definition.statusCode, {
    ...SECURITY_HEADERS,
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': ERROR_TYPES[error],
    ...(definition.retryAfterSeconds !== undefined ? { 'Retry-After': String(definition.retryAfterSeconds) } : {}),
    ...extraHeaders,
  });
  res.end(body);
  return definition.statusCode;
}
