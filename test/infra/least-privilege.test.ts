// Least privilege as the prod template grants it: each role's table access by item family (dynamodb:LeadingKeys
// from the catalogue in contracts/table.ts, no key literal in lib/), the operator policy derived from the CLIs, and
// the resource policies that keep everyone else out (usage queue, alarm topic key).
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { alarmNamePrefix, operatorPolicyName, operatorRoleName } from '../../contracts/deployment';
import { SERVICE } from '../../contracts/metrics';
import { ROUTES } from '../../contracts/routes';
import { STAGES } from '../../contracts/stages';
import { GATE_PLAN_NAMES, isGatePlan, PLAN_NAMES } from '../../contracts/plans';
import { planIncludesRoute } from '../../contracts/route-access';
import { claimPage, familyOf, ITEM_FAMILIES, ITEM_FAMILY_NAMES, itemKey, leadingKeyPattern } from '../../contracts/table';
import { clientUsagePlanInput } from '../../capabilities/api-gateway/client-usage-plans';
import { templateFor } from './support/synth';
import {
  type CfnResource,
  functionByService,
  onlyResource,
  resourcesOf,
  roleOfFunction,
  roleStatements,
  stackFunctions,
  type Statement,
  tableGrants,
} from './support/template';

const template = () => templateFor('prod');
const only = (service: string) => functionByService(template(), service)[0][0];
const grantsOf = (fnId: string) => tableGrants(roleStatements(template(), roleOfFunction(stackFunctions(template())[fnId])));
const operatorPolicy = () => onlyResource(template(), 'AWS::IAM::ManagedPolicy')[1];
const operatorStatements = () => operatorPolicy().Properties.PolicyDocument.Statement as Array<Statement & { Sid?: string }>;

const READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
const both = (...lists: string[][]) => [...new Set(lists.flat())].sort();

describe('the table catalogue', () => {
  test('every key builder of contracts/table.ts lands in exactly one declared item family', () => {
    const pks = [
      itemKey.apiKey('h').pk,
      itemKey.client('c').pk,
      itemKey.dayCounter('c', '2026-01-01').pk,
      itemKey.routeCounter('c', '2026-01-01', 'GET /v1/hello').pk,
      itemKey.planDay('c', '2026-01-01').pk,
      itemKey.daySummary('2026-01-01', 'c').pk,
      itemKey.claimEntry(claimPage('2026-01-01T00:00:00', 0), 1).pk,
      itemKey.journalHead('j').pk,
      itemKey.journalBody('j').pk,
      itemKey.alert('2026-01-01', 'c', 80).pk,
      itemKey.gate('c').pk,
      itemKey.creditTopUp('c', 't').pk,
      itemKey.billingDay('c', '2026-03-01').pk,
    ];
    expect(pks.map(familyOf)).toEqual([
      'keys',
      'clients',
      'counters',
      'counters',
      'plans',
      'summaries',
      'claims',
      'journals',
      'journals',
      'alerts',
      'gates',
      'credits',
      'billing',
    ]);
    // No family's pattern matches another family's keys (a grant of one never reaches another).
    for (const family of ITEM_FAMILY_NAMES) {
      const others = pks.filter((pk) => familyOf(pk) !== family);
      const pattern = new RegExp(`^${leadingKeyPattern(family).replace('*', '.*')}$`);
      expect({ family, reaches: others.filter((pk) => pattern.test(pk)) }).toEqual({ family, reaches: [] });
    }
  });

  test('lib/ writes no key literal: grants name item families', () => {
    const literals = Object.values(ITEM_FAMILIES).map((f) => ('prefix' in f ? f.prefix : f.partition));
    const libRoot = path.resolve(__dirname, '..', '..', 'lib');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
      );
    const found = files(libRoot)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        literals.filter((literal) => readFileSync(file, 'utf8').includes(`'${literal}`)).map((l) => `${path.basename(file)}: ${l}`),
      );
    expect(found).toEqual([]);
  });
});

describe('table grants by function (each from its code: test/infra/grants-cover-calls.test.ts runs the calls)', () => {
  test('every DynamoDB statement of every role and of the operator policy is scoped to catalogue families; no Scan, no batch write', () => {
    const patterns = new Set(ITEM_FAMILY_NAMES.map(leadingKeyPattern));
    const policies = [
      ...Object.values(resourcesOf(template(), 'AWS::IAM::Policy')),
      ...Object.values(resourcesOf(template(), 'AWS::IAM::ManagedPolicy')),
    ] as CfnResource[];
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const table = statements.filter((s) => ([] as string[]).concat(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(table.length).toBeGreaterThan(0);
    for (const s of table) {
      const keys = (s.Condition as Record<string, Record<string, string[]>> | undefined)?.['ForAllValues:StringLike']?.[
        'dynamodb:LeadingKeys'
      ];
      expect({ scoped: Array.isArray(keys) && keys.length > 0 && keys.every((k) => patterns.has(k)) }).toEqual({ scoped: true });
      const actions = ([] as string[]).concat(s.Action);
      for (const refused of ['dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:PartiQLSelect'])
        expect(actions).not.toContain(refused);
      expect(actions.some((a) => a.includes('*'))).toBe(false);
    }
  });

  test('authorizer: the key record and today’s counter, by key only (GetItem)', () => {
    expect(grantsOf(only(SERVICE.authorizer))).toEqual({ 'KEY#*': ['dynamodb:GetItem'], 'USAGE#*': ['dynamodb:GetItem'] });
  });

  test('aggregator: claims and journals read and written, counters got and written, alert outbox written, client override read, gate items got (credit balance); only journal items and alert entries deleted (the pending indexes)', () => {
    expect(grantsOf(only(SERVICE.aggregator))).toEqual({
      'CLAIM#*': both(READ, WRITE),
      'JOURNAL#*': both(READ, WRITE, ['dynamodb:DeleteItem']),
      'USAGE#*': both(['dynamodb:GetItem'], WRITE),
      'ALERTS#*': both(WRITE, ['dynamodb:DeleteItem']),
      'CLIENTS [pk, sk, override]': ['dynamodb:GetItem'],
      'GATE#*': ['dynamodb:GetItem'],
    });
    const fn = stackFunctions(template())[only(SERVICE.aggregator)];
    const clientRead = roleStatements(template(), roleOfFunction(fn)).find((s) => JSON.stringify(s.Condition ?? {}).includes('"CLIENTS"'))!;
    expect(clientRead.Condition).toMatchObject({ StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' } });
  });

  test('daily job: reads clients, counters, summaries and plan history (the monthly statement); writes summaries; archives counters', () => {
    expect(grantsOf(only(SERVICE.dailyJob))).toEqual({
      CLIENTS: READ,
      'PLANS#*': READ,
      'SUMMARY#*': both(READ, WRITE),
      'USAGE#*': both(READ, WRITE, ['dynamodb:DeleteItem']),
    });
  });

  test('route functions: analytics routes read counters; gated routes get and update gate items; nothing else', () => {
    const routeFns = functionByService(template(), SERVICE.api);
    expect(routeFns).toHaveLength(ROUTES.length);
    for (const route of ROUTES) {
      const [id] = routeFns.find(([, fn]) => fn.Properties.Description?.includes(` ${route.path}.`))!;
      const readsUsage = 'readsUsage' in route && route.readsUsage;
      const gated = GATE_PLAN_NAMES.some((plan) => planIncludesRoute(plan, route.id));
      expect(grantsOf(id)).toEqual({
        ...(readsUsage ? { 'USAGE#*': READ } : {}),
        ...(gated ? { 'GATE#*': ['dynamodb:GetItem', 'dynamodb:UpdateItem'] } : {}),
      });
    }
  });
});

describe('the operator policy (docs/operations.md, "Operator role and policy")', () => {
  test('a managed policy named for the stage, attached to the operator role the account may assume, both stack outputs', () => {
    const [policyId, policy] = onlyResource(template(), 'AWS::IAM::ManagedPolicy');
    expect(policy.Properties.ManagedPolicyName).toBe(operatorPolicyName('prod'));
    const [roleId, role] = Object.entries(resourcesOf(template(), 'AWS::IAM::Role')).find(
      ([, r]) => r.Properties.RoleName === operatorRoleName('prod'),
    )!;
    expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' } },
    ]);
    const outputs = template().toJSON().Outputs;
    expect(outputs.OperatorRoleArn.Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(outputs.OperatorPolicyArn.Value).toEqual({ Ref: policyId });
  });

  test('its statements are what the CLIs call, and nothing else', () => {
    const bySid = Object.fromEntries(
      operatorStatements()
        .filter((s) => s.Sid)
        .map((s) => [s.Sid!, s]),
    );
    const actions = (sid: string) => ([] as string[]).concat(bySid[sid].Action).sort();
    expect(Object.keys(bySid).sort()).toEqual([
      'CallAdminApi',
      'ChangeClientUsagePlans',
      'ChangeStageKeys',
      'CreateClientUsagePlans',
      'CreateStageKeys',
      'FindDroppedUsageEvents',
      'FlushStageAuthorizerCache',
      'ListArchive',
      'ReadArchive',
      'ReadStack',
      'ReadUsagePlanUsage',
      'RedriveUsageDeadLetters',
      'RunDailyJob',
      'SendUsageEvents',
      'StageUsagePlanKeys',
      'TagOnCreate',
      'WriteAuditRecords',
      'WriteStatements',
    ]);
    // Every CLI reads the stack's outputs; usage:replay lists its resources.
    expect(actions('ReadStack')).toEqual(['cloudformation:DescribeStacks', 'cloudformation:ListStackResources']);
    expect(bySid.ReadStack.Resource).toEqual({ Ref: 'AWS::StackId' });
    // usage:replay: the route functions' log groups, the usage queue; the runbook's DLQ redrive.
    expect(actions('FindDroppedUsageEvents')).toEqual(['logs:FilterLogEvents']);
    expect((bySid.FindDroppedUsageEvents.Resource as unknown[]).length).toBe(ROUTES.length);
    expect(actions('SendUsageEvents')).toEqual(['sqs:GetQueueAttributes', 'sqs:SendMessage']);
    expect(JSON.stringify(bySid.SendUsageEvents.Resource)).toMatch(/PipelineUsageQueue/);
    expect(actions('RedriveUsageDeadLetters')).toEqual([
      'sqs:CancelMessageMoveTask',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ListMessageMoveTasks',
      'sqs:ReceiveMessage',
      'sqs:StartMessageMoveTask',
    ]);
    expect(JSON.stringify(bySid.RedriveUsageDeadLetters.Resource)).toMatch(/PipelineUsageDeadLetterQueue/);
    // job:daily --stage; usage:export (statements written only under statements/).
    expect(actions('RunDailyJob')).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(bySid.WriteStatements.Resource)).toMatch(/"\/statements\/\*"/);
    expect(JSON.stringify(bySid.WriteStatements.Resource)).not.toMatch(/usage/);
    // reconcile: GetUsage, read-only; the admin API of this stage.
    expect(actions('ReadUsagePlanUsage')).toEqual(['apigateway:GET']);
    expect(JSON.stringify(bySid.CallAdminApi.Resource)).toMatch(/\/prod\/\*\/admin\/\*"/);
    // keys: one audit record per change, in the admin API's audit log group and no other.
    expect(actions('WriteAuditRecords')).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(JSON.stringify(bySid.WriteAuditRecords.Resource)).toMatch(/^\{"Fn::GetAtt":\["AdminAuditLogs[0-9A-F]+","Arn"\]\}$/);
    // The keys CLI's API Gateway statements are the admin function's (pinned in admin-api.test.ts).
    const adminPolicy = Object.values(resourcesOf(template(), 'AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('"TagOnCreate"'),
    )!;
    const adminGateway = (adminPolicy.Properties.PolicyDocument.Statement as Array<Statement & { Sid?: string }>).filter(
      (st) => st.Sid !== 'FindUsagePlans',
    );
    expect(adminGateway.length).toBeGreaterThan(5);
    for (const statement of adminGateway) expect(bySid[statement.Sid!]).toEqual(statement);
    // Its table access: the keys CLI's (the admin use cases) plus the statements' reads (usage:export) and the billing
    // push's ledger (billing:push).
    expect(tableGrants(operatorStatements())).toEqual({
      'BILLING#*': both(READ, WRITE),
      // keys top-up: the ledger item and the gate item's balance (capabilities/gate/credits.ts).
      'CREDITS#*': WRITE,
      'GATE#*': ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      CLIENTS: both(READ, WRITE),
      'KEY#*': both(WRITE, ['dynamodb:DeleteItem']),
      'PLANS#*': both(READ, WRITE),
      'SUMMARY#*': READ,
      'USAGE#*': READ,
    });
  });
});

describe('resource policies: who else may act', () => {
  test('only this stage’s alarms may use the alarm topic key (aws:SourceArn names the stage’s alarm prefix), and every alarm carries it', () => {
    const [, key] = onlyResource(template(), 'AWS::KMS::Key');
    const forCloudWatch = (key.Properties.KeyPolicy.Statement as Array<Statement & { Principal?: unknown }>).filter((s) =>
      JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'),
    );
    expect(forCloudWatch).toHaveLength(1);
    expect(forCloudWatch[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmNamePrefix('prod')}*` },
    });
    // An alarm without the prefix could not publish to its own topic.
    const alarms = Object.values(resourcesOf(template(), 'AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(String(alarm.Properties.AlarmName)).toMatch(new RegExp(`^${alarmNamePrefix('prod')}[A-Za-z]+$`));
  });

  test('only the route functions and the operator role may send to the usage queue (explicit Deny for every other principal)', () => {
    const policies = Object.values(resourcesOf(template(), 'AWS::SQS::QueuePolicy'));
    const deny = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement as (Statement & { Sid?: string })[])
      .find((s) => s.Sid === 'OnlyRouteFunctionsSendUsage')!;
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:SendMessage' });
    const allowed = (deny.Condition as { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [string, string] }[] } }).ArnNotEquals[
      'aws:PrincipalArn'
    ];
    const routeRoles = functionByService(template(), SERVICE.api).map(([, fn]) => roleOfFunction(fn));
    const [operatorRoleId] = Object.entries(resourcesOf(template(), 'AWS::IAM::Role')).find(
      ([, r]) => r.Properties.RoleName === operatorRoleName('prod'),
    )!;
    expect(allowed.map((a) => a['Fn::GetAtt'][0]).sort()).toEqual([...routeRoles, operatorRoleId].sort());
  });
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
    // A gate plan's usage plan holds only pool keys (no per-method throttle): overrides there are the gate's.
    for (const plan of PLAN_NAMES.filter((p) => !isGatePlan(p))) {
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
