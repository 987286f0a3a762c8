// What the daily job runs for: the closed UTC day named by its input (a `{ day }` payload, an
// EventBridge scheduled event or a Scheduler payload), by default the day before the schedule fired.
import type { DailyJobEvent } from './job-event';
import { compiledRecord } from '../records/compiled-record';
import * as compiledJobEvent from '../records/validators/daily-job-event';
import { ENV_VARIABLES } from '../../contracts/function-env';
import { MAX_RETENTION_DAYS, STAGES } from '../../contracts/stages';
import { MIN_RETENTION_DAYS } from '../../contracts/usage-queue';
import { addDays, utcDay } from '../usage/calendar-days';

export type { DailyJobEvent } from './job-event';
/** The input's zod schema (job-event.ts), compiled at build time: the daily job carries no zod. */
const dailyJobEvent = compiledRecord<DailyJobEvent>(compiledJobEvent);

export class DailyJobInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DailyJobInputError';
  }
}

/**
 * The closed day to process: the named day (which must be before today, UTC), else the day before the schedule
 * time. Either way a day that has not ended is refused: its counters are live, and closing it would archive
 * and delete them (with every day before it that the retention then leaves behind).
 */
export function resolveJobDay(event: unknown, now: Date): string {
  const parsed = dailyJobEvent.safeParse(event ?? {});
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || 'event').join(', ');
    throw new DailyJobInputError(
      `invalid daily job input: ${fields} must be a date (YYYY-MM-DD) or an ISO date-time; got ${JSON.stringify(event)}`,
    );
  }
  const today = utcDay(now);
  const { day, time, scheduledTime } = parsed.data;
  if (day !== undefined) {
    if (day >= today) throw new DailyJobInputError(`day must be a closed UTC day, before ${today}: got ${day}`);
    return day;
  }
  const firedAt = scheduledTime ?? time;
  if (firedAt === undefined) return addDays(today, -1);
  const named = addDays(utcDay(new Date(firedAt)), -1);
  if (named >= today) {
    const field = scheduledTime !== undefined ? 'scheduledTime' : 'time';
    throw new DailyJobInputError(`${field} ${firedAt} names day ${named}, which has not ended (now ${now.toISOString()})`);
  }
  return named;
}

/** Counter items are kept for this many days unless the stack says otherwise. */
export const DEFAULT_RETENTION_DAYS = STAGES.dev.retentionDays;

export function retentionDaysFrom(env: NodeJS.ProcessEnv): number {
  const raw = env[ENV_VARIABLES.retentionDays];
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_DAYS;
  const days = Number(raw);
  // Shorter than MIN_RETENTION_DAYS could archive a counter that a journal is applied to again: counted twice.
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
    throw new DailyJobInputError(
      `${ENV_VARIABLES.retentionDays} must be a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}: got ${JSON.stringify(raw)}`,
    );
  }
  return days;
}
