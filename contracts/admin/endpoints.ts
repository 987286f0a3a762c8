// Each admin route's identity without its zod schemas (id, method, path, success status): what the deployed admin
// function imports, so zod never loads at its cold start. Their schemas are in routes.ts.
import type { AdminEndpoint } from './route';

export const ADMIN_ENDPOINTS = [
  { id: 'create-client', method: 'POST', path: '/admin/v1/clients', successStatus: 201 },
  { id: 'list-clients', method: 'GET', path: '/admin/v1/clients' },
  { id: 'get-client', method: 'GET', path: '/admin/v1/clients/{id}' },
  { id: 'revoke-client', method: 'POST', path: '/admin/v1/clients/{id}/revoke' },
  { id: 'rotate-key', method: 'POST', path: '/admin/v1/clients/{id}/rotate' },
  { id: 'set-override', method: 'POST', path: '/admin/v1/clients/{id}/override' },
  { id: 'set-plan', method: 'POST', path: '/admin/v1/clients/{id}/set-plan' },
  { id: 'top-up-credits', method: 'POST', path: '/admin/v1/clients/{id}/credits' },
  { id: 'set-stripe-customer', method: 'PUT', path: '/admin/v1/clients/{id}/stripe-customer' },
  { id: 'client-usage', method: 'GET', path: '/admin/v1/clients/{id}/usage' },
] as const satisfies readonly AdminEndpoint[];

export type AdminRouteId = (typeof ADMIN_ENDPOINTS)[number]['id'];
