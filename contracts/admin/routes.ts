// The admin API's routes as data: read by the CDK admin construct (IAM methods), the admin router and the
// twin's admin server. Adding a route is one entry here and one action in capabilities/admin/router.ts.
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

export { ADMIN_PATH_PREFIX, type AdminRouteDefinition } from './route';

export const ADMIN_ROUTES = [
  {
    id: 'create-client',
    method: 'POST',
    path: '/admin/v1/clients',
    successStatus: 201,
    schemas: { body: createClientBody, response: createdClientResponse },
  },
  { id: 'list-clients', method: 'GET', path: '/admin/v1/clients', schemas: { query: listClientsQuery, response: clientListResponse } },
  { id: 'get-client', method: 'GET', path: '/admin/v1/clients/{id}', schemas: { path: clientIdPath, response: clientView } },
  { id: 'revoke-client', method: 'POST', path: '/admin/v1/clients/{id}/revoke', schemas: { path: clientIdPath, response: clientView } },
  {
    id: 'rotate-key',
    method: 'POST',
    path: '/admin/v1/clients/{id}/rotate',
    schemas: { path: clientIdPath, body: rotateBody, response: rotatedKeyResponse },
  },
  {
    id: 'set-override',
    method: 'POST',
    path: '/admin/v1/clients/{id}/override',
    schemas: { path: clientIdPath, body: overrideBody, response: overrideResponse },
  },
  {
    id: 'set-plan',
    method: 'POST',
    path: '/admin/v1/clients/{id}/set-plan',
    schemas: { path: clientIdPath, body: setPlanBody, response: planChangeResponse },
  },
  {
    id: 'top-up-credits',
    method: 'POST',
    path: '/admin/v1/clients/{id}/credits',
    schemas: { path: clientIdPath, body: topUpBody, response: topUpResponse },
  },
  {
    id: 'set-stripe-customer',
    method: 'PUT',
    path: '/admin/v1/clients/{id}/stripe-customer',
    schemas: { path: clientIdPath, body: stripeCustomerBody, response: clientView },
  },
  {
    id: 'client-usage',
    method: 'GET',
    path: '/admin/v1/clients/{id}/usage',
    schemas: { path: clientIdPath, query: usageSummaryQuery, response: usageSummaryResponse },
  },
] as const satisfies readonly AdminRouteDefinition[];

export type AdminRouteId = (typeof ADMIN_ROUTES)[number]['id'];

/** The one admin function: its handler entry (relative to the repository root) and timeout. */
export const ADMIN_FUNCTION = { id: 'admin', entry: 'functions/admin/handler.ts', timeoutSeconds: 10 } as const;
