// Each function's DynamoDB access is scoped to the item types it needs (dynamodb:LeadingKeys), with no Scan.
import { SERVICE } from '../../contracts/metrics';
import { ROUTES } from '../../contracts/routes';
import { STAGES } from '../../contracts/stages';
import { PLAN_NAMES } from '../../contracts/plans';
import { clientUsagePlanInput } from '../../capabilities/api-gateway/client-usage-plans';
import { templateFor } from './support/synth';
import { functionByService, resourcesOf, roleOfFunction, roleStatements, stackFunctions, type Statement } from './support/template';

const template = () => templateFor('prod');

/** The DynamoDB statements of a function's role: actions and leading-key patterns. */
function tableAccess(fnId: string): { actions: string[]; leadingKeys: string[] }[] {
  const fn = stackFunctions(template())[fnId];
  return roleStatements(template(), roleOfFunction(fn))
    .filter((s: Statement) => ([] as string[]).concat(s.Action).some((a) => a.startsWith('dynamodb:')))
    .map((s) => ({
      actions: ([] as string[]).concat(s.Action).sort(),
      leadingKeys: (s.Condition as { 'ForAllValues:StringLike'?: { 'dynamodb:LeadingKeys': string[] } } | undefined)?.[
        'ForAllValues:StringLike'
      ]?.['dynamodb:LeadingKeys'] as string[],
    }));
}

const only = (service: string) => functionByService(template(), service)[0][0];

test('every DynamoDB statement of every function has a LeadingKeys condition and no Scan', () => {
  for (const fnId of Object.keys(stackFunctions(template()))) {
    for (const access of tableAccess(fnId)) {
      expect({ fnId, scoped: Array.isArray(access.leadingKeys) && access.leadingKeys.length > 0 }).toEqual({ fnId, scoped: true });
      expect(access.actions).not.toContain('dynamodb:Scan');
      expect(access.actions.some((a) => a.endsWith('*'))).toBe(false);
    }
  }
});

test('authorizer: GetItem on key records and counters only', () => {
  expect(tableAccess(only(SERVICE.authorizer))).toEqual([{ actions: ['dynamodb:GetItem'], leadingKeys: ['KEY#*', 'USAGE#*'] }]);
});

test('aggregator: counters, claims and journals; alert outbox items written only', () => {
  const access = tableAccess(only(SERVICE.aggregator));
  const counting = access.filter((a) => !a.leadingKeys.includes('ALERTS#*') && !a.leadingKeys.includes('CLIENTS'));
  expect(counting.length).toBeGreaterThan(0);
  for (const a of counting) expect(a.leadingKeys).toEqual(['USAGE#*', 'CLAIM#*', 'JOURNAL#*']);
  expect(counting.flatMap((a) => a.actions)).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:Query']));
  // Quota alerts (PROTOCOL.md step 6): conditional outbox puts and the mark as sent, nothing else.
  expect(access.filter((a) => a.leadingKeys.includes('ALERTS#*'))).toEqual([
    { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: ['ALERTS#*'] },
  ]);
  // A client's override quota for its alerts: GetItem of client records, the override attribute only, never key records.
  expect(access.filter((a) => a.leadingKeys.includes('CLIENTS'))).toEqual([{ actions: ['dynamodb:GetItem'], leadingKeys: ['CLIENTS'] }]);
  const fn = stackFunctions(template())[only(SERVICE.aggregator)];
  const clientRead = roleStatements(template(), roleOfFunction(fn)).find((s) => JSON.stringify(s.Condition ?? {}).includes('"CLIENTS"'))!;
  expect(clientRead.Condition).toMatchObject({
    'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'override'] },
    StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
  });
  expect(JSON.stringify(access)).not.toContain('KEY#');
});

test('daily job: reads CLIENTS, counters and summaries; writes counters (archive) and summaries, never key records', () => {
  const access = tableAccess(only(SERVICE.dailyJob));
  const writes = access.find((a) => a.actions.includes('dynamodb:PutItem'))!;
  const reads = access.find((a) => a.actions.includes('dynamodb:Query'))!;
  expect(writes.leadingKeys).toEqual(['USAGE#*', 'SUMMARY#*']);
  expect(reads.leadingKeys).toEqual(['CLIENTS', 'USAGE#*', 'SUMMARY#*']);
  expect(JSON.stringify(access)).not.toContain('KEY#');
});

test('route functions: analytics routes read counters only; the others have no table access', () => {
  const routeFns = functionByService(template(), SERVICE.api);
  expect(routeFns).toHaveLength(ROUTES.length);
  const readers = routeFns.filter(([id]) => tableAccess(id).length > 0);
  expect(readers.length).toBe(ROUTES.filter((r) => 'readsUsage' in r && r.readsUsage).length);
  for (const [id] of readers)
    expect(tableAccess(id)).toEqual([{ actions: ['dynamodb:GetItem', 'dynamodb:Query'], leadingKeys: ['USAGE#*'] }]);
});

test('the alarm topic key lets CloudWatch use it only for alarms of this account', () => {
  const [, key] = Object.entries(resourcesOf(template(), 'AWS::KMS::Key'))[0];
  const forCloudWatch = (key.Properties.KeyPolicy.Statement as Statement[] & { Principal?: unknown }[]).filter((s) =>
    JSON.stringify((s as { Principal?: unknown }).Principal).includes('cloudwatch.amazonaws.com'),
  );
  expect(forCloudWatch).toHaveLength(1);
  expect(forCloudWatch[0].Condition).toEqual({
    StringEquals: { 'aws:SourceAccount': '123456789012' },
    ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' },
  });
});

test('only the route functions roles may send to the usage queue (explicit Deny for every other principal)', () => {
  const policies = Object.values(resourcesOf(template(), 'AWS::SQS::QueuePolicy'));
  const deny = policies
    .flatMap((p) => p.Properties.PolicyDocument.Statement as (Statement & { Sid?: string })[])
    .find((s) => s.Sid === 'OnlyRouteFunctionsSendUsage')!;
  expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:SendMessage' });
  const allowed = (deny.Condition as { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [string, string] }[] } }).ArnNotEquals[
    'aws:PrincipalArn'
  ];
  const routeRoles = functionByService(template(), SERVICE.api)
    .map(([, fn]) => roleOfFunction(fn))
    .sort();
  expect(allowed.map((a) => a['Fn::GetAtt'][0]).sort()).toEqual(routeRoles);
});

test('the authorizer has the reserved concurrency of its stage config (prod), none in dev', () => {
  const reserved = (stage: 'dev' | 'prod') => {
    const [id] = functionByService(templateFor(stage), SERVICE.authorizer)[0];
    return stackFunctions(templateFor(stage))[id].Properties.ReservedConcurrentExecutions;
  };
  expect(reserved('prod')).toBe(STAGES.prod.authorizerReservedConcurrency);
  expect(reserved('prod')).toBeGreaterThan(0);
  expect(reserved('dev')).toBeUndefined();
});

// Per-client overrides: the keys CLI manages client usage plans with the operator's credentials
// (docs/plans.md lists them), the admin function with its own tag-scoped grants (test/infra/admin-api.test.ts);
// client usage plans copy the strict-route throttle keys of the stack's plans (capabilities/api-gateway/client-usage-plans.ts).
describe('per-client overrides', () => {
  test("only the admin function's own policy grants API Gateway management actions (pinned in admin-api.test.ts)", () => {
    const granting = Object.entries(resourcesOf(template(), 'AWS::IAM::Policy'))
      .filter(([, p]) =>
        (p.Properties.PolicyDocument.Statement as Statement[]).some((s) =>
          ([] as string[]).concat(s.Action).some((a) => /^apigateway:/i.test(a)),
        ),
      )
      .map(([id]) => id);
    expect(granting).toHaveLength(1);
    expect(granting[0]).toMatch(/^AdminApiGatewayKeys/);
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
});
