// The limits in force for a caller, without storage: the override caps and their validation, the limits and
// month-so-far fields of GET /v1/usage, the RateLimit headers and the authorizer context of an override.
import { overrideCaps, resolveOverride } from '../../../contracts/overrides';
import { dailyQuotaInForce, limitsInForce } from '../../../capabilities/customers/limits-in-force';
import { MONTHLY_QUOTAS, PLANS } from '../../../contracts/plans';
import { STAGES } from '../../../contracts/stages';
import { usageSummaryResponse } from '../../../contracts/routes/usage-summary';
import { overrideContext, overrideFromContext } from '../../../capabilities/authorizer/client-context';
import { rateLimitPolicy, rateLimitRemaining } from '../../../capabilities/http/rate-limit';
import { usageSummary } from '../../../capabilities/analytics/usage-summary';
import { counters, dayItems, memoryReader } from './fixtures';

const HELLO = 'GET /v1/hello';
const OVERRIDE = { ratePerMinute: 600, burst: 120, dailyQuota: 50_000 };

describe('override caps', () => {
  it('are 10 × the largest plan, never above the stage throttle', () => {
    expect(overrideCaps(STAGES.dev.stageThrottle)).toEqual({ ratePerMinute: 6_000, burst: 200, dailyQuota: 1_000_000 });
    expect(overrideCaps(STAGES.prod.stageThrottle)).toEqual({ ratePerMinute: 10_000, burst: 2_000, dailyQuota: 1_000_000 });
  });

  it('fill what is not given from the plan, and refuse each bad value with a reason that does not echo it', () => {
    const caps = overrideCaps(STAGES.dev.stageThrottle);
    expect(resolveOverride('standard', { dailyQuota: 50_000 }, caps)).toEqual({
      limits: { ratePerMinute: PLANS.standard.ratePerMinute, burst: PLANS.standard.burst, dailyQuota: 50_000 },
    });
    expect(resolveOverride('standard', {}, caps)).toEqual({
      problems: [{ field: 'override', message: 'give at least one of rate, burst and daily quota' }],
    });
    const refused = resolveOverride('standard', { ratePerMinute: 6_001, burst: 0, dailyQuota: 1.5 }, caps);
    expect(refused).toEqual({
      problems: [
        { field: 'ratePerMinute', message: expect.stringContaining('from 1 to 6000') },
        { field: 'burst', message: expect.stringContaining('from 1 to 200') },
        { field: 'dailyQuota', message: expect.stringContaining('from 1 to 1000000') },
      ],
    });
    expect(JSON.stringify(refused)).not.toMatch(/6001|1\.5/);
    expect(resolveOverride('standard', { ratePerMinute: Number.NaN }, caps)).toHaveProperty('problems');
    // Burst at most one minute of the rate, the rate coming from the plan when not given (standard: 100/min).
    expect(resolveOverride('standard', { burst: 150 }, caps)).toEqual({
      problems: [{ field: 'burst', message: 'must not exceed one minute of the rate (100)' }],
    });
    expect(resolveOverride('standard', { ratePerMinute: 6_000, burst: 200, dailyQuota: 1_000_000 }, caps)).toHaveProperty('limits');
  });
});

describe('limits in force', () => {
  it('are the plan, or the override with the plan monthly allowance', () => {
    expect(limitsInForce({ plan: 'standard' })).toEqual({
      source: 'plan',
      ...{ ratePerMinute: 100, burst: 20, dailyQuota: 10_000 },
      monthlyQuota: MONTHLY_QUOTAS.standard,
    });
    expect(limitsInForce({ plan: 'premium', override: OVERRIDE })).toEqual({ source: 'override', ...OVERRIDE, monthlyQuota: null });
    // A stored override carries more than its limits (setAt, its usage plan): only the limits count.
    expect(limitsInForce({ plan: 'premium', override: { ...OVERRIDE, setAt: 'x', usagePlanId: 'up' } as typeof OVERRIDE })).toEqual({
      source: 'override',
      ...OVERRIDE,
      monthlyQuota: null,
    });
  });

  it('give the daily quota in force, and nothing for an unknown plan', () => {
    expect(dailyQuotaInForce({ plan: 'standard' })).toBe(PLANS.standard.dailyQuota);
    expect(dailyQuotaInForce({ plan: 'standard', override: OVERRIDE })).toBe(OVERRIDE.dailyQuota);
    expect(dailyQuotaInForce({ plan: 'platinum', override: OVERRIDE })).toBeUndefined();
    // The twin's gateway passes its lowered plans; an override still wins over them.
    const lowered = { ...PLANS, standard: { ...PLANS.standard, dailyQuota: 5 } };
    expect(dailyQuotaInForce({ plan: 'standard' }, lowered)).toBe(5);
    expect(dailyQuotaInForce({ plan: 'standard', override: OVERRIDE }, lowered)).toBe(OVERRIDE.dailyQuota);
  });

  it('travel in the authorizer context as numbers and come back from strings', () => {
    const context = overrideContext(OVERRIDE);
    expect(overrideFromContext(context)).toEqual(OVERRIDE);
    expect(overrideFromContext(Object.fromEntries(Object.entries(context).map(([k, v]) => [k, String(v)])))).toEqual(OVERRIDE);
    expect(overrideContext(undefined)).toEqual({});
    expect(overrideFromContext({ ...context, overrideBurst: 'x' })).toBeUndefined();
    expect(overrideFromContext({ plan: 'standard' })).toBeUndefined();
  });

  it('set the RateLimit headers', () => {
    const now = new Date('2026-03-01T23:00:00Z');
    expect(rateLimitPolicy('standard', 'default', OVERRIDE)).toBe('"override";q=600;w=60, "daily";q=50000;w=86400');
    expect(rateLimitPolicy('standard', 'strict', OVERRIDE)).toBe('"strict";q=10;w=60, "override";q=600;w=60, "daily";q=50000;w=86400');
    expect(rateLimitPolicy('standard', 'default')).toBe('"standard";q=100;w=60, "daily";q=10000;w=86400');
    expect(rateLimitRemaining('standard', 12_000, '2026-03-01', now, OVERRIDE)).toBe('"daily";r=38000;t=3600');
    expect(rateLimitRemaining('standard', 12_000, '2026-03-01', now)).toBe('"daily";r=0;t=3600');
  });
});

describe('GET /v1/usage: limits and the month so far', () => {
  const clientId = 'cl_m';
  const items = [
    ...dayItems(clientId, '2026-02-28', { [HELLO]: counters(1_000) }),
    ...dayItems(clientId, '2026-03-01', { [HELLO]: counters(2_000) }),
    ...dayItems(clientId, '2026-03-14', { [HELLO]: counters(500) }),
    ...dayItems(clientId, '2026-03-15', { [HELLO]: counters(12_500) }),
  ];

  it('reports the plan limits and the month against its allowance from the period counters', async () => {
    const reader = memoryReader(items);
    const body = await usageSummary({ clientId, plan: 'standard', query: {}, today: '2026-03-15' }, reader);
    expect(usageSummaryResponse.parse(body)).toEqual(body);
    expect(body.limits).toEqual({
      source: 'plan',
      ratePerMinute: 100,
      burst: 20,
      dailyQuota: 10_000,
      monthlyQuota: 250_000,
      strict: { ratePerMinute: 10, burst: 5 },
    });
    expect(body.today).toEqual({ requests: 12_500, quota: 10_000, percentOfQuota: 125 });
    expect(body.month).toEqual({
      month: '2026-03',
      from: '2026-03-01',
      to: '2026-03-15',
      requests: 15_000,
      quota: 250_000,
      percentOfQuota: 6,
    });
    expect(reader.reads).toBe(1);
  });

  it('holds an override to its own quota; no allowance gives nulls; a period that misses the month reads it', async () => {
    const reader = memoryReader(items);
    const body = await usageSummary(
      { clientId, plan: 'premium', query: { from: '2026-02-28', to: '2026-02-28' }, today: '2026-03-15', override: OVERRIDE },
      reader,
    );
    expect(usageSummaryResponse.parse(body)).toEqual(body);
    expect(body.plan.dailyQuota).toBe(PLANS.premium.dailyQuota);
    expect(body.limits).toMatchObject({ source: 'override', ...OVERRIDE, monthlyQuota: null });
    expect(body.today).toEqual({ requests: 12_500, quota: 50_000, percentOfQuota: 25 });
    expect(body.month).toEqual({
      month: '2026-03',
      from: '2026-03-01',
      to: '2026-03-15',
      requests: 15_000,
      quota: null,
      percentOfQuota: null,
    });
    expect(reader.reads).toBe(3);
  });
});
