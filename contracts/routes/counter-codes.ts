// The metered routes' short codes in counter attribute names, from the route contract (`counterCode`), both ways.
import { ENDPOINTS } from './endpoints';
import { type RouteEndpoint, routeKey } from './route';

/**
 * Codes of routes taken out of the contract, by code → route key: their counters stay stored under the code, so a
 * code is never given to another route, and reads still name the old route. Empty until a metered route is removed.
 */
export const RETIRED_COUNTER_CODES: Readonly<Record<string, string>> = {};

const COUNTER_CODE = /^[A-Z][A-Z0-9]?$/;

/** What is wrong with a set of routes' codes (malformed, missing, or one code for two routes); empty when nothing. */
export function counterCodeProblems(
  endpoints: readonly Pick<RouteEndpoint, 'method' | 'path' | 'counterCode'>[],
  retired: Readonly<Record<string, string>> = {},
): string[] {
  const problems: string[] = [];
  const owner = new Map(Object.entries(retired));
  for (const endpoint of endpoints) {
    const key = routeKey(endpoint);
    const code = endpoint.counterCode;
    if (code === undefined || !COUNTER_CODE.test(code)) {
      problems.push(`counter code of ${key} must be a capital and at most one more capital or digit: got ${String(code)}`);
      continue;
    }
    const other = owner.get(code);
    if (other !== undefined && other !== key) problems.push(`counter code ${code} of ${key} is already ${other}'s`);
    owner.set(code, key);
  }
  return problems;
}

const problems = counterCodeProblems(ENDPOINTS, RETIRED_COUNTER_CODES);
if (problems.length > 0) throw new Error(problems.join('; '));

/** Route key (`GET /v1/hello`) → its counter code. */
export const COUNTER_CODE_OF_ROUTE: ReadonlyMap<string, string> = new Map(ENDPOINTS.map((e) => [routeKey(e), e.counterCode]));

/** Counter code → route key, retired codes included. */
export const ROUTE_OF_COUNTER_CODE: ReadonlyMap<string, string> = new Map([
  ...Object.entries(RETIRED_COUNTER_CODES),
  ...ENDPOINTS.map((e): [string, string] => [e.counterCode, routeKey(e)]),
]);
