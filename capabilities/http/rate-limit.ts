// RateLimit-Policy and RateLimit response headers (IETF draft-ietf-httpapi-ratelimit-headers,
// structured-field form): the limits that apply to a route for a plan, and what is left of today's quota.
import { ROUTE_CLASSES, type RouteClass } from '../../contracts/plans';
import type { OverrideLimits } from '../../contracts/overrides';
import { dailyQuotaInForce, limitsInForce, type LimitsInForce } from '../customers/limits-in-force';
import { utcDay } from '../usage/calendar-days';
import type { GateAnswer } from '../gate/admission';
import { type GateWindow, windowsAt } from '../gate/windows';

const SECONDS_PER_DAY = 86_400;

const policies = new Map<string, string | undefined>();

/**
 * The RateLimit-Policy value for a plan on a route class (computed once per pair). A client with an override
 * gets `"override";q=<its rate>` and its daily quota instead of its plan's.
 */
export function rateLimitPolicy(plan: string, routeClass: RouteClass, override?: OverrideLimits): string | undefined {
  if (override) {
    const limits = limitsInForce({ plan, override });
    return limits && formatPolicy('override', routeClass, limits);
  }
  const key = `${plan}\u0000${routeClass}`;
  if (!policies.has(key)) {
    const limits = limitsInForce({ plan });
    policies.set(key, limits && formatPolicy(plan, routeClass, limits));
  }
  return policies.get(key);
}

function formatPolicy(name: string, routeClass: RouteClass, limits: LimitsInForce): string {
  const strict = ROUTE_CLASSES[routeClass];
  const policies = [
    ...(strict ? [`"${routeClass}";q=${strict.ratePerMinute};w=60`] : []),
    `"${name}";q=${limits.ratePerMinute};w=60`,
    `"daily";q=${limits.dailyQuota};w=${SECONDS_PER_DAY}`,
  ];
  return policies.join(', ');
}

/** Seconds from `now` until the next 00:00 UTC, when daily quotas reset. */
export function secondsUntilUtcMidnight(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
}

/**
 * `"daily";r=<remaining>;t=<seconds to reset>` when today's usage is known, else undefined.
 * `usedToday` is the aggregated count the authorizer read; `usageDay` says which UTC day it was for.
 */
export function rateLimitRemaining(
  plan: string,
  usedToday: number | undefined,
  usageDay: string | undefined,
  now: Date,
  override?: OverrideLimits,
): string | undefined {
  const quota = dailyQuotaInForce({ plan, override });
  if (quota === undefined || usedToday === undefined || !Number.isFinite(usedToday)) return undefined;
  const used = usageDay === utcDay(now) ? usedToday : 0;
  const remaining = Math.max(0, quota - used);
  return `"daily";r=${remaining};t=${secondsUntilUtcMidnight(now)}`;
}

/**
 * Both headers for a gate-plan client, from the gate's own answer (exact, not a cached count): one policy per limited
 * window — `"burst"` (per second), the plan's (or `"override"`) per minute, `"daily"`, and `"monthly"` where the
 * allowance is enforced — and for each what is left (`r`) and the whole seconds to its reset (`t`).
 */
export function gateRateLimitHeaders(
  policyName: string,
  answer: GateAnswer,
  now: Date,
): { readonly policy: string; readonly remaining: string } {
  const spans = windowsAt(now.getTime());
  const named = answer.windows.flatMap((state, i) => {
    if (state.limit === null || state.remaining === null) return [];
    const name = state.window === 'minute' ? policyName : GATE_POLICY_NAMES[state.window];
    const seconds = Math.round((spans[i].end - spans[i].start) / 1000);
    return [{ name, state, seconds }];
  });
  return {
    policy: named.map(({ name, state, seconds }) => `"${name}";q=${state.limit};w=${seconds}`).join(', '),
    remaining: named.map(({ name, state }) => `"${name}";r=${state.remaining};t=${state.resetSeconds}`).join(', '),
  };
}

const GATE_POLICY_NAMES = { second: 'burst', minute: 'minute', day: 'daily', month: 'monthly' } as const satisfies Record<
  GateWindow,
  string
>;
