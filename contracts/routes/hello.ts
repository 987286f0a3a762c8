// Route GET /v1/hello (an example metered route): its request schema; its identity is in endpoints.ts.
import * as z from 'zod';
import type { RouteDefinition } from './route';
import { helloEndpoint } from './endpoints';

export const helloQuery = z.strictObject({
  name: z.string().min(1).max(64).optional(),
});
export type HelloQuery = z.infer<typeof helloQuery>;

export const helloRoute = { ...helloEndpoint, schemas: { query: helloQuery } } as const satisfies RouteDefinition;
