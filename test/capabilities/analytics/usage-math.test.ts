// The analytics arithmetic without storage: periods, averages, percentages, zero-fill, UTC days.
import fc from 'fast-check';
import { addDays, dayRange, daysBetween, utcDay } from '../../../capabilities/usage/calendar-days';
import { HISTOGRAM_SIZE } from '../../../capabilities/usage/counters';
import { HttpProblem } from '../../../capabilities/http/problem';
import { resolvePeriod, summarize, usageSummary } from '../../../capabilities/analytics/usage-summary';
import { usageSummaryResponse } from '../../../contracts/routes/usage-summary';
import { dailyTrend, usageDaily } from '../../../capabilities/analytics/usage-daily';
import { usageDailyResponse } from '../../../contracts/routes/usage-daily';
import { usageFromItems } from '../../../capabilities/usage/usage-reader';
import { PLANS } from '../../../contracts/plans';
import { ROUTES, routeKey } from '../../../contracts/routes';
import { counterItem, counters, dayItems, memoryReader, type Item } from './fixtures';

const HELLO = 'GET /v1/hello';
const QUOTES = 'POST /v1/quotes';

function problemOf(fn: () => unknown): HttpProblem {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('expected a 400 problem');
}

describe('calendar days (UTC)', () => {
  it('counts leap days and crosses months and years', () => {
    expect(dayRange('2024-02-27', '2024-03-01')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(dayRange('2025-02-27', '2025-03-01')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01']);
    expect(dayRange('2025-12-30', '2026-01-02')).toEqual(['2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02']);
    expect(daysBetween('2000-01-01', '2001-01-01')).toBe(366); // 2000 is a leap year
    expect(daysBetween('2100-01-01', '2101-01-01')).toBe(365); // 2100 is not
    expect(addDays('0050-03-01', -1)).toBe('0050-02-28'); // years below 100 stay themselves
  });

  it('takes the UTC day whatever the process time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
        process.env.TZ = tz;
        expect(utcDay(new Date('2026-11-28T23:59:59.999Z'))).toBe('2026-11-28');
        expect(utcDay(new Date('2026-11-29T00:00:00.000Z'))).toBe('2026-11-29');
        expect(addDays('2026-03-28', 2)).toBe('2026-03-30'); // across European DST change
      }
    } finally {
      process.env.TZ = saved;
    }
  });

  it('round-trips day arithmetic (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -400, max: 400 }),
        (date, n) => {
          const day = utcDay(date);
          const later = addDays(day, n);
          expect(addDays(later, -n)).toBe(day);
          expect(daysBetween(day, later)).toBe(n);
          const range = n >= 0 ? dayRange(day, later) : dayRange(later, day);
          expect(range).toHaveLength(Math.abs(n) + 1);
          expect(range.every((d, i) => i === 0 || daysBetween(range[i - 1], d) === 1)).toBe(true);
        },
      ),
    );
  });
});

describe('resolvePeriod', () => {
  const today = '2026-11-28';

  it('defaults to the last 30 days up to today', () => {
    expect(resolvePeriod({}, today)).toEqual({ from: '2026-10-30', to: today, days: 30 });
    expect(resolvePeriod({ to: '2026-03-01' }, today)).toEqual({ from: '2026-01-31', to: '2026-03-01', days: 30 });
    expect(resolvePeriod({ from: '2026-11-01' }, today)).toEqual({ from: '2026-11-01', to: today, days: 28 });
  });

  it('counts days across leap days, months and years', () => {
    expect(resolvePeriod({ from: '2024-02-28', to: '2024-03-01' }, today).days).toBe(3);
    expect(resolvePeriod({ from: '2025-02-28', to: '2025-03-01' }, today).days).toBe(2);
    expect(resolvePeriod({ from: '2025-12-31', to: '2026-01-01' }, today).days).toBe(2);
    expect(resolvePeriod({ from: today, to: today }, today).days).toBe(1);
  });

  it('accepts 366 days and refuses 367, naming from', () => {
    expect(resolvePeriod({ from: '2025-11-28', to: '2026-11-28' }, today).days).toBe(366);
    expect(resolvePeriod({ from: '2024-01-01', to: '2024-12-31' }, today).days).toBe(366); // a leap year
    const problem = problemOf(() => resolvePeriod({ from: '2025-11-27', to: '2026-11-28' }, today));
    expect(problem.statusCode).toBe(400);
    expect(problem.errors).toEqual([{ path: 'query.from', message: expect.stringContaining('366 days') }]);
    expect(problemOf(() => resolvePeriod({ from: '2025-11-27' }, today)).errors?.map((e) => e.path)).toEqual(['query.from']);
  });

  it('refuses from after to, and days after today, naming each field without echoing it', () => {
    expect(problemOf(() => resolvePeriod({ from: '2026-11-10', to: '2026-11-09' }, today)).errors).toEqual([
      { path: 'query.from', message: 'must not be after to' },
    ]);
    expect(problemOf(() => resolvePeriod({ to: '2026-11-29' }, today)).errors).toEqual([
      { path: 'query.to', message: 'must not be after today (UTC)' },
    ]);
    expect(problemOf(() => resolvePeriod({ from: '2026-11-29' }, today)).errors).toEqual([
      { path: 'query.from', message: 'must not be after today (UTC)' },
    ]);
    const both = problemOf(() => resolvePeriod({ from: '2027-01-02', to: '2027-01-01' }, today));
    expect(both.errors?.map((e) => e.path).sort()).toEqual(['query.from', 'query.to']);
    expect(JSON.stringify(both.errors)).not.toMatch(/2027/);
  });
});

describe('summarize', () => {
  const clientId = 'cl_a';
  const today = '2026-03-01';
  const items: Item[] = [
    ...dayItems(clientId, '2026-02-27', {
      [HELLO]: counters(30, { clientErrors: 3, latencySumMs: 300, bucket: 1 }),
      [QUOTES]: counters(10, { serverErrors: 1, latencySumMs: 700, bucket: 5, units: 34 }),
    }),
    ...dayItems(clientId, today, { [HELLO]: counters(20, { clientErrors: 2, latencySumMs: 410, bucket: 2 }) }),
    // Outside the period and another client: never counted.
    ...dayItems(clientId, '2026-02-01', { [HELLO]: counters(999) }),
    ...dayItems('cl_b', today, { [HELLO]: counters(555) }),
  ];

  it('computes totals, averages, percentages and today against the plan', async () => {
    const body = await usageSummary({ clientId, plan: 'standard', query: { from: '2026-02-26', to: today }, today }, memoryReader(items));
    expect(usageSummaryResponse.parse(body)).toEqual(body);
    expect(body.clientId).toBe(clientId);
    expect(body.plan).toEqual({ name: 'standard', ratePerMinute: 100, dailyQuota: 10_000, strict: { ratePerMinute: 10 } });
    expect(body.period).toEqual({ from: '2026-02-26', to: today, days: 4 });
    // 60 requests, latency sum 1410 ms → 23.5 ms; histogram: 30 in ≤10, 20 in ≤25, 10 in ≤250 → p95 in ≤250.
    expect(body.totals).toEqual({ requests: 60, units: 84, clientErrors: 5, serverErrors: 1, avgLatencyMs: 23.5, p95LatencyMs: 250 });
    expect(body.averagePerDay).toBe(15);
    expect(body.today).toEqual({ requests: 20, quota: 10_000, percentOfQuota: 0.2 });
    expect(body.routes[0]).toEqual({ route: HELLO, requests: 50, units: 50, percent: 83.33, clientErrors: 5, serverErrors: 0 });
    expect(body.routes[1]).toEqual({ route: QUOTES, requests: 10, units: 34, percent: 16.67, clientErrors: 0, serverErrors: 1 });
    // Every configured route is listed, idle ones with zeros.
    expect(body.routes.map((r) => r.route).sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('reads today separately when the period ends before today', async () => {
    const reader = memoryReader(items);
    const body = await usageSummary({ clientId, plan: 'premium', query: { from: '2026-02-27', to: '2026-02-27' }, today }, reader);
    expect(body.totals.requests).toBe(40);
    expect(body.today).toEqual({ requests: 20, quota: PLANS.premium.dailyQuota, percentOfQuota: 0.02 });
    expect(reader.reads).toBe(2);
  });

  it('reports zeros, not NaN, for a period without traffic', async () => {
    const body = await usageSummary({ clientId: 'cl_idle', plan: 'standard', query: {}, today }, memoryReader(items));
    expect(body.totals).toEqual({ requests: 0, units: 0, clientErrors: 0, serverErrors: 0, avgLatencyMs: 0, p95LatencyMs: 0 });
    expect(body.averagePerDay).toBe(0);
    expect(body.routes.every((r) => r.percent === 0 && r.requests === 0)).toBe(true);
    expect(usageSummaryResponse.parse(body)).toEqual(body);
  });

  it('lists a route that is no longer configured but has traffic', () => {
    const days = usageFromItems(dayItems(clientId, today, { 'GET /v0/legacy': counters(4) }));
    const body = summarize({
      clientId,
      plan: 'standard',
      period: { from: today, to: today, days: 1 },
      days,
      todayRequests: 4,
      monthRequests: 4,
      today,
    });
    expect(body.routes[0]).toMatchObject({ route: 'GET /v0/legacy', requests: 4, percent: 100 });
  });

  it("refuses a plan it does not know (a server fault, not the client's)", () => {
    expect(() =>
      summarize({
        clientId,
        plan: 'gold',
        period: { from: today, to: today, days: 1 },
        days: new Map(),
        todayRequests: 0,
        monthRequests: 0,
        today,
      }),
    ).toThrow(/no known plan/);
  });
});

describe('usageDaily', () => {
  it('returns exactly N days ending today, oldest first, zero-filled, across a leap day', async () => {
    const items = [
      counterItem('cl_a', '2024-02-29', undefined, counters(7, { latencySumMs: 71 })),
      counterItem('cl_a', '2024-02-29', HELLO, counters(7, { latencySumMs: 71 })),
    ];
    const body = await usageDaily({ clientId: 'cl_a', query: { days: '3' }, today: '2024-03-01' }, memoryReader(items));
    expect(usageDailyResponse.parse(body)).toEqual(body);
    expect(body.days).toEqual([
      { date: '2024-02-28', requests: 0, units: 0, clientErrors: 0, serverErrors: 0, avgLatencyMs: 0 },
      { date: '2024-02-29', requests: 7, units: 7, clientErrors: 0, serverErrors: 0, avgLatencyMs: 10.1 },
      { date: '2024-03-01', requests: 0, units: 0, clientErrors: 0, serverErrors: 0, avgLatencyMs: 0 },
    ]);
  });

  it('defaults to 30 days and crosses a year boundary', async () => {
    const body = await usageDaily({ clientId: 'cl_a', query: {}, today: '2026-01-10' }, memoryReader([]));
    expect(body.days).toHaveLength(30);
    expect(body.days[0].date).toBe('2025-12-12');
    expect(body.days.at(-1)?.date).toBe('2026-01-10');
  });
});

// Random usage over random periods: the daily view and the summary must agree.
const countersArb = fc
  .record({
    requests: fc.integer({ min: 0, max: 5_000 }),
    clientShare: fc.double({ min: 0, max: 1, noNaN: true }),
    serverShare: fc.double({ min: 0, max: 1, noNaN: true }),
    meanLatency: fc.integer({ min: 1, max: 3_000 }),
    bucket: fc.integer({ min: 0, max: HISTOGRAM_SIZE - 1 }),
  })
  .map(({ requests, clientShare, serverShare, meanLatency, bucket }) => {
    const clientErrors = Math.floor(requests * clientShare);
    const serverErrors = Math.floor((requests - clientErrors) * serverShare);
    return counters(requests, { clientErrors, serverErrors, latencySumMs: requests * meanLatency, bucket });
  });

const usageArb = fc.record({
  today: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map(utcDay),
  days: fc.integer({ min: 1, max: 90 }),
  traffic: fc.array(
    fc.record({
      ago: fc.integer({ min: 0, max: 120 }),
      perRoute: fc.dictionary(fc.constantFrom(HELLO, QUOTES, 'GET /v1/usage', 'GET /v1/usage/daily'), countersArb, { minKeys: 1 }),
    }),
    { maxLength: 20 },
  ),
});

function itemsOf(
  clientId: string,
  today: string,
  traffic: { ago: number; perRoute: Record<string, ReturnType<typeof counters>> }[],
): Item[] {
  const seen = new Set<number>();
  return traffic.filter((t) => !seen.has(t.ago) && seen.add(t.ago)).flatMap((t) => dayItems(clientId, addDays(today, -t.ago), t.perRoute));
}

describe('properties', () => {
  it('the daily entries sum to the summary totals of the same period', async () => {
    await fc.assert(
      fc.asyncProperty(usageArb, async ({ today, days, traffic }) => {
        const reader = memoryReader(itemsOf('cl_p', today, traffic));
        const from = addDays(today, -(days - 1));
        const daily = await usageDaily({ clientId: 'cl_p', query: { days: String(days) }, today }, reader);
        const summary = await usageSummary({ clientId: 'cl_p', plan: 'standard', query: { from, to: today }, today }, reader);

        expect(daily.days).toHaveLength(days);
        expect(daily.days[0].date).toBe(from);
        expect(daily.days.at(-1)?.date).toBe(today);
        const sum = (key: 'requests' | 'clientErrors' | 'serverErrors') => daily.days.reduce((a, d) => a + d[key], 0);
        expect(sum('requests')).toBe(summary.totals.requests);
        expect(sum('clientErrors')).toBe(summary.totals.clientErrors);
        expect(sum('serverErrors')).toBe(summary.totals.serverErrors);
        expect(summary.period.days).toBe(days);
        expect(Math.abs(summary.averagePerDay * days - summary.totals.requests)).toBeLessThanOrEqual(0.005 * days + 1e-9);
        expect(summary.routes.reduce((a, r) => a + r.requests, 0)).toBe(summary.totals.requests);
        if (summary.totals.requests > 0) {
          const percentSum = summary.routes.reduce((a, r) => a + r.percent, 0);
          expect(Math.abs(percentSum - 100)).toBeLessThanOrEqual(0.005 * summary.routes.length + 1e-9);
        }
        expect(summary.today.requests).toBe(daily.days.at(-1)?.requests);
        usageSummaryResponse.parse(summary);
        usageDailyResponse.parse(daily);
      }),
      { numRuns: 150 },
    );
  });

  it('a day outside the range never leaks into it', () => {
    fc.assert(
      fc.property(usageArb, ({ today, days, traffic }) => {
        const from = addDays(today, -(days - 1));
        const all = usageFromItems(itemsOf('cl_p', today, traffic));
        const trend = dailyTrend(from, today, all);
        const inRange = [...all.values()].filter((d) => d.day >= from && d.day <= today).reduce((a, d) => a + d.total.requests, 0);
        expect(trend.days.reduce((a, d) => a + d.requests, 0)).toBe(inRange);
      }),
      { numRuns: 150 },
    );
  });
});
