// The authorizer's policy for an active key: Allow exactly the method ARNs of the routes its plan
// includes. The result is cached per key for every route, so it must answer for all of them at once.
import { ACCESS_DENIED_DETAIL } from '../../contracts/gateway-responses';
import { routesOfPlan } from '../../contracts/route-access';
import { ENDPOINTS } from '../../contracts/routes/endpoints';
import type { RouteDefinition } from '../../contracts/routes/route';
import { isAllowed, type PolicyDocument } from './execute-api-policy';

type RouteRef = Pick<RouteDefinition, 'id' | 'method' | 'path'>;

export interface ExecuteApiPolicy extends PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string[] }[];
}

/** `arn:…:apiId` and the stage of a request's method ARN (`arn:…:apiId/stage/METHOD/path`). */
function apiAndStage(methodArn: string): { apiArn: string; stage: string } {
  const [apiArn, stage = '*'] = methodArn.split('/');
  return { apiArn, stage };
}

/** A route's method ARN pattern: path parameters (`{id}`, `{proxy+}`) become `*`. */
export function routeResource(methodArn: string, route: Pick<RouteDefinition, 'method' | 'path'>): string {
  const { apiArn, stage } = apiAndStage(methodArn);
  const path = route.path
    .split('/')
    .map((segment) => (/^\{[^}]+\}$/.test(segment) ? '*' : segment))
    .join('/');
  return `${apiArn}/${stage}/${route.method}${path}`;
}

/** A concrete method ARN for a route (each path parameter filled with a sample value). */
function sampleMethodArn(methodArn: string, route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return routeResource(methodArn, route).replaceAll('*', 'sample');
}

/**
 * Allow the included routes, nothing else. IAM's `*` also crosses `/`, so a parameter's `*` can match
 * a deeper excluded route (`GET/v1/items/*` vs `GET/v1/items/{id}/secret`): such routes get an explicit
 * Deny. The result is checked route by route; a plan the policy language cannot express throws.
 */
export function routePolicy(methodArn: string, included: readonly RouteRef[], all: readonly RouteRef[] = ENDPOINTS): ExecuteApiPolicy {
  const includedIds = new Set(included.map((r) => r.id));
  const allow = included.map((r) => routeResource(methodArn, r));
  const statement: ExecuteApiPolicy['Statement'] = [];
  if (allow.length > 0) statement.push({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: allow });
  const allowOnly: ExecuteApiPolicy = { Version: '2012-10-17', Statement: [...statement] };
  const overMatched = all.filter((r) => !includedIds.has(r.id) && isAllowed(allowOnly, sampleMethodArn(methodArn, r)));
  if (overMatched.length > 0) {
    statement.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: overMatched.map((r) => routeResource(methodArn, r)) });
  }
  // Without any Allow the document still needs a statement: deny the whole stage.
  if (statement.length === 0) {
    const { apiArn, stage } = apiAndStage(methodArn);
    statement.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${apiArn}/${stage}/*/*`] });
  }
  const policy: ExecuteApiPolicy = { Version: '2012-10-17', Statement: statement };
  const wrong = all.filter((r) => isAllowed(policy, sampleMethodArn(methodArn, r)) !== includedIds.has(r.id));
  if (wrong.length > 0) throw new Error(`route access cannot be expressed as a policy for: ${wrong.map((r) => r.id).join(', ')}`);
  return policy;
}

/** The policy for a key of `plan`, and the context value that the 403 for any other route shows. */
export function planAccess(methodArn: string, plan: string): { policy: ExecuteApiPolicy; accessDeniedDetail: string } {
  return { policy: routePolicy(methodArn, routesOfPlan(plan)), accessDeniedDetail: ACCESS_DENIED_DETAIL.routeNotInPlan };
}
