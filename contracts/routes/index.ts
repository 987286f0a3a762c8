// The API's routes as data, one file per route. Read by the CDK API construct (methods, models,
// per-method throttles), the local twin's gateway and the analytics; each handler imports only its own route.
import { helloRoute } from './hello';
import { quotesRoute } from './quotes';
import { usageDailyRoute } from './usage-daily';
import { usageSummaryRoute } from './usage-summary';
import { routeUnitsProblem, type RouteDefinition } from './route';

export { MAX_BODY_BYTES, routeKey, unitsOf, type HttpMethod, type RouteDefinition, type RouteInput, type RouteUnits } from './route';

export const ROUTES = [helloRoute, quotesRoute, usageSummaryRoute, usageDailyRoute] as const satisfies readonly RouteDefinition[];

export type RouteId = (typeof ROUTES)[number]['id'];

for (const route of ROUTES as readonly RouteDefinition[]) {
  const problem = routeUnitsProblem(route);
  if (problem) throw new Error(problem);
}
