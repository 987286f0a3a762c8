// RFC 9457 problem details: the one error shape of every 4xx and 5xx the Lambdas return.
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../../contracts/gateway-responses';

export interface FieldError {
  /** Dotted path of the offending field, prefixed by where it was: `body.items.0.sku`, `query.from`. */
  readonly path: string;
  readonly message: string;
}

/** A client error the handler chain turns into problem+json. Never carries input values. */
export class HttpProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export function badRequest(errors: readonly FieldError[], detail = 'The request is invalid; see errors for each field.'): HttpProblem {
  return new HttpProblem(400, 'invalid-request', 'Bad Request', detail, errors);
}

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

export { PROBLEM_CONTENT_TYPE };
