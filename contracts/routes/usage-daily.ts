// Route GET /v1/usage/daily: its definition, request and response schemas.
import * as z from 'zod';
import type { RouteDefinition } from './route';

/** Days returned when the query names none. */
export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 90;

export const usageDailyQuery = z.strictObject({
  // Query strings arrive as strings; a pattern (not a transform) keeps the schema renderable as a model.
  days: z
    .string()
    .regex(/^(?:[1-9]|[1-8]\d|90)$/, 'must be a whole number from 1 to 90')
    .optional(),
});
export type UsageDailyQuery = z.infer<typeof usageDailyQuery>;

const count = z.int().nonnegative();

export const usageDailyResponse = z.strictObject({
  days: z
    .array(
      z.strictObject({
        date: z.iso.date(),
        requests: count,
        /** What the day's requests cost in units (docs/plans.md "Units"). */
        units: count,
        clientErrors: count,
        serverErrors: count,
        avgLatencyMs: z.number().nonnegative(),
      }),
    )
    .min(1)
    .max(MAX_DAYS),
});
export type UsageDaily = z.infer<typeof usageDailyResponse>;

export const usageDailyRoute = {
  id: 'usage-daily',
  method: 'GET',
  path: '/v1/usage/daily',
  routeClass: 'default',
  entry: 'functions/usage-daily/handler.ts',
  timeoutSeconds: 10,
  // Reading one's own usage is free: it stays readable once the quota is spent (docs/plans.md "Units").
  units: 0,
  readsUsage: true,
  schemas: { query: usageDailyQuery },
} as const satisfies RouteDefinition;
