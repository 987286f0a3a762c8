// A client's override in the authorizer's context: the authorizer writes it, the handlers (RateLimit headers,
// GET /v1/usage) and the twin's usage plans read it. API Gateway hands context values to the integration as
// strings, so reading accepts both numbers and numeric strings.
import type { OverrideLimits } from '../../contracts/overrides';

const FIELDS = {
  ratePerMinute: 'overrideRatePerMinute',
  burst: 'overrideBurst',
  dailyQuota: 'overrideDailyQuota',
} as const satisfies Record<keyof OverrideLimits, string>;

/** Context entries for an override; none without one (a plan's limits need no context). */
export function overrideContext(override: OverrideLimits | undefined): Record<string, number> {
  if (!override) return {};
  return {
    [FIELDS.ratePerMinute]: override.ratePerMinute,
    [FIELDS.burst]: override.burst,
    [FIELDS.dailyQuota]: override.dailyQuota,
  };
}

/** The override in an authorizer context, or undefined unless all three values are positive integers. */
export function overrideFromContext(context: Record<string, unknown> | null | undefined): OverrideLimits | undefined {
  if (!context) return undefined;
  const read = (name: string) => {
    const raw = context[name];
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw !== '' ? Number(raw) : Number.NaN;
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  };
  const ratePerMinute = read(FIELDS.ratePerMinute);
  const burst = read(FIELDS.burst);
  const dailyQuota = read(FIELDS.dailyQuota);
  if (ratePerMinute === undefined || burst === undefined || dailyQuota === undefined) return undefined;
  return { ratePerMinute, burst, dailyQuota };
}
