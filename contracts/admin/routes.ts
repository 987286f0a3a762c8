// The admin API's routes as data (identity from endpoints.ts, schemas here): read by the CDK admin construct (IAM
// methods), the twin's admin server and the validator generator. Adding a route is one entry in endpoints.ts, its
// schemas here, one action in capabilities/admin/router.ts, then `npm run validators`.
import { usageSummaryQuery, usageSummaryResponse } from '../routes/usage-summary';
import {
  clientIdPath,
  clientListResponse,
  clientView,
  createClientBody,
  createdClientResponse,
  listClientsQuery,
  overrideBody,
  overrideResponse,
  planChangeResponse,
  rotateBody,
  rotatedKeyResponse,
  setPlanBody,
  stripeCustomerBody,
  topUpBody,
  topUpResponse,
} from './clients';
import type { AdminRouteDefinition } from './route';
import { ADMIN_ENDPOINTS, type AdminRouteId } from './endpoints';

export { ADMIN_PATH_PREFIX, type AdminRouteDefinition } from './route';

/** Each admin route's request and response schemas, by route id (its identity is in endpoints.ts). */
export const ADMIN_SCHEMAS = {
  'create-client': { body: createClientBody, response: createdClientResponse },
  'list-clients': { query: listClientsQuery, response: clientListResponse },
  'get-client': { path: clientIdPath, response: clientView },
  'revoke-client': { path: clientIdPath, response: clientView },
  'rotate-key': { path: clientIdPath, body: rotateBody, response: rotatedKeyResponse },
  'set-override': { path: clientIdPath, body: overrideBody, response: overrideResponse },
  'set-plan': { path: clientIdPath, body: setPlanBody, response: planChangeResponse },
  'top-up-credits': { path: clientIdPath, body: topUpBody, response: topUpResponse },
  'set-stripe-customer': { path: clientIdPath, body: stripeCustomerBody, response: clientView },
  'client-usage': { path: clientIdPath, query: usageSummaryQuery, response: usageSummaryResponse },
} as const satisfies Record<AdminRouteId, AdminRouteDefinition['schemas']>;

export const ADMIN_ROUTES: readonly AdminRouteDefinition[] = ADMIN_ENDPOINTS.map((endpoint) => ({
  ...endpoint,
  schemas: ADMIN_SCHEMAS[endpoint.id],
}));

export { ADMIN_ENDPOINTS, type AdminRouteId } from './endpoints';

/** The one admin function: its handler entry (relative to the repository root) and timeout. */
export const ADMIN_FUNCTION = { id: 'admin', entry: 'functions/admin/handler.ts', timeoutSeconds: 10 } as const;
