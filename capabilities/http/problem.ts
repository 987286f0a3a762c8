// RFC 9457 problem details: the one error shape of every 4xx and 5xx the Lambdas return.
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../../contracts/gateway-responses';

export interface FieldError {
  /** Dotted path of the offending field, prefixed by where it was: `body.items.0.sku`, `query.from`. */
  readonly path: string;
  readonly message: string;
}

export interface ProblemFields {
  readonly statusCode: number;
  /** Last segment of the problem `type` URI. */
  readonly slug: string;
  readonly title: string;
  /** What is wrong, in words that never repeat the client's input. */
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly headers?: Record<string, string>;
}

/** A client error the handler chain turns into problem+json. Never carries input values. Build it with `problem.*`. */
export class HttpProblem extends Error {
  readonly statusCode: number;
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly headers: Record<string, string>;

  constructor(fields: ProblemFields) {
    super(fields.detail);
    this.name = 'HttpProblem';
    this.statusCode = fields.statusCode;
    this.slug = fields.slug;
    this.title = fields.title;
    this.detail = fields.detail;
    this.errors = fields.errors;
    this.headers = fields.headers ?? {};
  }
}

/** The client errors of the handler chain, one named factory each. */
export const problem = {
  badRequest: (errors: readonly FieldError[], detail = 'The request is invalid; see errors for each field.') =>
    new HttpProblem({ statusCode: 400, slug: 'invalid-request', title: 'Bad Request', detail, errors }),
  notFound: () =>
    new HttpProblem({ statusCode: 404, slug: 'not-found', title: 'Not Found', detail: 'No route matches this method and path.' }),
  methodNotAllowed: (allowed: string) =>
    new HttpProblem({
      statusCode: 405,
      slug: 'method-not-allowed',
      title: 'Method Not Allowed',
      detail: `This route accepts ${allowed} only.`,
      headers: { Allow: allowed },
    }),
  payloadTooLarge: (maxBytes: number) =>
    new HttpProblem({
      statusCode: 413,
      slug: 'payload-too-large',
      title: 'Payload Too Large',
      detail: `The request body must not exceed ${maxBytes} bytes.`,
    }),
  unsupportedMediaType: () =>
    new HttpProblem({
      statusCode: 415,
      slug: 'unsupported-media-type',
      title: 'Unsupported Media Type',
      detail: 'The request body must be JSON, sent with Content-Type: application/json.',
    }),
  /** A gate plan's rate window (second or minute) has no room: Retry-After is the true time to its reset. */
  rateLimited: (retryAfterSeconds: number, headers: Record<string, string> = {}) =>
    new HttpProblem({
      statusCode: 429,
      slug: 'rate-limited',
      title: 'Too Many Requests',
      detail: "The API key's rate limit is exhausted; retry after the number of seconds in Retry-After.",
      headers: { ...headers, 'Retry-After': String(retryAfterSeconds) },
    }),
  /** A gate plan's daily quota is spent: Retry-After is the seconds to 00:00 UTC. */
  quotaExceeded: (retryAfterSeconds: number, headers: Record<string, string> = {}) =>
    new HttpProblem({
      statusCode: 429,
      slug: 'quota-exceeded',
      title: 'Daily Quota Exceeded',
      detail: "The API key's daily quota is used up; it resets at 00:00 UTC.",
      headers: { ...headers, 'Retry-After': String(retryAfterSeconds) },
    }),
  /** A gate plan's enforced monthly allowance is spent: Retry-After is the seconds to the 1st of next month, 00:00 UTC. */
  monthlyQuotaExceeded: (retryAfterSeconds: number, headers: Record<string, string> = {}) =>
    new HttpProblem({
      statusCode: 429,
      slug: 'monthly-quota-exceeded',
      title: 'Monthly Quota Exceeded',
      detail: "The API key's monthly allowance is used up; it resets on the first day of next month at 00:00 UTC.",
      headers: { ...headers, 'Retry-After': String(retryAfterSeconds) },
    }),
  /** The prepaid balance does not cover the request: no time heals it, so 402 and no Retry-After. */
  creditsExhausted: (headers: Record<string, string> = {}) =>
    new HttpProblem({
      statusCode: 402,
      slug: 'credits-exhausted',
      title: 'Payment Required',
      detail: "The API key's prepaid credit balance does not cover this request; top up to continue.",
      headers,
    }),
} as const;

export function problemBody(
  statusCode: number,
  slug: string,
  title: string,
  detail: string,
  requestId: string,
  errors?: readonly FieldError[],
) {
  return {
    type: `${PROBLEM_TYPE_BASE}${slug}`,
    title,
    status: statusCode,
    detail,
    requestId,
    ...(errors ? { errors } : {}),
  };
}

/**
 * The response for an error of a handler chain: an HttpProblem says what is wrong; anything else is the
 * generic 500 with the requestId (callers log it). Shared by the route chain and the admin router.
 */
export function problemResponse(error: unknown, requestId: string) {
  if (error instanceof HttpProblem) {
    return {
      statusCode: error.statusCode,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...error.headers },
      body: JSON.stringify(problemBody(error.statusCode, error.slug, error.title, error.detail, requestId, error.errors)),
    };
  }
  return {
    statusCode: 500,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(
      problemBody(
        500,
        'internal-error',
        'Internal Server Error',
        'The request could not be completed; quote the requestId when reporting it.',
        requestId,
      ),
    ),
  };
}

export { PROBLEM_CONTENT_TYPE };
