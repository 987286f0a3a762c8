// UTC calendar days as `YYYY-MM-DD` strings: arithmetic and ranges that are exact for every year
// 0000–9999 (Date.UTC would map years 0–99 to 1900–1999) and never touch local time.
import { utcDay } from '../../contracts/usage-event-id';

export const DAY_MS = 86_400_000;

/** Epoch milliseconds of 00:00 UTC on `day` (a valid `YYYY-MM-DD`). */
export function dayStartMs(day: string): number {
  const [year, month, date] = day.split('-').map(Number);
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, date);
  return at.getTime();
}

/** The day `n` days after `day` (before, when negative). */
export function addDays(day: string, n: number): string {
  return utcDay(new Date(dayStartMs(day) + n * DAY_MS));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayStartMs(to) - dayStartMs(from)) / DAY_MS);
}

/** Every day from `from` to `to`, both included, oldest first; empty when `from` is after `to`. */
export function dayRange(from: string, to: string): string[] {
  const count = daysBetween(from, to) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(from, i));
}

export { utcDay };
