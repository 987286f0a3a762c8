// Route GET /v1/usage/daily: its request and response schemas; its identity is in endpoints.ts.
import * as z from 'zod';
import type { RouteDefinition } from './route';
import { MAX_DAYS, usageDailyEndpoint } from './endpoints';

export { DEFAULT_DAYS, MAX_DAYS } from './endpoints';

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

export const usageDailyRoute = { ...usageDailyEndpoint, schemas: { query: usageDailyQuery } } as const satisfies RouteDefinition;
