// GET /v1/usage as a use case: the caller's usage over a period, its plan's limits and today's quota use.
import { isPlanName, PLANS, ROUTE_CLASSES } from '../../contracts/plans';
import type { OverrideLimits } from '../../contracts/overrides';
import { limitsInForce } from '../customers/limits-in-force';
import { routeKey } from '../../contracts/routes/route';
import { ENDPOINTS } from '../../contracts/routes/endpoints';
import { addDays, daysBetween } from '../usage/calendar-days';
import { emptyCounters, mergeCounters, type CounterValues } from '../usage/counters';
import { problem, type FieldError } from '../http/problem';
import type { DayUsage, UsageReader } from '../usage/usage-reader';
import { averageLatencyMs, p95LatencyMs, percentOf, roundTo } from './usage-stats';
import type { UsageSummary, UsageSummaryQuery } from '../../contracts/routes/usage-summary';

/** Days in the period when the query names no `from`. */
export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 366;

export interface Period {
  readonly from: string;
  readonly to: string;
  readonly days: number;
}

/**
 * The period a query asks for, or a 400 naming each offending field. `to` defaults to today and
 * `from` to 29 days before `to`; both are UTC days and already real dates (the route schema checks that).
 */
export function resolvePeriod(query: UsageSummaryQuery, today: string): Period {
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1));
  const errors: FieldError[] = [];
  if (to > today) errors.push({ path: 'query.to', message: 'must not be after today (UTC)' });
  if (from > today) errors.push({ path: 'query.from', message: 'must not be after today (UTC)' });
  else if (from > to) errors.push({ path: 'query.from', message: 'must not be after to' });
  else if (daysBetween(from, to) + 1 > MAX_PERIOD_DAYS) {
    errors.push({
      path: 'query.from',
      message: `must be at most ${MAX_PERIOD_DAYS - 1} days before to (periods span at most ${MAX_PERIOD_DAYS} days)`,
    });
  }
  if (errors.length > 0) throw problem.badRequest(errors);
  return { from, to, days: daysBetween(from, to) + 1 };
}

export interface UsageSummaryInput {
  readonly clientId: string;
  /** Plan name from the authorizer's context. */
  readonly plan: string;
  readonly query: UsageSummaryQuery;
  /** Today as a UTC day, `YYYY-MM-DD`. */
  readonly today: string;
  /** The client's own limits from the authorizer's context, when it has an override. */
  readonly override?: OverrideLimits;
}

export interface SummaryFacts {
  readonly clientId: string;
  readonly plan: string;
  readonly period: Period;
  /** Counters of the period's days (days without traffic may be absent). */
  readonly days: ReadonlyMap<string, DayUsage>;
  readonly todayRequests: number;
  /** Requests from the 1st of today's month to today. */
  readonly monthRequests: number;
  readonly today: string;
  readonly override?: OverrideLimits;
}

export async function usageSummary(input: UsageSummaryInput, reader: UsageReader): Promise<UsageSummary> {
  const period = resolvePeriod(input.query, input.today);
  const { days } = await reader.readRange(input.clientId, period.from, period.to);
  const todayRequests =
    period.to === input.today ? (days.get(input.today)?.total.requests ?? 0) : (await reader.readDay(input.clientId, input.today)).requests;
  const monthRequests = await monthSoFar(input, period, days, todayRequests, reader);
  return summarize({
    clientId: input.clientId,
    plan: input.plan,
    period,
    days,
    todayRequests,
    monthRequests,
    today: input.today,
    override: input.override,
  });
}

/** Requests from the 1st of today's month to today: from the period's counters when they cover it, else one more Query. */
async function monthSoFar(
  input: UsageSummaryInput,
  period: Period,
  days: ReadonlyMap<string, DayUsage>,
  todayRequests: number,
  reader: UsageReader,
): Promise<number> {
  const monthStart = firstOfMonth(input.today);
  if (monthStart === input.today) return todayRequests;
  if (period.from <= monthStart && period.to === input.today) return sumRequests(days, monthStart, input.today);
  return sumRequests((await reader.readRange(input.clientId, monthStart, input.today)).days, monthStart, input.today);
}

export function firstOfMonth(day: string): string {
  return `${day.slice(0, 8)}01`;
}

function sumRequests(days: ReadonlyMap<string, DayUsage>, from: string, to: string): number {
  let total = 0;
  for (const usage of days.values()) if (usage.day >= from && usage.day <= to) total += usage.total.requests;
  return total;
}

/** The response body from the period's counters: pure arithmetic, rounded as usage-stats says. */
export function summarize(facts: SummaryFacts): UsageSummary {
  const inForce = limitsInForce(facts);
  if (!inForce || !isPlanName(facts.plan)) throw new Error('the authorizer context names no known plan');
  const limits = PLANS[facts.plan];
  const strict = ROUTE_CLASSES.strict;
  const totals = emptyCounters();
  const routes = new Map<string, CounterValues>(ENDPOINTS.map((route) => [routeKey(route), emptyCounters()]));
  for (const usage of facts.days.values()) {
    if (usage.day < facts.period.from || usage.day > facts.period.to) continue;
    mergeCounters(totals, usage.total);
    for (const [route, counters] of usage.routes) mergeCounters(routes.get(route) ?? setNew(routes, route), counters);
  }
  return {
    clientId: facts.clientId,
    plan: {
      name: facts.plan,
      ratePerMinute: limits.ratePerMinute,
      dailyQuota: limits.dailyQuota,
      strict: { ratePerMinute: strict.ratePerMinute },
    },
    period: { from: facts.period.from, to: facts.period.to, days: facts.period.days },
    totals: {
      requests: totals.requests,
      units: totals.units,
      clientErrors: totals.clientErrors,
      serverErrors: totals.serverErrors,
      avgLatencyMs: averageLatencyMs(totals),
      p95LatencyMs: p95LatencyMs(totals),
    },
    averagePerDay: roundTo(totals.requests / facts.period.days, 2),
    today: {
      requests: facts.todayRequests,
      quota: inForce.dailyQuota,
      percentOfQuota: percentOf(facts.todayRequests, inForce.dailyQuota),
    },
    limits: { ...inForce, strict: { ratePerMinute: strict.ratePerMinute, burst: strict.burst } },
    month: {
      month: facts.today.slice(0, 7),
      from: firstOfMonth(facts.today),
      to: facts.today,
      requests: facts.monthRequests,
      quota: inForce.monthlyQuota,
      percentOfQuota: inForce.monthlyQuota === null ? null : percentOf(facts.monthRequests, inForce.monthlyQuota),
    },
    routes: [...routes]
      .sort(([a, x], [b, y]) => y.requests - x.requests || (a < b ? -1 : a > b ? 1 : 0))
      .map(([route, counters]) => ({
        route,
        requests: counters.requests,
        units: counters.units,
        percent: percentOf(counters.requests, totals.requests),
        clientErrors: counters.clientErrors,
        serverErrors: counters.serverErrors,
      })),
  };
}

function setNew(routes: Map<string, CounterValues>, route: string): CounterValues {
  const counters = emptyCounters();
  routes.set(route, counters);
  return counters;
}
