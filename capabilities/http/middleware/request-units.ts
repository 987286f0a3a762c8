// What the request in flight costs in units (docs/plans.md "Units"): one answer per request, the one the gate takes
// on gate plans and the one its usage event counts, so admission and billing never disagree.
import { type RouteEndpoint, unitsOf } from '../../../contracts/routes/route';
import { validatedInput } from './zod-validation';

const units = new WeakMap<object, number>();

/**
 * The route's units for the request's validated input. A request whose input never validated (a 400, a 413, a
 * refusal before validation) costs the route's fixed units, or 0 where its cost is computed from the input.
 */
export function requestUnits(event: object, route: Pick<RouteEndpoint, 'id' | 'units'>): number {
  const known = units.get(event);
  if (known !== undefined) return known;
  let input: ReturnType<typeof validatedInput> | undefined;
  try {
    input = validatedInput(event);
  } catch {
    return typeof route.units === 'function' ? 0 : (route.units ?? 1);
  }
  const cost = unitsOf(route, input);
  units.set(event, cost);
  return cost;
}
