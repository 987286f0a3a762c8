// Per-client overrides need nothing new from the stack: the keys CLI (and later the admin API) manages client
// usage plans with the operator's credentials (docs/selling.md lists them). Pinned here so a role in the
// stack never gains usage-plan management by accident, and the plans' usage plans keep the strict-route
// throttle keys the client usage plans copy (scripts/client-usage-plans.ts).
import { PLAN_NAMES } from '../../contracts/plans';
import { ROUTES } from '../../contracts/routes';
import { clientUsagePlanInput } from '../../scripts/client-usage-plans';
import { templateFor } from './support/synth';
import { resourcesOf, type Statement } from './support/template';

const template = () => templateFor('prod');

test('no policy in the stack grants API Gateway management actions', () => {
  const actions = Object.values(resourcesOf(template(), 'AWS::IAM::Policy'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
    .flatMap((s) => ([] as string[]).concat(s.Action));
  expect(actions.filter((a) => /^apigateway:/i.test(a))).toEqual([]);
});

test("a client usage plan throttles the same methods as the stack's plans, with the same limits", () => {
  const plans = Object.values(resourcesOf(template(), 'AWS::ApiGateway::UsagePlan'));
  expect(plans).toHaveLength(PLAN_NAMES.length);
  for (const plan of PLAN_NAMES) {
    const stackPlan = plans.find((p) => String(p.Properties.UsagePlanName).endsWith(`-${plan}`));
    const stackThrottles = stackPlan?.Properties.ApiStages[0].Throttle as Record<string, { RateLimit: number; BurstLimit: number }>;
    const input = clientUsagePlanInput(
      { restApiId: 'api', stageName: 'prod' },
      'cl_x',
      plan,
      { ratePerMinute: 1, burst: 1, dailyQuota: 1 },
      ROUTES,
    );
    const clientThrottles = input.apiStages?.[0].throttle ?? {};
    expect(Object.keys(clientThrottles).sort()).toEqual(Object.keys(stackThrottles).sort());
    for (const [method, limit] of Object.entries(clientThrottles)) {
      expect({ method, rateLimit: limit.rateLimit, burstLimit: limit.burstLimit }).toEqual({
        method,
        rateLimit: stackThrottles[method].RateLimit,
        burstLimit: stackThrottles[method].BurstLimit,
      });
    }
  }
});
