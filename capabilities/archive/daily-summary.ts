// The zod schema of a per-client daily summary item (the one source); summary-store.ts reads them with its compiled validator.
import * as z from 'zod';

export const dailySummary = z.object({
  clientId: z.string(),
  day: z.iso.date(),
  plan: z.string(),
  requests: z.int(),
  /** Units of the requests (docs/plans.md "Units"); absent in summaries written before they were kept. */
  units: z.int().optional(),
  clientErrors: z.int(),
  serverErrors: z.int(),
  latencySumMs: z.number(),
  avgLatencyMs: z.number(),
  p95LatencyMs: z.number(),
  dailyQuota: z.int(),
  percentOfQuota: z.number(),
  /** Requests per route, `{ "GET /v1/hello": 12 }`. */
  routes: z.record(z.string(), z.int()),
});
export type DailySummary = z.infer<typeof dailySummary>;
