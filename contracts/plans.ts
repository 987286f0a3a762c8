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

/**
 * Who admits a plan's requests (docs/plans.md "Admission"). `gateway`: each client owns an API Gateway key in
 * the plan's usage plan, and API Gateway enforces rate, burst and daily quota (at most 10,000 keys per account
 * and Region). `gate`: clients share a small pool of usage-identifier keys, and the route chain admits each
 * request with one conditional write on the client's gate item (capabilities/gate), in the route's units.
 */
export type Admission = 'gateway' | 'gate';
export const ADMISSIONS = ['gateway', 'gate'] as const satisfies readonly Admission[];

/** A plan as configured: its limits and, optionally, the routes it includes. */
export interface PlanDefinition extends PlanLimits {
  /**
   * Route ids (`contracts/routes`) a key of this plan may call; absent = every route. Enforced by the
   * authorizer's policy (403 otherwise); checked against the route list in `contracts/route-access.ts`.
   */
  readonly routes?: readonly string[];
  /** @default 'gateway' */
  readonly admission?: Admission;
  /**
   * Units per client per UTC calendar month the plan includes. GET /v1/usage reports the month so far against it.
   * @default none
   */
  readonly monthlyQuota?: number;
  /**
   * Whether the monthly allowance is a limit (refused past it, 429) rather than an allowance to bill against.
   * Only a `gate` plan can enforce it (a usage plan has one quota, the daily one).
   * @default false
   */
  readonly enforceMonthlyQuota?: boolean;
  /**
   * Credit balances, in units, at or below which a client holding prepaid credits gets one `Credit Balance Threshold
   * Crossed` event per threshold and top-up cycle (docs/alerts.md "Low credit balance"); a top-up that leaves the
   * balance above a threshold re-arms it. Only gate plans hold credits.
   * @default DEFAULT_CREDIT_ALERT_THRESHOLDS
   */
  readonly creditAlertThresholds?: readonly number[];
}

/** Low-balance thresholds of a plan that sets none: running low (1,000 units left), then spent (0 left). */
export const DEFAULT_CREDIT_ALERT_THRESHOLDS = [1_000, 0] as const;

export const PLANS = {
  // Free keys: the tier with the most clients and the lowest limits, admitted by the gate (no API Gateway key
  // each), held to their monthly allowance.
  free: {
    admission: 'gate',
    ratePerMinute: 10,
    burst: 5,
    dailyQuota: 100,
    monthlyQuota: 1_000,
    enforceMonthlyQuota: true,
    routes: ['hello', 'usage-summary', 'usage-daily'],
  },
  // Pay as you go: every route, admitted by the gate (no API Gateway key each), so weighted routes take their units
  // at admission and a client may hold prepaid credits; no monthly allowance, billed per unit. Its burst admits the
  // largest quote (50 lines, 50 units) at once.
  payg: { admission: 'gate', ratePerMinute: 100, burst: 50, dailyQuota: 10_000 },
  // Standard keys call everything but the strict-class quotes route, which is sold with premium and payg.
  standard: { ratePerMinute: 100, burst: 20, dailyQuota: 10_000, monthlyQuota: 250_000, routes: ['hello', 'usage-summary', 'usage-daily'] },
  premium: { ratePerMinute: 1_000, burst: 200, dailyQuota: 100_000 },
} as const satisfies Record<string, PlanDefinition>;

export type PlanName = keyof typeof PLANS;
export const PLAN_NAMES = Object.keys(PLANS) as PlanName[];

function definitionOf(plan: PlanName): PlanDefinition {
  return PLANS[plan];
}

/** Who admits the plan's requests (`gateway` unless the plan says `gate`). */
export function admissionOf(plan: PlanName): Admission {
  return definitionOf(plan).admission ?? 'gateway';
}

/** Whether a plan name (known or not) is admitted by the gate; an unknown plan is not. */
export function isGatePlan(plan: string): boolean {
  return isPlanName(plan) && admissionOf(plan) === 'gate';
}

/** The plans admitted by the gate, in `PLANS` order. */
export const GATE_PLAN_NAMES = PLAN_NAMES.filter((plan) => admissionOf(plan) === 'gate');

/**
 * Monthly allowance per plan (from `PLANS.<plan>.monthlyQuota`): units per client per UTC calendar month that the
 * plan includes. GET /v1/usage reports the month so far as a percentage of it; only gate plans with
 * `enforceMonthlyQuota` refuse past it, for the others it is an allowance to bill against. A plan without one has none.
 */
export const MONTHLY_QUOTAS: Partial<Record<PlanName, number>> = Object.fromEntries(
  PLAN_NAMES.flatMap((plan) => {
    const quota = definitionOf(plan).monthlyQuota;
    return quota === undefined ? [] : [[plan, quota]];
  }),
);

/** Whether the plan refuses requests past its monthly allowance (only gate plans can). */
export function enforcesMonthlyQuota(plan: PlanName): boolean {
  return definitionOf(plan).enforceMonthlyQuota === true;
}

/** The low-balance thresholds of a plan, in units, highest first. */
export function creditAlertThresholdsOf(plan: PlanName): readonly number[] {
  return [...(definitionOf(plan).creditAlertThresholds ?? DEFAULT_CREDIT_ALERT_THRESHOLDS)].sort((a, b) => b - a);
}

/**
 * Every plan's low-balance thresholds: a top-up re-arms each one it lifts the balance above, whatever the client's
 * plan (a plan change then finds the thresholds of the new plan armed as they should be).
 */
export const ALL_CREDIT_ALERT_THRESHOLDS: readonly number[] = [...new Set(PLAN_NAMES.flatMap(creditAlertThresholdsOf))].sort(
  (a, b) => b - a,
);

/** The most units one prepaid-credit top-up may add (a typo guard: a balance is money); `keys top-up` and the admin API. */
export const MAX_TOP_UP_UNITS = 1_000_000_000;

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

/** Refuses a plan the gate or API Gateway could not enforce as written; returns every reason (empty = valid). */
export function planProblems(name: string, plan: PlanDefinition): string[] {
  const problems: string[] = [];
  const admission = plan.admission ?? 'gateway';
  if (!(ADMISSIONS as readonly string[]).includes(admission)) {
    problems.push(`admission of plan ${name} must be gateway or gate: got ${JSON.stringify(admission)}`);
  }
  for (const field of ['ratePerMinute', 'burst', 'dailyQuota'] as const) {
    if (!Number.isSafeInteger(plan[field]) || plan[field] < 1) {
      problems.push(`${field} of plan ${name} must be a whole number of at least 1: got ${plan[field]}`);
    }
  }
  if (plan.monthlyQuota !== undefined && (!Number.isSafeInteger(plan.monthlyQuota) || plan.monthlyQuota < 1)) {
    problems.push(`monthlyQuota of plan ${name} must be a whole number of at least 1: got ${plan.monthlyQuota}`);
  }
  if (plan.enforceMonthlyQuota && plan.monthlyQuota === undefined) {
    problems.push(`plan ${name} enforces a monthly quota but sets no monthlyQuota`);
  }
  for (const threshold of plan.creditAlertThresholds ?? []) {
    if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > MAX_TOP_UP_UNITS) {
      problems.push(`creditAlertThresholds of plan ${name} must be whole numbers from 0 to ${MAX_TOP_UP_UNITS}: got ${threshold}`);
    }
  }
  if (plan.creditAlertThresholds && new Set(plan.creditAlertThresholds).size !== plan.creditAlertThresholds.length) {
    problems.push(`creditAlertThresholds of plan ${name} must not repeat a threshold: got ${plan.creditAlertThresholds.join(', ')}`);
  }
  if (plan.enforceMonthlyQuota && admission !== 'gate') {
    problems.push(`plan ${name} enforces its monthly quota, which only admission gate can: got admission ${admission}`);
  }
  return problems;
}

for (const name of PLAN_NAMES) {
  const problems = planProblems(name, PLANS[name]);
  if (problems.length > 0) throw new Error(problems.join('; '));
}
