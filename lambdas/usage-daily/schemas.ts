// Request schema of GET /v1/usage/daily.
import { z } from 'zod';

export const usageDailyQuery = z.strictObject({
  days: z.string().regex(/^\d{1,2}$/, 'must be a whole number from 1 to 90').optional(),
});
export type UsageDailyQuery = z.infer<typeof usageDailyQuery>;
