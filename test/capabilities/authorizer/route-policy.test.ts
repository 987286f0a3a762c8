// The authorizer's route policy as API Gateway evaluates it (IAM wildcards against each request's method
// ARN): exactly the plan's routes are allowed, path parameters match one value, deeper excluded routes stay denied.
import { routePolicy, routeResource, planAccess } from '../../../capabilities/authorizer/route-policy';
import { isAllowed } from '../../../capabilities/authorizer/execute-api-policy';
import { routesOfPlan } from '../../../contracts/route-access';
import { PLAN_NAMES, PLANS } from '../../../contracts/plans';
import { ROUTES } from '../../../contracts/routes';

const API = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod';
const METHOD_ARN = `${API}/GET/v1/hello`;
const arn = (method: string, path: string) => `${API}/${method}${path}`;
const route = (id: string, method: 'GET' | 'POST', path: string) => ({ id, method, path });

test('every plan: a route is allowed exactly when the plan includes it, whichever route was asked first', () => {
  for (const plan of PLAN_NAMES) {
    for (const first of ROUTES) {
      const { policy } = planAccess(arn(first.method, first.path), plan);
      for (const r of ROUTES) {
        expect([plan, r.id, isAllowed(policy, arn(r.method, r.path))]).toEqual([
          plan,
          r.id,
          routesOfPlan(plan).some((included) => included.id === r.id),
        ]);
      }
      // Nothing else of the stage: another method, another path, another stage.
      expect(isAllowed(policy, arn('DELETE', '/v1/hello'))).toBe(false);
      expect(isAllowed(policy, arn('GET', '/v1/hello/extra'))).toBe(false);
      expect(isAllowed(policy, `${API.replace('/prod', '/dev')}/GET/v1/hello`)).toBe(false);
    }
  }
});

test('the default config exercises it: standard lacks POST /v1/quotes, premium has every route', () => {
  expect(PLANS.standard.routes).toEqual(['hello', 'usage-summary', 'usage-daily']);
  expect(routesOfPlan('standard').map((r) => r.id)).not.toContain('quotes');
  expect(routesOfPlan('premium').map((r) => r.id)).toEqual(ROUTES.map((r) => r.id));
  expect(routesOfPlan('no-such-plan')).toEqual([]);
});

test('a path parameter becomes `*` and matches any one value', () => {
  const items = route('item', 'GET', '/v1/items/{id}');
  expect(routeResource(METHOD_ARN, items)).toBe(`${API}/GET/v1/items/*`);
  const policy = routePolicy(METHOD_ARN, [items], [items]);
  expect(isAllowed(policy, arn('GET', '/v1/items/42'))).toBe(true);
  expect(isAllowed(policy, arn('POST', '/v1/items/42'))).toBe(false);
  expect(isAllowed(policy, arn('GET', '/v1/items'))).toBe(false);
});

test("IAM's `*` crosses `/`: a deeper excluded route gets an explicit Deny", () => {
  const items = route('item', 'GET', '/v1/items/{id}');
  const secret = route('secret', 'GET', '/v1/items/{id}/secret');
  const policy = routePolicy(METHOD_ARN, [items], [items, secret]);
  expect(policy.Statement).toEqual([
    { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${API}/GET/v1/items/*`] },
    { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${API}/GET/v1/items/*/secret`] },
  ]);
  expect(isAllowed(policy, arn('GET', '/v1/items/42'))).toBe(true);
  expect(isAllowed(policy, arn('GET', '/v1/items/42/secret'))).toBe(false);
});

test('a plan the policy language cannot express throws, naming the routes', () => {
  const items = route('item', 'GET', '/v1/items/{id}');
  const b = route('b', 'GET', '/v1/items/{id}/b');
  const xb = route('xb', 'GET', '/v1/items/{id}/x/b');
  // Denying /v1/items/*/b (over-matched by the Allow) would also deny the included /v1/items/{id}/x/b.
  expect(() => routePolicy(METHOD_ARN, [items, xb], [items, b, xb])).toThrow('route access cannot be expressed as a policy for: xb');
});

test('no included route → one Deny of the whole stage (a policy document needs a statement)', () => {
  const policy = routePolicy(METHOD_ARN, [], ROUTES);
  expect(policy.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${API}/*/*`] }]);
  for (const r of ROUTES) expect(isAllowed(policy, arn(r.method, r.path))).toBe(false);
});

test('the policy stays small: every route of the API in one statement is under 1 KB', () => {
  expect(JSON.stringify(planAccess(METHOD_ARN, 'premium').policy).length).toBeLessThan(1024);
});
