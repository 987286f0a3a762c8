// What a usage plan holds, built in one place from a plan's (or an override's) limits: a throttle and a daily quota
// per key, and a per-method throttle on every route whose class has one. The stack's plans (lib/constructs/
// metered-api.ts), a client's own usage plan (capabilities/api-gateway/client-usage-plans.ts) and the twin's
// emulation (local/gateway/usage-plans.ts) all take it from here.
import { perSecond, type PlanLimits, type PlanName, type RouteClass, type ThrottleLimits, throttleFor } from './plans';
import type { RouteDefinition, RouteEndpoint } from './routes/route';

/** A throttle in API Gateway's units: requests per second, and the bucket size. */
export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface MethodThrottle {
  readonly route: RouteEndpoint;
  readonly throttle: Throttle;
}

export interface UsagePlanShape {
  /** Per key, across the stage's methods. */
  readonly throttle: Throttle;
  /** Requests per key per UTC day. */
  readonly quota: { readonly limit: number; readonly period: 'DAY' };
  /** One per route whose class carries its own throttle (strict routes), in route order. */
  readonly methodThrottles: readonly MethodThrottle[];
}

export function throttleOf(limits: ThrottleLimits): Throttle {
  return { rateLimit: perSecond(limits), burstLimit: limits.burst };
}

/** The per-method throttle a route class carries inside every usage plan; none for `default` routes. */
export function methodThrottleOf(plan: PlanName, routeClass: RouteClass): Throttle | undefined {
  return routeClass === 'default' ? undefined : throttleOf(throttleFor(plan, routeClass));
}

/** The usage plan of `plan` held to `limits` (the plan's own, or a client's override). */
export function usagePlanShape(plan: PlanName, limits: PlanLimits, routes: readonly RouteEndpoint[]): UsagePlanShape {
  return {
    throttle: throttleOf(limits),
    quota: { limit: limits.dailyQuota, period: 'DAY' },
    methodThrottles: routes.flatMap((route) => {
      const throttle = methodThrottleOf(plan, route.routeClass);
      return throttle ? [{ route, throttle }] : [];
    }),
  };
}

/** `<resource path>/<HTTP method>`: how API Gateway names a method in a usage plan's per-method throttles. */
export function methodThrottleKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.path}/${route.method}`;
}
