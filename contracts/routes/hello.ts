// Route GET /v1/hello (an example metered route): its definition and request schema.
import * as z from 'zod';
import type { RouteDefinition } from './route';

export const helloQuery = z.strictObject({
  name: z.string().min(1).max(64).optional(),
});
export type HelloQuery = z.infer<typeof helloQuery>;

export const helloRoute = {
  id: 'hello',
  method: 'GET',
  path: '/v1/hello',
  routeClass: 'default',
  entry: 'functions/hello/handler.ts',
  timeoutSeconds: 10,
  schemas: { query: helloQuery },
} as const satisfies RouteDefinition;
