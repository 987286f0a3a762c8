// Rating against hand-computed examples: included units, graduated tiers, a mid-month plan change prorated per
// period, what is billable (2xx/3xx only, usage reads never), a what-if under another plan and price book.
import { daysOfMonth } from '../../../capabilities/statements/months';
import type { ClientMonth } from '../../../capabilities/statements/monthly-usage';
import { mulDivRound, rateMonth, type DayToRate } from '../../../capabilities/billing/rating';
import { whatIf } from '../../../capabilities/billing/rated-statement';
import { billableRuleProblems, priceBookProblems, PRICING } from '../../../contracts/pricing';
import { emptyCounters, type CounterValues } from '../../../capabilities/usage/counters';

const ok = (units: number) => ({ units, clientErrorUnits: 0, serverErrorUnits: 0 });

/** Every day of `month` under `planOf(day)`, with `usage[day]` as its route counters. */
function month(m: string, planOf: (day: string) => string, usage: Record<string, Record<string, ReturnType<typeof ok>>>): DayToRate[] {
  return daysOfMonth(m).map((day) => ({ day, plan: planOf(day), routes: new Map(Object.entries(usage[day] ?? {})) }));
}

it('rounds half up exactly, past 2^53 in the product', () => {
  expect(mulDivRound(5, 1, 10)).toBe(1);
  expect(mulDivRound(4, 1, 10)).toBe(0);
  expect(mulDivRound(4_900, 10, 30)).toBe(1_633);
  expect(mulDivRound(9_000_000_000_000, 1_000, 1_000)).toBe(9_000_000_000_000);
});

it('rates a whole month: fee, included units, then two graduated tiers (hand-computed: 62,400)', () => {
  // standard: 4,900 fee; 250,000 included; 1,250,000 beyond: 1,000,000 × 50/1000 = 50,000, then 250,000 × 30/1000 = 7,500.
  const rating = rateMonth(
    'cl_a',
    '2026-03',
    month('2026-03', () => 'standard', { '2026-03-05': { 'GET /v1/hello': ok(1_500_000) } }),
  );
  expect(rating.lines.map((l) => [l.kind, l.units, l.amountMinor])).toEqual([
    ['fee', 0, 4_900],
    ['included', 250_000, 0],
    ['tier', 1_000_000, 50_000],
    ['tier', 250_000, 7_500],
  ]);
  expect(rating).toMatchObject({ currency: 'usd', billableUnits: 1_500_000, totalMinor: 62_400 });
});

it('bills 2xx/3xx units only: no 4xx (refusals), no 5xx, no usage reads', () => {
  const rating = rateMonth(
    'cl_a',
    '2026-03',
    month('2026-03', () => 'standard', {
      '2026-03-02': {
        'POST /v1/quotes': { units: 400_000, clientErrorUnits: 50_000, serverErrorUnits: 40_000 },
        'GET /v1/usage': ok(7),
      },
    }),
  );
  // 310,000 billable: 250,000 included, 60,000 × 50/1000 = 3,000.
  expect(rating).toMatchObject({ billableUnits: 310_000, totalMinor: 4_900 + 3_000 });
});

it('rates a mid-month plan change per period, fee and included units prorated by days (hand-computed: 27,399)', () => {
  // April (30 days): standard 1–10, premium 11–30.
  // standard: fee 4,900 × 10/30 = 1,633.3 → 1,633; included 250,000 × 10/30 → 83,333; 116,667 × 50/1000 = 5,833.35 → 5,833.
  // premium: fee 29,900 × 20/30 = 19,933.3 → 19,933; included 2,000,000 × 20/30 → 1,333,333 ≥ 1,000,000 used: 0.
  const rating = rateMonth(
    'cl_a',
    '2026-04',
    month('2026-04', (day) => (day <= '2026-04-10' ? 'standard' : 'premium'), {
      '2026-04-03': { 'GET /v1/hello': ok(200_000) },
      '2026-04-20': { 'POST /v1/quotes': ok(1_000_000) },
    }),
  );
  expect(rating.lines.map((l) => [l.plan, l.kind, l.from, l.to, l.units, l.amountMinor])).toEqual([
    ['standard', 'fee', '2026-04-01', '2026-04-10', 0, 1_633],
    ['standard', 'included', '2026-04-01', '2026-04-10', 83_333, 0],
    ['standard', 'tier', '2026-04-01', '2026-04-10', 116_667, 5_833],
    ['premium', 'fee', '2026-04-11', '2026-04-30', 0, 19_933],
    ['premium', 'included', '2026-04-11', '2026-04-30', 1_000_000, 0],
  ]);
  expect(rating.totalMinor).toBe(27_399);
});

it('re-rates a month under another plan and price book and shows the difference', () => {
  const total = (units: number): CounterValues => ({ ...emptyCounters(), requests: units, units });
  const usage: ClientMonth = {
    client: { clientId: 'cl_a', plan: 'standard' } as ClientMonth['client'],
    days: [{ day: '2026-03-05', total: total(1_500_000), routes: new Map([['GET /v1/hello', total(1_500_000)]]), plans: ['standard'] }],
    planDays: daysOfMonth('2026-03').map((day) => ({ day, plans: ['standard'] })),
  };
  expect(whatIf('2026-03', [usage], 'premium')).toEqual([expect.objectContaining({ clientId: 'cl_a', differenceMinor: 29_900 - 62_400 })]);
  const cheaper = { ...PRICING.premium, prices: { ...PRICING.premium.prices, monthlyFeeMinor: 0, includedUnits: 0 } };
  // 1,500,000 × 30/1000 = 45,000.
  const [result] = whatIf('2026-03', [usage], 'premium', cheaper);
  expect([result.actual.totalMinor, result.whatIf.totalMinor, result.differenceMinor]).toEqual([62_400, 45_000, -17_400]);
});

it('refuses price books and rules that are not whole minor units, ascending tiers, known routes and outcomes', () => {
  expect(priceBookProblems('x', PRICING.standard.prices)).toEqual([]);
  expect(
    priceBookProblems('x', {
      currency: 'USD',
      monthlyFeeMinor: 4.9,
      includedUnits: -1,
      perUnits: 0,
      tiers: [
        { upTo: 10, priceMinor: 1 },
        { upTo: 5, priceMinor: 0.5 },
        { upTo: 20, priceMinor: 1 },
      ],
    }),
  ).toEqual([
    'currency of x must be 3 lower-case letters (ISO 4217): got "USD"',
    'monthlyFeeMinor of x must be a whole number of at least 0 (minor units, no fractions): got 4.9',
    'includedUnits of x must be a whole number of at least 0 (minor units, no fractions): got -1',
    'perUnits of x must be a whole number of at least 1 (minor units, no fractions): got 0',
    'tier 2 of x: priceMinor must be a whole number of at least 0: got 0.5',
    'tier 2 of x: upTo must be a whole number above 10: got 5',
    'tier 3 of x: the last tier must have upTo null (no end): got 20',
  ]);
  expect(billableRuleProblems('x', { outcomes: ['ok', 'teapot' as never], freeRoutes: ['nope'] })).toEqual([
    'billable outcome of x must be one of ok, clientError, serverError: got "teapot"',
    'free route of x is not a route id: got "nope"',
  ]);
});
