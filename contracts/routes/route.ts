// What a route is: method, path, handler entry, schemas and class. One file per route in this folder.
import type * as z from 'zod';
import type { RouteClass } from '../plans';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  /** Stable id: names the Lambda function and its folder under `functions/`. */
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
  readonly schemas: RequestSchemas;
}

/** The zod schemas of a request's parts (a client route's, an admin route's), each validated before its handler. */
export interface RequestSchemas {
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly path?: z.ZodObject;
}

/** `GET /v1/hello`: the form a usage event and the analytics name a route by. */
export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** Largest request body the API accepts, in bytes; larger → 413. */
export const MAX_BODY_BYTES = 64 * 1024;
