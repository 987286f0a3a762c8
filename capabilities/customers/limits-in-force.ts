// The limits a client's requests are held to: its own override (`keys override`) where it has one, else its
// plan's. The one resolver every reader uses (RateLimit headers, GET /v1/usage, the daily summary, quota alerts,
// the twin's gateway and dashboard), so an override counts everywhere or nowhere.
import type { OverrideLimits } from '../../contracts/overrides';
import { enforcesMonthlyQuota, isPlanName, MONTHLY_QUOTAS, PLANS, type PlanLimits, type PlanName } from '../../contracts/plans';
import type { GateLimits } from '../gate/admission';

/** The limits in force, as GET /v1/usage and the RateLimit headers report them. */
export interface LimitsInForce extends OverrideLimits {
  readonly source: 'plan' | 'override';
  /** Requests per UTC calendar month included in the plan (reported, not enforced); null when none. */
  readonly monthlyQuota: number | null;
}

/** What decides a client's limits: its plan and its override (a client record, an authorizer context). */
export interface ClientLimits {
  readonly plan: string;
  readonly override?: OverrideLimits;
}

/** Plan limits by plan: the configured ones, or the twin's test-only lowered ones for its gateway. */
export type PlanCatalogue = Readonly<Record<PlanName, PlanLimits>>;

/** The limits in force for a client, or undefined when its plan is unknown (a malformed record or context). */
export function limitsInForce(client: ClientLimits, plans: PlanCatalogue = PLANS): LimitsInForce | undefined {
  if (!isPlanName(client.plan)) return undefined;
  const { override } = client;
  const base = override ?? plans[client.plan];
  return {
    source: override ? 'override' : 'plan',
    ratePerMinute: base.ratePerMinute,
    burst: base.burst,
    dailyQuota: base.dailyQuota,
    monthlyQuota: MONTHLY_QUOTAS[client.plan] ?? null,
  };
}

/** The daily quota in force for a client; undefined when its plan is unknown. */
export function dailyQuotaInForce(client: ClientLimits, plans: PlanCatalogue = PLANS): number | undefined {
  return limitsInForce(client, plans)?.dailyQuota;
}

/** The limits an override sets, without what a stored override carries besides (when it was set, its usage plan). */
export function overrideLimitsOf(override: OverrideLimits): OverrideLimits {
  return { ratePerMinute: override.ratePerMinute, burst: override.burst, dailyQuota: override.dailyQuota };
}

/** The limits the gate holds a gate-plan client to: its plan's or its override's, the monthly allowance only where enforced. */
export function gateLimitsInForce(plan: PlanName, override?: OverrideLimits): GateLimits {
  const limits = limitsInForce({ plan, override })!;
  return {
    burst: limits.burst,
    ratePerMinute: limits.ratePerMinute,
    dailyQuota: limits.dailyQuota,
    monthlyQuota: enforcesMonthlyQuota(plan) ? limits.monthlyQuota : null,
  };
}
