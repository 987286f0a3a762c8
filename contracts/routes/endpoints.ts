// Each route's identity without its zod schemas (method, path, class, entry, timeout, units): what a deployed
// handler imports, so zod never loads at its cold start. Its schemas are in contracts/routes/<route>.ts.
import type { RouteEndpoint } from './route';

/** `GET /v1/usage/daily`: days returned when the query names none, and the most it returns. */
export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 90;

export const helloEndpoint = {
  id: 'hello',
  counterCode: 'H',
  method: 'GET',
  path: '/v1/hello',
  routeClass: 'default',
  entry: 'functions/hello/handler.ts',
  timeoutSeconds: 10,
} as const satisfies RouteEndpoint;

export const quotesEndpoint = {
  id: 'quotes',
  counterCode: 'Q',
  method: 'POST',
  path: '/v1/quotes',
  routeClass: 'strict',
  entry: 'functions/quotes/handler.ts',
  timeoutSeconds: 10,
  // One unit per line item priced: a 50-line quote costs 50 times a 1-line one. Validated input only.
  units: (input) => (input.body as { readonly items: readonly unknown[] }).items.length,
} as const satisfies RouteEndpoint;

export const usageSummaryEndpoint = {
  id: 'usage-summary',
  counterCode: 'U',
  method: 'GET',
  path: '/v1/usage',
  routeClass: 'default',
  entry: 'functions/usage-summary/handler.ts',
  timeoutSeconds: 10,
  // Reading one's own usage is free: it stays readable once the quota is spent (docs/plans.md "Units").
  units: 0,
  readsUsage: true,
} as const satisfies RouteEndpoint;

export const usageDailyEndpoint = {
  id: 'usage-daily',
  counterCode: 'D',
  method: 'GET',
  path: '/v1/usage/daily',
  routeClass: 'default',
  entry: 'functions/usage-daily/handler.ts',
  timeoutSeconds: 10,
  // Reading one's own usage is free: it stays readable once the quota is spent (docs/plans.md "Units").
  units: 0,
  readsUsage: true,
} as const satisfies RouteEndpoint;

/** Every route's identity, in the order of ROUTES (contracts/routes/index.ts): what the authorizer and the analytics read. */
export const ENDPOINTS = [
  helloEndpoint,
  quotesEndpoint,
  usageSummaryEndpoint,
  usageDailyEndpoint,
] as const satisfies readonly (RouteEndpoint & { readonly counterCode: string })[];
