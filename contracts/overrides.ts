// Per-client overrides: the limits an override sets, the caps it must stay within and its validation. Read by the
// keys CLI, the admin API and the override use case; the limits in force for a client (its plan's, or its
// override's) are resolved in capabilities/customers/limits-in-force.ts.
import { PLAN_NAMES, PLANS, type PlanLimits, type PlanName } from './plans';

/** An override value may be at most this many times the largest plan's value (rate, burst, daily quota). */
export const OVERRIDE_CAP_MULTIPLE = 10;

/** The limits an override sets: a complete set (values not given are the plan's at the time). */
export type OverrideLimits = Pick<PlanLimits, 'ratePerMinute' | 'burst' | 'dailyQuota'>;

/** What an operator asks for; at least one value. */
export type OverrideRequest = Partial<OverrideLimits>;

export const OVERRIDE_FIELDS = ['ratePerMinute', 'burst', 'dailyQuota'] as const;
export type OverrideField = (typeof OVERRIDE_FIELDS)[number];

/** The stage-wide throttle (contracts/stages.ts `stageThrottle`): a ceiling no key can exceed anyway. */
export interface StageCeiling {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export type OverrideCaps = Readonly<Record<OverrideField, number>>;

function largest(field: OverrideField): number {
  return Math.max(...PLAN_NAMES.map((plan) => PLANS[plan][field]));
}

/**
 * The most an override may set on a stage: `OVERRIDE_CAP_MULTIPLE` × the largest plan's value, and never
 * above the stage throttle (rate and burst). dev: 6,000/min, burst 200, 1,000,000/day; prod: 10,000/min,
 * burst 2,000, 1,000,000/day.
 */
export function overrideCaps(stage: StageCeiling): OverrideCaps {
  return {
    ratePerMinute: Math.min(OVERRIDE_CAP_MULTIPLE * largest('ratePerMinute'), stage.ratePerSecond * 60),
    burst: Math.min(OVERRIDE_CAP_MULTIPLE * largest('burst'), stage.burst),
    dailyQuota: OVERRIDE_CAP_MULTIPLE * largest('dailyQuota'),
  };
}

/** One refused value: the field and why, never the value itself (answers must not echo input). */
export interface OverrideProblem {
  readonly field: OverrideField | 'override';
  readonly message: string;
}

/**
 * The complete override from a request on top of the client's plan, or every reason it is refused:
 * integers from 1 to the cap, and a burst of at most one minute of the rate.
 */
export function resolveOverride(
  plan: PlanName,
  request: OverrideRequest,
  caps: OverrideCaps,
): { readonly limits: OverrideLimits } | { readonly problems: readonly OverrideProblem[] } {
  const given = OVERRIDE_FIELDS.filter((field) => request[field] !== undefined);
  if (given.length === 0) return { problems: [{ field: 'override', message: 'give at least one of rate, burst and daily quota' }] };
  const problems: OverrideProblem[] = [];
  for (const field of given) {
    const value = request[field] as number;
    if (!Number.isSafeInteger(value) || value < 1 || value > caps[field]) {
      problems.push({ field, message: `must be a whole number from 1 to ${caps[field]} (${capReason(field)})` });
    }
  }
  if (problems.length > 0) return { problems };
  const limits: OverrideLimits = {
    ratePerMinute: request.ratePerMinute ?? PLANS[plan].ratePerMinute,
    burst: request.burst ?? PLANS[plan].burst,
    dailyQuota: request.dailyQuota ?? PLANS[plan].dailyQuota,
  };
  if (limits.burst > limits.ratePerMinute) {
    return { problems: [{ field: 'burst', message: `must not exceed one minute of the rate (${limits.ratePerMinute})` }] };
  }
  return { limits };
}

function capReason(field: OverrideField): string {
  const base = `${OVERRIDE_CAP_MULTIPLE} × the largest plan's ${largest(field)}`;
  return field === 'dailyQuota' ? base : `${base}, and no more than the stage throttle`;
}
