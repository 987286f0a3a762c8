// API Gateway's own error responses as problem+json: one list, rendered into the CDK stack's
// gateway responses and served by the local twin's gateway, so both answer alike.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://metered-api.dev/problems/';

export type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'THROTTLED'
  | 'QUOTA_EXCEEDED'
  | 'BAD_REQUEST_BODY'
  | 'BAD_REQUEST_PARAMETERS'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'INVALID_API_KEY'
  | 'REQUEST_TOO_LARGE'
  | 'WAF_FILTERED'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX';

/** The authorizer context key whose value is the ACCESS_DENIED detail (letters only: API Gateway's rule). */
export const DENY_DETAIL_CONTEXT_KEY = 'denyDetail';

/** Why the authorizer refuses a known key with a Deny, and the detail each gets (no quotes or backslashes: it is substituted into JSON as is). */
export const KEY_REFUSALS = {
  revoked: () => 'This API key is revoked.',
  expired: (at: string) => `This API key expired at ${at}; ask for a new key.`,
  rotated: (at: string) => `This API key was replaced by a newer key; its grace period ended at ${at}.`,
} as const;
export type KeyRefusal = keyof typeof KEY_REFUSALS;

export interface GatewayResponseDefinition {
  readonly type: GatewayResponseType;
  readonly statusCode: number;
  /** Last segment of the problem `type` URI. */
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  /** Static Retry-After header, in seconds (API Gateway cannot compute one per request). */
  readonly retryAfterSeconds?: number;
}

export const GATEWAY_RESPONSES: readonly GatewayResponseDefinition[] = [
  {
    type: 'UNAUTHORIZED',
    statusCode: 401,
    slug: 'unauthorized',
    title: 'Unauthorized',
    detail: 'A valid API key is required in the x-api-key header.',
  },
  // The authorizer's Deny names the reason in its context; API Gateway substitutes it (simple variable
  // substitution, no VTL). A Deny is the only authorizer answer whose body can vary: see docs/security.md.
  {
    type: 'ACCESS_DENIED',
    statusCode: 403,
    slug: 'forbidden',
    title: 'Forbidden',
    detail: `$context.authorizer.${DENY_DETAIL_CONTEXT_KEY}`,
  },
  // One token of the strictest route's bucket refills in 6 s (10 requests/minute).
  {
    type: 'THROTTLED',
    statusCode: 429,
    slug: 'rate-limited',
    title: 'Too Many Requests',
    detail: "The API key's rate limit for this route is exhausted; retry after the number of seconds in Retry-After.",
    retryAfterSeconds: 6,
  },
  {
    type: 'QUOTA_EXCEEDED',
    statusCode: 429,
    slug: 'quota-exceeded',
    title: 'Daily Quota Exceeded',
    detail: "The API key's daily quota is used up; it resets at 00:00 UTC.",
    retryAfterSeconds: 3600,
  },
  {
    type: 'BAD_REQUEST_BODY',
    statusCode: 400,
    slug: 'invalid-request',
    title: 'Bad Request',
    detail: 'The request body does not match the schema of this route.',
  },
  {
    type: 'BAD_REQUEST_PARAMETERS',
    statusCode: 400,
    slug: 'invalid-request',
    title: 'Bad Request',
    detail: 'The request parameters do not match this route.',
  },
  // API Gateway's answer to an unknown path or method (403 by default); a client expects 404.
  {
    type: 'MISSING_AUTHENTICATION_TOKEN',
    statusCode: 404,
    slug: 'not-found',
    title: 'Not Found',
    detail: 'No route matches this method and path.',
  },
  { type: 'INVALID_API_KEY', statusCode: 403, slug: 'forbidden', title: 'Forbidden', detail: 'This API key is not enabled for this API.' },
  {
    type: 'REQUEST_TOO_LARGE',
    statusCode: 413,
    slug: 'payload-too-large',
    title: 'Payload Too Large',
    detail: 'The request is larger than the API accepts.',
  },
  // The stage's web ACL blocked the request (contracts/waf.ts): it never reached the authorizer.
  {
    type: 'WAF_FILTERED',
    statusCode: 403,
    slug: 'request-blocked',
    title: 'Forbidden',
    detail:
      "The request was blocked by the API's firewall: a malformed API key, too many requests from this address, or a known-bad pattern.",
  },
  { type: 'DEFAULT_4XX', statusCode: 400, slug: 'bad-request', title: 'Bad Request', detail: 'The request could not be processed.' },
  {
    type: 'DEFAULT_5XX',
    statusCode: 500,
    slug: 'internal-error',
    title: 'Internal Server Error',
    detail: 'The request could not be completed; quote the requestId when reporting it.',
  },
];

/**
 * The problem+json body of a gateway response. `requestId` is a placeholder: the CDK stack passes
 * `$context.requestId` (a VTL variable), the local twin passes the request's id.
 */
export function gatewayProblemBody(response: GatewayResponseDefinition, requestId: string): string {
  return `{"type":"${PROBLEM_TYPE_BASE}${response.slug}","title":"${response.title}","status":${response.statusCode},"detail":"${response.detail}","requestId":"${requestId}"}`;
}

export function gatewayResponse(type: GatewayResponseType): GatewayResponseDefinition {
  const found = GATEWAY_RESPONSES.find((r) => r.type === type);
  if (!found) throw new Error(`unknown gateway response type: ${type}`);
  return found;
}
