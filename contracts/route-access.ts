// Route access per plan: which routes a plan's keys may call. Plans list route ids (contracts/plans.ts
// `routes`, absent = every route); this file resolves them against the route list and rejects unknown ids.
import { PLANS, isPlanName } from './plans';
import { ENDPOINTS } from './routes/endpoints';
import type { RouteEndpoint } from './routes/route';

const ROUTE_IDS = new Set<string>(ENDPOINTS.map((r) => r.id));

for (const [plan, definition] of Object.entries(PLANS)) {
  const listed: readonly string[] | undefined = 'routes' in definition ? definition.routes : undefined;
  for (const id of listed ?? []) {
    if (!ROUTE_IDS.has(id)) throw new Error(`plan ${plan} lists an unknown route id: ${JSON.stringify(id)}`);
  }
}

/** The routes a plan includes, in `ROUTES` order (contracts/routes/endpoints.ts ENDPOINTS); none for an unknown plan name. */
export function routesOfPlan<R extends RouteEndpoint>(
  plan: string,
  routes: readonly R[] = ENDPOINTS as readonly RouteEndpoint[] as readonly R[],
): readonly R[] {
  if (!isPlanName(plan)) return [];
  const definition = PLANS[plan];
  const listed: readonly string[] | undefined = 'routes' in definition ? definition.routes : undefined;
  return listed ? routes.filter((r) => listed.includes(r.id)) : routes;
}

export function planIncludesRoute(plan: string, routeId: string): boolean {
  return routesOfPlan(plan).some((r) => r.id === routeId);
}
