// Route GET /v1/usage: its request and response schemas; its identity is in endpoints.ts. Cross-field rules (from ≤ to,
// at most 366 days, not after today) need the clock and live in capabilities/analytics/usage-summary.ts.
import * as z from 'zod';
import type { RouteDefinition } from './route';
import { usageSummaryEndpoint } from './endpoints';

const isoDate = z.iso.date();

export const usageSummaryQuery = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type UsageSummaryQuery = z.infer<typeof usageSummaryQuery>;

const count = z.int().nonnegative();

export const usageSummaryResponse = z.strictObject({
  clientId: z.string(),
  plan: z.strictObject({
    name: z.string(),
    ratePerMinute: count,
    dailyQuota: count,
    strict: z.strictObject({ ratePerMinute: count }),
  }),
  period: z.strictObject({ from: isoDate, to: isoDate, days: z.int().min(1).max(366) }),
  totals: z.strictObject({
    requests: count,
    /** What the requests cost in units (docs/plans.md "Units"): 1 a request unless the route says otherwise. */
    units: count,
    clientErrors: count,
    serverErrors: count,
    avgLatencyMs: z.number().nonnegative(),
    p95LatencyMs: z.number().nonnegative(),
  }),
  averagePerDay: z.number().nonnegative(),
  /** `quota` is the daily quota in force (the override's, when the client has one). */
  today: z.strictObject({ requests: count, quota: count, percentOfQuota: z.number().nonnegative() }),
  /** The limits the caller's requests are held to now: its plan's, or its own override's (contracts/overrides.ts). */
  limits: z.strictObject({
    source: z.enum(['plan', 'override']),
    ratePerMinute: count,
    burst: count,
    dailyQuota: count,
    /** Requests per UTC calendar month the plan includes (contracts/plans.ts MONTHLY_QUOTAS); null when none. */
    monthlyQuota: count.nullable(),
    strict: z.strictObject({ ratePerMinute: count, burst: count }),
  }),
  /** The UTC calendar month so far, against the monthly allowance where one is configured. */
  month: z.strictObject({
    month: z.string().regex(/^\d{4}-\d{2}$/),
    from: isoDate,
    to: isoDate,
    requests: count,
    quota: count.nullable(),
    percentOfQuota: z.number().nonnegative().nullable(),
  }),
  routes: z.array(
    z.strictObject({
      route: z.string(),
      requests: count,
      units: count,
      percent: z.number().min(0).max(100),
      clientErrors: count,
      serverErrors: count,
    }),
  ),
});
export type UsageSummary = z.infer<typeof usageSummaryResponse>;

export const usageSummaryRoute = { ...usageSummaryEndpoint, schemas: { query: usageSummaryQuery } } as const satisfies RouteDefinition;
