// What a route is: method, path, handler entry, schemas and class. One file per route in this folder.
import type * as z from 'zod';
import type { RouteClass } from '../plans';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request's input after validation: what a route's computed cost may read (never the response). */
export interface RouteInput {
  readonly query: Record<string, unknown>;
  readonly path: Record<string, unknown>;
  readonly body: unknown;
}

/** A route's cost per request in units: a whole number, or one computed from the validated input. */
export type RouteUnits = number | ((input: RouteInput) => number);

/** A route without its schemas: what a deployed handler needs at run time (it validates with compiled validators). */
export interface RouteEndpoint {
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
  /**
   * What one request costs in units (docs/plans.md "Units"): taken by the gate on gate plans, counted beside
   * requests. 0 = free (reading one's own usage). @default 1
   */
  readonly units?: RouteUnits;
  /** Whether the handler reads usage counters (grants read access to the table). */
  readonly readsUsage?: boolean;
  /**
   * The route's short name in counter attributes (`<code>:<field>` on a client-day item; `counter-codes.ts`): a
   * capital and at most one more capital or digit, unique, never given to another route once counted. Every route of
   * the contract has one; a route without one is counted under its key (`r:<route>:<field>`).
   */
  readonly counterCode?: string;
}

export interface RouteDefinition extends RouteEndpoint {
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

/** The units one request of a route costs, from its validated input; throws on a cost that is not a whole number ≥ 0. */
export function unitsOf(route: Pick<RouteDefinition, 'id' | 'units'>, input: RouteInput): number {
  const units = typeof route.units === 'function' ? route.units(input) : (route.units ?? 1);
  if (!Number.isSafeInteger(units) || units < 0) {
    throw new Error(`units of route ${route.id} must be a whole number of at least 0: got ${units}`);
  }
  return units;
}

/** Refuses a fixed cost that is not a whole number ≥ 0 (a computed one is checked per request by unitsOf). */
export function routeUnitsProblem(route: Pick<RouteDefinition, 'id' | 'units'>): string | undefined {
  const { units } = route;
  if (units === undefined || typeof units === 'function') return undefined;
  return Number.isSafeInteger(units) && units >= 0
    ? undefined
    : `units of route ${route.id} must be a whole number of at least 0: got ${units}`;
}

/** Largest request body the API accepts, in bytes; larger → 413. */
export const MAX_BODY_BYTES = 64 * 1024;
