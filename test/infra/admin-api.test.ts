// The admin API's AWS side: IAM-authorized methods on the same RestApi (no key, no Lambda authorizer) into
// one admin function; its grants (client and key items, counters read-only, this stage's usage plans, keys
// tagged with the stage, this stage's authorizer cache, its audit log group); never a usage-event sender.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ADMIN_FUNCTION, ADMIN_ROUTES } from '../../contracts/admin/routes';
import { SERVICE } from '../../contracts/metrics';
import { routeKey } from '../../contracts/routes';
import { operatorRoleName } from '../../contracts/deployment';
import { type StageName, STAGES } from '../../contracts/stages';
import { MeteredApiStack } from '../../lib/metered-api-stack';
import { CDK_CONTEXT, TEST_ENV, templateFor } from './support/synth';
import {
  actionsOf,
  functionByService,
  integrationFunctionId,
  methodsByRoute,
  onlyResource,
  resourcesOf,
  roleOfFunction,
  roleStatements,
  type Statement,
  tableGrants,
} from './support/template';

const STAGE_NAMES: StageName[] = ['dev', 'prod'];

describe.each(STAGE_NAMES)('admin API (%s)', (stageName) => {
  const stage = STAGES[stageName];
  const template = () => templateFor(stageName);
  const adminFunction = () => {
    const found = functionByService(template(), SERVICE.admin);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const statements = () => roleStatements(template(), roleOfFunction(adminFunction()[1]));
  const json = (value: unknown) => JSON.stringify(value);

  test('every admin route is an IAM method on the API, without key or authorizer, into the one admin function', () => {
    const [restApiId] = onlyResource(template(), 'AWS::ApiGateway::RestApi');
    const methods = methodsByRoute(template());
    const [fnId] = adminFunction();
    for (const route of ADMIN_ROUTES) {
      const [, method] = methods.get(routeKey(route)) ?? [];
      expect({ route: routeKey(route), found: method !== undefined }).toEqual({ route: routeKey(route), found: true });
      expect(method!.Properties.AuthorizationType).toBe('AWS_IAM');
      expect(method!.Properties.ApiKeyRequired).toBe(false);
      expect(method!.Properties.AuthorizerId).toBeUndefined();
      expect(method!.Properties.RestApiId).toEqual({ Ref: restApiId });
      expect(method!.Properties.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(integrationFunctionId(method!)).toBe(fnId);
    }
    // Every non-preflight method under /admin/ is an admin route (and so IAM-authorized).
    const adminMethods = [...methods.keys()].filter((k) => / \/admin\//.test(k) && !k.startsWith('OPTIONS '));
    expect(adminMethods.sort()).toEqual(ADMIN_ROUTES.map((r) => routeKey(r)).sort());
  });

  test('the admin function: the one function construct, its entry, the API and audit log group it needs', () => {
    const [, fn] = adminFunction();
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: ADMIN_FUNCTION.timeoutSeconds });
    const variables = fn.Properties.Environment.Variables;
    expect(Object.keys(variables).sort()).toEqual(
      [
        'AUDIT_LOG_GROUP',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'REST_API_ID',
        'STAGE',
        'TABLE_NAME',
      ].sort(),
    );
    // No queue: admin requests are not metered.
    expect(json(variables)).not.toContain('Queue');
  });

  test('audit records: a dedicated log group with the stage log retention, written only by the admin function', () => {
    const [, fn] = adminFunction();
    const auditGroupId = fn.Properties.Environment.Variables.AUDIT_LOG_GROUP.Ref as string;
    const group = resourcesOf(template(), 'AWS::Logs::LogGroup')[auditGroupId];
    expect(group.Properties.RetentionInDays).toBe(stage.logRetentionDays);
    expect(group.DeletionPolicy).toBe(stage.retainData ? 'Retain' : 'Delete');
    expect(auditGroupId).not.toBe(fn.Properties.LoggingConfig.LogGroup.Ref);
    const writes = statements().filter((s) => actionsOf([s]).includes('logs:PutLogEvents'));
    expect(writes.some((s) => json(s.Resource).includes(`"${auditGroupId}"`))).toBe(true);
    // No other function's role mentions the audit group.
    const others = Object.values(resourcesOf(template(), 'AWS::IAM::Policy')).filter(
      (p) =>
        json(p.Properties.PolicyDocument).includes(`"${auditGroupId}"`) && !json(p.Properties.Roles).includes(`"${roleOfFunction(fn)}"`),
    );
    expect(others).toEqual([]);
    expect(template().toJSON().Outputs.AdminAuditLogGroup.Value).toEqual({ Ref: auditGroupId });
  });

  test('table: clients read and written, key records written and deleted (rotate), plan history written (set-plan), counters read, credits and gate items (top-up, set-plan onto the gate)', () => {
    // capabilities/customers: client-store (create, get, list, revoke), key-rotation (Put, Update, Delete of ended keys),
    // client-plan + plan-history (Update PLANS#<clientId> in the set-plan transaction), client-override; usage-reader;
    // capabilities/gate: credits (Put CREDITS#, Update GATE# in one transaction, Get GATE#), gate-seed (Get, Update GATE#).
    expect(tableGrants(statements())).toEqual({
      CLIENTS: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      'CREDITS#*': ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'GATE#*': ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      'KEY#*': ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'PLANS#*': ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'USAGE#*': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
    });
  });

  test("API Gateway: this stage's usage plans, keys tagged with the stage, this stage's authorizer cache; nothing else", () => {
    const gateway = statements().filter((s) => actionsOf([s]).some((a) => a.startsWith('apigateway:')));
    const [restApiId] = onlyResource(template(), 'AWS::ApiGateway::RestApi');
    const planIds = Object.keys(resourcesOf(template(), 'AWS::ApiGateway::UsagePlan'));
    const bySid = Object.fromEntries(gateway.map((s) => [(s as Statement & { Sid: string }).Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'ChangeClientUsagePlans',
      'ChangeStageKeys',
      'CreateClientUsagePlans',
      'CreateStageKeys',
      'FindUsagePlans',
      'FlushStageAuthorizerCache',
      'StageUsagePlanKeys',
      'TagOnCreate',
    ]);
    expect(actionsOf([bySid.FindUsagePlans])).toEqual(['apigateway:GET']);
    expect(json(bySid.FindUsagePlans.Resource)).toMatch(/::\/usageplans"$/);
    // Usage-plan keys: exactly this stage's plans.
    const planResources = json(bySid.StageUsagePlanKeys.Resource);
    for (const planId of planIds) expect(planResources).toContain(`"${planId}"`);
    expect(planResources.match(/\/usageplans\//g)).toHaveLength(planIds.length * 2);
    // Keys: created only with the stage tag, changed only when they carry it.
    expect(bySid.CreateStageKeys.Condition).toEqual({ StringEquals: { 'aws:RequestTag/metered-api:stage': stageName } });
    expect(bySid.ChangeStageKeys.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/metered-api:stage': stageName } });
    expect(actionsOf([bySid.ChangeStageKeys])).toEqual(['apigateway:DELETE', 'apigateway:PATCH']);
    // Per-client overrides: a client's own usage plan, created with the stage tag, changed only while it carries it.
    expect(bySid.CreateClientUsagePlans.Condition).toEqual({ StringEquals: { 'aws:RequestTag/metered-api:stage': stageName } });
    expect(json(bySid.CreateClientUsagePlans.Resource)).toMatch(/::\/usageplans"$/);
    expect(bySid.ChangeClientUsagePlans.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/metered-api:stage': stageName } });
    expect(actionsOf([bySid.ChangeClientUsagePlans])).toEqual(['apigateway:DELETE', 'apigateway:POST']);
    // Tag-on-create (CreateApiKey and CreateUsagePlan with tags): PUT on /tags/…, only this stage's tag and no other key.
    expect(actionsOf([bySid.TagOnCreate])).toEqual(['apigateway:PUT']);
    expect(json(bySid.TagOnCreate.Resource)).toMatch(/::\/tags\/\*"$/);
    expect(bySid.TagOnCreate.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/metered-api:stage': stageName },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['metered-api:stage'] },
    });
    // Flush: this API's stage only.
    expect(json(bySid.FlushStageAuthorizerCache.Resource)).toContain(`"${restApiId}"`);
    expect(json(bySid.FlushStageAuthorizerCache.Resource)).toContain(`/stages/${stageName}/cache/authorizers`);
    // No statement grants API Gateway on "*".
    for (const s of gateway) expect(s.Resource).not.toBe('*');
  });

  test('only the admin principals (default: the operator role) may call the admin routes: the API denies every other', () => {
    const [, api] = onlyResource(template(), 'AWS::ApiGateway::RestApi');
    const statementsOfPolicy = api.Properties.Policy.Statement as Array<Statement & { Sid?: string; Principal?: unknown }>;
    // No Allow at all: an Allow in the API's policy would admit principals of other accounts to IAM-authorized routes.
    expect(statementsOfPolicy.filter((s) => s.Effect !== 'Deny')).toEqual([]);
    const deny = statementsOfPolicy.find((s) => s.Sid === 'AdminRoutesOnlyForAdminPrincipals')!;
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'execute-api:Invoke' });
    const methods = [...new Set(ADMIN_ROUTES.map((r) => r.method))].sort();
    expect((deny.Resource as string[]).sort()).toEqual(methods.map((m) => `execute-api:/*/${m}/admin/*`));
    expect(deny.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [`arn:aws:iam::123456789012:role/${operatorRoleName(stageName)}`] },
    });
    // That role exists, and its policy may invoke this stage's admin routes (same account: the identity policy allows).
    const roles = Object.values(resourcesOf(template(), 'AWS::IAM::Role')).filter(
      (r) => r.Properties.RoleName === operatorRoleName(stageName),
    );
    expect(roles).toHaveLength(1);
  });

  test('never sends usage events: no SQS grant, and the queue policy denies every role but the route functions', () => {
    expect(actionsOf(statements()).filter((a) => a.startsWith('sqs:'))).toEqual([]);
    const role = roleOfFunction(adminFunction()[1]);
    const deny = Object.values(resourcesOf(template(), 'AWS::SQS::QueuePolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Statement & { Sid?: string }>)
      .find((s) => s.Sid === 'OnlyRouteFunctionsSendUsage');
    expect(deny?.Effect).toBe('Deny');
    expect(json(deny?.Condition)).not.toContain(`"${role}"`);
  });
});

test('configured admin principals: role names become roles of the account, ARNs stay; a change redeploys the stage', () => {
  const deploymentOf = (adminPrincipals: readonly string[] | undefined) => {
    const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const stack = new MeteredApiStack(app, 'AdminPrincipalsTest', {
      stage: { ...STAGES.prod, adminPrincipals },
      env: { account: TEST_ENV.CDK_DEFAULT_ACCOUNT, region: TEST_ENV.CDK_DEFAULT_REGION },
    });
    const template = Template.fromStack(stack);
    const [, api] = onlyResource(template, 'AWS::ApiGateway::RestApi');
    return {
      condition: api.Properties.Policy.Statement[0].Condition,
      deployment: onlyResource(template, 'AWS::ApiGateway::Deployment')[0],
    };
  };
  const sso = 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*';
  const configured = deploymentOf(['ops-breakglass', sso]);
  expect(configured.condition).toEqual({
    ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/ops-breakglass', sso] },
  });
  // The stage serves the resource policy of its deployment: a new policy must make a new deployment.
  expect(configured.deployment).not.toBe(deploymentOf(undefined).deployment);
});
