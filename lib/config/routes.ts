// The API's routes as data: method, path, handler, schemas, class. Read by the CDK API
// construct (methods, models, per-method throttles) and by the local twin's gateway.
import type * as z from 'zod';
import type { RouteClass } from './plans';
import { helloQuery } from '../../lambdas/hello/schemas';
import { quoteRequest } from '../../lambdas/quotes/schemas';
import { usageSummaryQuery } from '../../lambdas/usage-summary/schemas';
import { usageDailyQuery } from '../../lambdas/usage-daily/schemas';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  /** Stable id: names the Lambda function and its folder under `lambdas/`. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Resource path template as API Gateway knows it, e.g. `/v1/items/{id}`. */
  readonly path: string;
  readonly routeClass: RouteClass;
  /** Handler entry, relative to the repository root. */
  readonly entry: string;
  /** Lambda timeout in seconds. */
  readonly timeoutSeconds: number;
  /** Whether the handler reads usage counters (grants read access to the table). */
  readonly readsUsage?: boolean;
  readonly schemas: {
    readonly query?: z.ZodObject;
    readonly body?: z.ZodType;
    readonly path?: z.ZodObject;
  };
}

export const ROUTES = [
  {
    id: 'hello', method: 'GET', path: '/v1/hello', routeClass: 'default',
    entry: 'lambdas/hello/handler.ts', timeoutSeconds: 10,
    schemas: { query: helloQuery },
  },
  {
    id: 'quotes', method: 'POST', path: '/v1/quotes', routeClass: 'strict',
    entry: 'lambdas/quotes/handler.ts', timeoutSeconds: 10,
    schemas: { body: quoteRequest },
  },
  {
    id: 'usage-summary', method: 'GET', path: '/v1/usage', routeClass: 'default',
    entry: 'lambdas/usage-summary/handler.ts', timeoutSeconds: 10, readsUsage: true,
    schemas: { query: usageSummaryQuery },
  },
  {
    id: 'usage-daily', method: 'GET', path: '/v1/usage/daily', routeClass: 'default',
    entry: 'lambdas/usage-daily/handler.ts', timeoutSeconds: 10, readsUsage: true,
    schemas: { query: usageDailyQuery },
  },
] as const satisfies readonly RouteDefinition[];

export type RouteId = (typeof ROUTES)[number]['id'];

/** `GET /v1/hello`: the form a usage event and the analytics name a route by. */
export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

export function routeById(id: RouteId): RouteDefinition {
  const route = ROUTES.find((r) => r.id === id);
  if (!route) throw new Error(`unknown route id: ${id}`);
  return route;
}

/** Largest request body the API accepts, in bytes; larger → 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Non-route Lambdas of the stack, for the function construct and bundle checks. */
export const WORKERS = {
  authorizer: { entry: 'lambdas/authorizer/handler.ts', timeoutSeconds: 5 },
  aggregator: { entry: 'lambdas/aggregator/handler.ts', timeoutSeconds: 60 },
  dailyJob: { entry: 'lambdas/daily-job/handler.ts', timeoutSeconds: 900 },
} as const;
