// UTC calendar months as `YYYY-MM`: their days, and whether late usage can still change them.
import { BILLING } from '../../contracts/billing';
import { COUNTERS_FINAL_AFTER_DAYS } from '../../contracts/usage-queue';
import { addDays, dayRange, utcDay } from '../usage/calendar-days';

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH_PATTERN.test(value);
}

/** Every day of `month`, oldest first. */
export function daysOfMonth(month: string): string[] {
  const first = `${month}-01`;
  const nextMonthFirst = `${addDays(`${month}-28`, 4).slice(0, 7)}-01`;
  return dayRange(first, addDays(nextMonthFirst, -1));
}

/** The month holding `day`. */
export const monthOf = (day: string) => day.slice(0, 7);

/** Days of `month` whose counters may still grow at `now` (not yet `settleDays` old), oldest first. */
export function openDays(month: string, now: Date, settleDays: number = BILLING.settleDays): string[] {
  const today = utcDay(now);
  return daysOfMonth(month).filter((day) => addDays(day, settleDays) >= today);
}

/** The month whose statement the daily job writes after closing `day`, if any: the one whose last day settled with it. */
export function monthSettledBy(day: string, settleDays: number = BILLING.settleDays): string | undefined {
  const lastDay = addDays(day, -settleDays);
  return monthOf(addDays(lastDay, 1)) !== monthOf(lastDay) ? monthOf(lastDay) : undefined;
}

/**
 * The closed months whose counters can still change after closing `day` (late events, resumed journals), oldest
 * first: every month closed by then (its last day `settleDays` old) whose last day is at most
 * COUNTERS_FINAL_AFTER_DAYS old. The month settled by `day` itself is the newest of them.
 */
export function monthsStillChanging(day: string, settleDays: number = BILLING.settleDays): string[] {
  const months: string[] = [];
  for (let month = monthOf(addDays(day, -settleDays)); ; month = monthOf(addDays(`${month}-01`, -1))) {
    const days = daysOfMonth(month);
    const lastDay = days[days.length - 1];
    if (lastDay < addDays(day, -COUNTERS_FINAL_AFTER_DAYS)) break;
    if (addDays(lastDay, settleDays) <= day) months.unshift(month);
  }
  return months;
}
