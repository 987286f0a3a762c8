// Request schema of the example route GET /v1/hello.
import * as z from 'zod';

export const helloQuery = z.strictObject({
  name: z.string().min(1).max(64).optional(),
});
export type HelloQuery = z.infer<typeof helloQuery>;
