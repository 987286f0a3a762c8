// The zod schema of a plan-history item, the plans in force on one UTC day (the one source); plan-history.ts reads
// them with its compiled validator.
import * as z from 'zod';

export const planDay = z.object({
  clientId: z.string(),
  day: z.iso.date(),
  /** Plans in force on the day, in the order they took effect (at least two: before and after a change). */
  plans: z.array(z.string()).min(1),
});
export type PlanDay = z.infer<typeof planDay>;
