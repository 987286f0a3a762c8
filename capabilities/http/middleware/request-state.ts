// What the handler chain knows about the request in flight: set once at the start, read by the
// logging, metrics, usage and header middlewares.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { MiddlewareObj, Request } from '@middy/core';
import type { RouteEndpoint } from '../../../contracts/routes/route';
import { routeKey } from '../../../contracts/routes/route';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../../contracts/metrics';
import { problem } from '../problem';
import { metrics } from '../../aws/powertools';
import type { OverrideLimits } from '../../../contracts/overrides';
import { readClientContext } from '../../authorizer/client-context';
import { usageEventId } from '../../../contracts/usage-event-id';

/** A route invoked without the authorizer's client: fail closed (500), never guess a client. */
export class MissingClientContextError extends Error {
  constructor() {
    super('authorizer context has no clientId');
    this.name = 'MissingClientContextError';
  }
}

export interface RequestState {
  readonly route: RouteEndpoint;
  /** `GET /v1/hello`: the resource template, never the raw path. */
  readonly routeKey: string;
  readonly requestId: string;
  /**
   * The usage event's id (`usageEventId`): the request's second and API Gateway's extended request id, which no
   * caller can set (a caller may set `x-amzn-RequestId`, which becomes the request id, and an event id is counted
   * once). The request id where an event has no extended one.
   */
  readonly eventId: string;
  readonly clientId: string;
  readonly plan: string;
  readonly usedToday?: number;
  readonly usageDay?: string;
  /** The client's own limits from the authorizer's context (`keys override`), in force instead of its plan's. */
  readonly override?: OverrideLimits;
  readonly sourceIp: string;
  /** When API Gateway received the request. */
  readonly requestTime: Date;
  /** process.hrtime.bigint() when the Lambda chain started. */
  readonly startedAt: bigint;
}

export type HttpRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;
export type HttpMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

// Keyed by the event object, so the state lives exactly as long as the invocation.
const states = new WeakMap<object, RequestState>();

function asNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** The state of the request in flight; undefined only if requestState() has not run. */
export function findState(event: APIGatewayProxyEvent): RequestState | undefined {
  return states.get(event);
}

export function stateOf(event: APIGatewayProxyEvent): RequestState {
  const state = states.get(event);
  if (!state) throw new Error('request state missing: requestState() must be the first middleware');
  return state;
}

export function elapsedMs(state: RequestState): number {
  return Number(process.hrtime.bigint() - state.startedAt) / 1e6;
}

/**
 * Removes the presented key from the event before any other code sees it, so nothing later can log
 * or echo it: the `x-api-key` header in any case (single and multi-value) and the identity's apiKey.
 */
export function stripApiKey(event: APIGatewayProxyEvent): void {
  for (const headers of [event.headers, event.multiValueHeaders] as (Record<string, unknown> | null | undefined)[]) {
    if (!headers) continue;
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'x-api-key') delete headers[name];
  }
  const identity = event.requestContext?.identity as { apiKey?: string | null } | undefined;
  if (identity && 'apiKey' in identity) identity.apiKey = null;
}

/** Reads the request's identity from API Gateway's event: request id, route, and the authorizer's client context. */
export function requestState(route: RouteEndpoint): HttpMiddleware {
  const key = routeKey(route);
  return {
    before: (request) => {
      const { event, context } = request;
      stripApiKey(event);
      const epoch = asNumber(event.requestContext?.requestTimeEpoch);
      const caller = readClientContext(event.requestContext?.authorizer as Record<string, unknown> | null | undefined);
      const { clientId } = caller;
      if (clientId === undefined) {
        // No state is set, so nothing downstream can count or log this request as some client's;
        // the error handler answers a generic 500 and logs it; the metric has an alarm.
        metrics.addMetric(METRIC.missingClientContext, MetricUnit.Count, 1);
        metrics.publishStoredMetrics();
        throw new MissingClientContextError();
      }
      const requestTime = epoch ? new Date(epoch) : new Date();
      const requestId = event.requestContext?.requestId ?? context.awsRequestId;
      states.set(event, {
        route,
        routeKey: key,
        requestId,
        eventId: usageEventId(requestTime, event.requestContext?.extendedRequestId || requestId),
        clientId,
        plan: caller.plan ?? 'unknown',
        usedToday: caller.usedToday,
        usageDay: caller.usageDay,
        override: caller.override,
        sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
        requestTime,
        startedAt: process.hrtime.bigint(),
      });
      // API Gateway only sends this function its own route; anything else is a wiring mistake or a
      // hand-made event, answered as the gateway would answer an unknown route.
      if (event.resource !== undefined && event.resource !== route.path) {
        throw problem.notFound();
      }
      if (event.httpMethod !== undefined && event.httpMethod.toUpperCase() !== route.method) {
        throw problem.methodNotAllowed(route.method);
      }
    },
  };
}
