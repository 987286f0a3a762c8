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
  /**
   * The authorizer context key whose value replaces `detail` (`$context.authorizer.<key>` in the stage's
   * template); `detail` is then what a response without that value says.
   */
  readonly detailFromAuthorizer?: string;
}

/** The authorizer context key that carries the ACCESS_DENIED detail (letters only: API Gateway's rule), and its values. */
export const ACCESS_DENIED_DETAIL_KEY = 'accessDeniedDetail';
export const ACCESS_DENIED_DETAIL = {
  revoked: KEY_REFUSALS.revoked(),
  routeNotInPlan: "This API key's plan does not include this route.",
} as const;

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
    detail: 'This API key is revoked or may not call this route.',
    detailFromAuthorizer: ACCESS_DENIED_DETAIL_KEY,
  },
  // One token of the slowest plan bucket (a strict route, 10 requests/minute) refills within 6 s; every default route
  // refills faster. A client whose override rate is below 10 a minute refills slower: its Retry-After is then early
  // (docs/request-path.md "Errors").
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
    // No Retry-After: the reset is up to 24 h away and a gateway response's headers are static, so any number here
    // would be wrong most of the day (it said 3600 until issue 20). The detail names the reset instead.
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
 * The problem+json body of a gateway response. `requestId` and `detail` are placeholders: the CDK stack
 * passes `$context.requestId` and `gatewayDetailTemplate(response)`, the local twin the request's values.
 */
export function gatewayProblemBody(response: GatewayResponseDefinition, requestId: string, detail = response.detail): string {
  return `{"type":"${PROBLEM_TYPE_BASE}${response.slug}","title":"${response.title}","status":${response.statusCode},"detail":"${detail}","requestId":"${requestId}"}`;
}

/** The stage's template for `detail`: the authorizer's value where the response takes one, else the static text. */
export function gatewayDetailTemplate(response: GatewayResponseDefinition): string {
  return response.detailFromAuthorizer ? `$context.authorizer.${response.detailFromAuthorizer}` : response.detail;
}

export function gatewayResponse(type: GatewayResponseType): GatewayResponseDefinition {
  const found = GATEWAY_RESPONSES.find((r) => r.type === type);
  if (!found) throw new Error(`unknown gateway response type: ${type}`);
  return found;
}
