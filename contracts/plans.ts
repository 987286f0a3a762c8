// Plans (usage-plan tiers) and route classes: the one place their limits live.
// Read by the CDK API construct, the handlers (RateLimit headers) and the local twin.

export interface ThrottleLimits {
  /** Sustained rate, requests per minute per API key. */
  readonly ratePerMinute: number;
  /** Token-bucket size: requests a key may send at once. Never more than one minute's worth. */
  readonly burst: number;
}

export interface PlanLimits extends ThrottleLimits {
  /** Requests per key per UTC day (API Gateway usage-plan quota, period DAY). */
  readonly dailyQuota: number;
}

/** A plan as configured: its limits and, optionally, the routes it includes. */
export interface PlanDefinition extends PlanLimits {
  /**
   * Route ids (`contracts/routes`) a key of this plan may call; absent = every route. Enforced by the
   * authorizer's policy (403 otherwise); checked against the route list in `contracts/route-access.ts`.
   */
  readonly routes?: readonly string[];
}

export const PLANS = {
  // Standard keys call everything but the strict-class quotes route, which is sold with premium.
  standard: { ratePerMinute: 100, burst: 20, dailyQuota: 10_000, routes: ['hello', 'usage-summary', 'usage-daily'] },
  premium: { ratePerMinute: 1_000, burst: 200, dailyQuota: 100_000 },
} as const satisfies Record<string, PlanDefinition>;

export type PlanName = keyof typeof PLANS;
export const PLAN_NAMES = Object.keys(PLANS) as PlanName[];

/**
 * Monthly allowance per plan: requests per key per UTC calendar month that the plan includes. GET /v1/usage
 * reports the month so far as a percentage of it; nothing enforces it (a usage plan has one quota, the daily
 * one), so it is an allowance to bill against, not a limit. A plan without an entry has none.
 */
export const MONTHLY_QUOTAS: Partial<Record<PlanName, number>> = { standard: 250_000 };

/** `default` routes follow the plan's throttle; `strict` routes add a per-method throttle in every plan. */
export const ROUTE_CLASSES = {
  default: undefined,
  strict: { ratePerMinute: 10, burst: 5 },
} as const satisfies Record<string, ThrottleLimits | undefined>;

export type RouteClass = keyof typeof ROUTE_CLASSES;

export function isPlanName(value: unknown): value is PlanName {
  return typeof value === 'string' && Object.hasOwn(PLANS, value);
}

export function planFor(name: PlanName): PlanLimits {
  return PLANS[name];
}

/** The throttle that applies to a route for a plan: the strict limit on strict routes, else the plan's. */
export function throttleFor(plan: PlanName, routeClass: RouteClass): ThrottleLimits {
  return ROUTE_CLASSES[routeClass] ?? PLANS[plan];
}

/** API Gateway takes rates in requests per second. */
export function perSecond(limits: ThrottleLimits): number {
  return limits.ratePerMinute / 60;
}

for (const [name, limits] of Object.entries({ ...PLANS, ...ROUTE_CLASSES })) {
  if (limits && limits.burst > limits.ratePerMinute) {
    throw new Error(`burst must not exceed one minute's worth of the rate for ${name}: got ${limits.burst}`);
  }
}
