// Request schema of GET /v1/usage.
import { z } from 'zod';

const isoDate = z.iso.date();

export const usageSummaryQuery = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type UsageSummaryQuery = z.infer<typeof usageSummaryQuery>;
