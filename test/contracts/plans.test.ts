// Plans and route units as contracts: the admission of each plan, the free plan on the gate, the monthly allowance
// only a gate plan can enforce, and each route's cost in units, refused with a clear error when it cannot hold.
import {
  admissionOf,
  enforcesMonthlyQuota,
  GATE_PLAN_NAMES,
  isGatePlan,
  MONTHLY_QUOTAS,
  PLAN_NAMES,
  PLANS,
  type PlanDefinition,
  planProblems,
} from '../../contracts/plans';
import { planIncludesRoute } from '../../contracts/route-access';
import { quoteRequest } from '../../contracts/routes/quotes';
import { ROUTES, type RouteDefinition, unitsOf } from '../../contracts/routes';
import { routeUnitsProblem } from '../../contracts/routes/route';

describe('admission per plan', () => {
  it('keeps existing plans on the gateway and puts the free plan on the gate', () => {
    expect(admissionOf('standard')).toBe('gateway');
    expect(admissionOf('premium')).toBe('gateway');
    expect(admissionOf('free')).toBe('gate');
    expect(GATE_PLAN_NAMES).toEqual(['free', 'payg']);
    expect(isGatePlan('free')).toBe(true);
    expect(isGatePlan('standard')).toBe(false);
    expect(isGatePlan('nope')).toBe(false);
  });

  it('gives the free plan the lowest limits of all plans and an enforced monthly allowance', () => {
    for (const plan of PLAN_NAMES.filter((p) => p !== 'free')) {
      expect(PLANS.free.ratePerMinute).toBeLessThan(PLANS[plan].ratePerMinute);
      expect(PLANS.free.dailyQuota).toBeLessThan(PLANS[plan].dailyQuota);
    }
    expect(enforcesMonthlyQuota('free')).toBe(true);
    expect(enforcesMonthlyQuota('standard')).toBe(false);
    expect(MONTHLY_QUOTAS).toEqual({ free: 1_000, standard: 250_000 });
  });

  it('accepts every shipped plan', () => {
    for (const plan of PLAN_NAMES) expect(planProblems(plan, PLANS[plan])).toEqual([]);
  });

  it('refuses an enforced monthly allowance on a gateway plan, and one without a quota', () => {
    expect(planProblems('p', { ...PLANS.standard, enforceMonthlyQuota: true })).toEqual([
      'plan p enforces its monthly quota, which only admission gate can: got admission gateway',
    ]);
    expect(planProblems('p', { ratePerMinute: 10, burst: 5, dailyQuota: 10, admission: 'gate', enforceMonthlyQuota: true })).toEqual([
      'plan p enforces a monthly quota but sets no monthlyQuota',
    ]);
  });

  it('refuses an unknown admission and limits that are not whole numbers', () => {
    expect(planProblems('p', { ratePerMinute: 10, burst: 5, dailyQuota: 10, admission: 'magic' as never })).toEqual([
      'admission of plan p must be gateway or gate: got "magic"',
    ]);
    expect(planProblems('p', { ratePerMinute: 10, burst: 5, dailyQuota: 0.5, monthlyQuota: -1 })).toEqual([
      'dailyQuota of plan p must be a whole number of at least 1: got 0.5',
      'monthlyQuota of plan p must be a whole number of at least 1: got -1',
    ]);
  });
});

describe('route units', () => {
  const input = { query: {}, path: {}, body: undefined };

  it('costs 1 by default, 0 to read one usage, and one per line item to price a quote', () => {
    const units = Object.fromEntries(
      (ROUTES as readonly RouteDefinition[]).map((route) => [
        route.id,
        typeof route.units === 'function' ? 'computed' : unitsOf(route, input),
      ]),
    );
    expect(units).toEqual({ hello: 1, 'usage-summary': 0, 'usage-daily': 0, quotes: 'computed' });
    const quotes = ROUTES.find((route) => route.id === 'quotes')!;
    const body = { currency: 'EUR', items: [1, 2, 3].map((quantity) => ({ sku: 'A', quantity })) };
    expect(unitsOf(quotes, { ...input, body })).toBe(3);
  });

  it('lets every gate plan that includes the quotes route admit its largest valid quote (50 lines) at once', () => {
    const quotes = ROUTES.find((route) => route.id === 'quotes')!;
    const largest = { currency: 'EUR', items: Array.from({ length: 50 }, () => ({ sku: 'A', quantity: 1 })) };
    expect(quoteRequest.safeParse(largest).success).toBe(true);
    expect(quoteRequest.safeParse({ ...largest, items: [...largest.items, largest.items[0]] }).success).toBe(false);
    const units = unitsOf(quotes, { ...input, body: largest });
    const gatePlans = GATE_PLAN_NAMES.filter((plan) => planIncludesRoute(plan, 'quotes'));
    expect(gatePlans).toEqual(['payg']);
    for (const plan of gatePlans) {
      const limits: PlanDefinition = PLANS[plan];
      expect(Math.min(limits.burst, limits.ratePerMinute, limits.dailyQuota, limits.monthlyQuota ?? Infinity)).toBeGreaterThanOrEqual(
        units,
      );
    }
  });

  it('refuses a cost that is not a whole number of at least 0, fixed or computed', () => {
    expect(routeUnitsProblem({ id: 'r', units: 1.5 })).toBe('units of route r must be a whole number of at least 0: got 1.5');
    expect(routeUnitsProblem({ id: 'r', units: -1 })).toBe('units of route r must be a whole number of at least 0: got -1');
    expect(routeUnitsProblem({ id: 'r', units: () => -1 })).toBeUndefined();
    expect(() => unitsOf({ id: 'r', units: () => -1 }, input)).toThrow('units of route r must be a whole number of at least 0: got -1');
  });
});
