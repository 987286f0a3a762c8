// The zod schema of the daily job's input (the one source): a `{ day }` payload, an EventBridge scheduled event or a
// Scheduler payload; job-input.ts reads it with its compiled validator.
import * as z from 'zod';

export const dailyJobEvent = z.looseObject({
  /** The day to close, `YYYY-MM-DD` (UTC). */
  day: z.iso.date().optional(),
  /** EventBridge scheduled events carry the time the rule fired. */
  time: z.iso.datetime({ offset: true }).optional(),
  /** EventBridge Scheduler targets may pass `<aws.scheduler.scheduled-time>` here. */
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});
export type DailyJobEvent = z.infer<typeof dailyJobEvent>;
