// What an admin route is: method, path and zod schemas, as data. Admin routes are one Lambda (the admin
// function), authorized by IAM on AWS and by the admin token on the twin; never metered as client usage.
import type * as z from 'zod';
import type { HttpMethod, RequestSchemas } from '../routes/route';

/** An admin route's identity without its schemas (endpoints.ts): what the deployed admin function reads. */
export interface AdminEndpoint {
  /** Stable id: the router's key for the route's action and its compiled validators. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Resource path template as API Gateway knows it, under `/admin/v1/`. */
  readonly path: string;
  /** Status of a success. @default 200 */
  readonly successStatus?: number;
}

export interface AdminRouteDefinition extends AdminEndpoint {
  readonly schemas: RequestSchemas & { readonly response: z.ZodType };
}

export const ADMIN_PATH_PREFIX = '/admin/v1/';
