// GET /v1/usage/daily as a use case: exactly N days ending today (UTC), oldest first, zero-filled.
import { addDays, dayRange } from '../usage/calendar-days';
import { emptyCounters } from '../usage/counters';
import type { DayUsage, UsageReader } from '../usage/usage-reader';
import { averageLatencyMs } from './usage-stats';
import type { UsageDaily, UsageDailyQuery } from '../../contracts/routes/usage-daily';
import { DEFAULT_DAYS } from '../../contracts/routes/endpoints';

export interface UsageDailyInput {
  readonly clientId: string;
  readonly query: UsageDailyQuery;
  /** Today as a UTC day, `YYYY-MM-DD`. */
  readonly today: string;
}

/** Days the query asks for: the schema admits only 1–90 as digits. */
export function requestedDays(query: UsageDailyQuery): number {
  return query.days === undefined ? DEFAULT_DAYS : Number(query.days);
}

export async function usageDaily(input: UsageDailyInput, reader: UsageReader): Promise<UsageDaily> {
  const count = requestedDays(input.query);
  const from = addDays(input.today, -(count - 1));
  const { days } = await reader.readRange(input.clientId, from, input.today);
  return dailyTrend(from, input.today, days);
}

/** One entry per day from `from` to `to`, zero where a day has no counters. */
export function dailyTrend(from: string, to: string, days: ReadonlyMap<string, DayUsage>): UsageDaily {
  return {
    days: dayRange(from, to).map((date) => {
      const total = days.get(date)?.total ?? emptyCounters();
      return {
        date,
        requests: total.requests,
        units: total.units,
        clientErrors: total.clientErrors,
        serverErrors: total.serverErrors,
        avgLatencyMs: averageLatencyMs(total),
      };
    }),
  };
}
