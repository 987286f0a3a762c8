// The admin API on the stack's RestApi: `/admin/v1/…` methods authorized by IAM (SigV4, no API key, no
// Lambda authorizer), one admin function with least-privilege grants, and the audit log group it writes.
import { type CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ADMIN_FUNCTION, ADMIN_ROUTES, type AdminRouteDefinition } from '../../contracts/admin/routes';
import { API_KEY_STAGE_TAG } from '../../contracts/deployment';
import { SERVICE } from '../../contracts/metrics';
import { functionEnvironment } from '../../contracts/function-env';
import { PLAN_NAMES, type PlanName } from '../../contracts/plans';
import { routeKey } from '../../contracts/routes';
import type { StageConfig } from '../../contracts/stages';
import { CLIENTS_PK } from '../../contracts/table';
import { MeteredFunction } from './metered-function';
import { grantItems, TABLE_READ_ACTIONS } from './table-access';

export interface AdminApiProps {
  readonly stage: StageConfig;
  /** The stack's API: the admin methods join it. */
  readonly restApi: apigw.RestApi;
  /** The stage's usage plans: the only ones whose keys the admin function may change. */
  readonly usagePlans: Readonly<Record<PlanName, apigw.UsagePlan>>;
  readonly table: dynamodb.ITableV2;
  /** @default ADMIN_ROUTES from contracts/admin/ */
  readonly routes?: readonly AdminRouteDefinition[];
}

export class AdminApi extends Construct {
  readonly function: MeteredFunction;
  /** One record per admin request, kept for the stage's log retention. */
  readonly auditLogs: logs.LogGroup;
  /** API Gateway method per admin route key (`POST /admin/v1/clients`). */
  readonly methods: ReadonlyMap<string, apigw.Method>;

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);
    const { stage, restApi } = props;

    // 1. The audit log group, with the stage's retention.
    this.auditLogs = new logs.LogGroup(this, 'AuditLogs', {
      retention: stage.logRetentionDays as logs.RetentionDays,
      removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // 2. The admin function. Usage plan ids are looked up at run time: passing them in would make a cycle
    // (plans → stage → deployment → admin methods → function).
    this.function = new MeteredFunction(this, 'Function', {
      stage,
      entry: ADMIN_FUNCTION.entry,
      serviceName: SERVICE.admin,
      timeout: Duration.seconds(ADMIN_FUNCTION.timeoutSeconds),
      invocation: 'sync',
      description: 'Admin API: creates, lists, revokes and re-plans clients; reads their usage.',
      environment: functionEnvironment('admin', {
        tableName: props.table.tableName,
        restApiId: restApi.restApiId,
        auditLogGroup: this.auditLogs.logGroupName,
      }),
    });
    this.auditLogs.grantWrite(this.function.function);

    // 3. The table: key and client records (create, revoke, set-plan, list), and counters read for usage.
    grantItems(
      props.table,
      this.function.function,
      { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: ['KEY#*', CLIENTS_PK] },
      { actions: [...TABLE_READ_ACTIONS.filter((a) => a === 'dynamodb:GetItem' || a === 'dynamodb:Query')], leadingKeys: ['USAGE#*'] },
    );

    // 4. API Gateway: this stage's usage plans and its keys (tagged with the stage), and this stage's
    // authorizer cache. A separate policy, so the function does not wait for the stage (no cycle).
    const apigateway = (path: string) => `arn:${Stack.of(this).partition}:apigateway:${Stack.of(this).region}::${path}`;
    const stageName = stage.stageName;
    const gatewayPolicy = new iam.Policy(this, 'ApiGatewayKeys', {
      statements: [
        new iam.PolicyStatement({
          sid: 'FindUsagePlans',
          actions: ['apigateway:GET'],
          resources: [apigateway('/usageplans')],
        }),
        new iam.PolicyStatement({
          sid: 'StageUsagePlanKeys',
          actions: ['apigateway:POST', 'apigateway:DELETE'],
          resources: PLAN_NAMES.flatMap((plan) => {
            const planId = props.usagePlans[plan].usagePlanId;
            return [apigateway(`/usageplans/${planId}/keys`), apigateway(`/usageplans/${planId}/keys/*`)];
          }),
        }),
        new iam.PolicyStatement({
          sid: 'CreateStageKeys',
          actions: ['apigateway:POST'],
          resources: [apigateway('/apikeys')],
          conditions: { StringEquals: { [`aws:RequestTag/${API_KEY_STAGE_TAG}`]: stageName } },
        }),
        new iam.PolicyStatement({
          sid: 'ChangeStageKeys',
          actions: ['apigateway:PATCH', 'apigateway:DELETE'],
          resources: [apigateway('/apikeys/*')],
          conditions: { StringEquals: { [`aws:ResourceTag/${API_KEY_STAGE_TAG}`]: stageName } },
        }),
        // Per-client overrides: a client's own usage plan, created tagged with the stage, then changed,
        // given the client's key and deleted only while it carries that tag.
        new iam.PolicyStatement({
          sid: 'CreateClientUsagePlans',
          actions: ['apigateway:POST'],
          resources: [apigateway('/usageplans')],
          conditions: { StringEquals: { [`aws:RequestTag/${API_KEY_STAGE_TAG}`]: stageName } },
        }),
        new iam.PolicyStatement({
          sid: 'ChangeClientUsagePlans',
          actions: ['apigateway:POST', 'apigateway:DELETE'],
          resources: [apigateway('/usageplans/*')],
          conditions: { StringEquals: { [`aws:ResourceTag/${API_KEY_STAGE_TAG}`]: stageName } },
        }),
        new iam.PolicyStatement({
          sid: 'FlushStageAuthorizerCache',
          actions: ['apigateway:DELETE'],
          resources: [apigateway(`/restapis/${restApi.restApiId}/stages/${stageName}/cache/authorizers`)],
        }),
      ],
    });
    gatewayPolicy.attachToRole(this.function.role);

    // 5. The methods: IAM (SigV4) only; no API key, no Lambda authorizer, never metered.
    const admin = restApi.root.addResource('admin', {
      defaultMethodOptions: { authorizer: undefined, authorizationType: apigw.AuthorizationType.IAM, apiKeyRequired: false },
    });
    const integration = new apigw.LambdaIntegration(this.function.function, { allowTestInvoke: false });
    const methods = new Map<string, apigw.Method>();
    for (const route of props.routes ?? ADMIN_ROUTES) {
      if (!route.path.startsWith('/admin/')) throw new Error(`admin routes live under /admin/: got ${JSON.stringify(route.path)}`);
      const method = admin.resourceForPath(route.path.slice('/admin/'.length)).addMethod(route.method, integration, {
        authorizationType: apigw.AuthorizationType.IAM,
        apiKeyRequired: false,
      });
      methods.set(routeKey(route), method);
    }
    this.methods = methods;

    this.acknowledgeFindings(gatewayPolicy, admin, props.usagePlans);
  }

  /** cdk-nag findings that are decisions, each on the resource it concerns. */
  private acknowledgeFindings(gatewayPolicy: iam.Policy, admin: apigw.Resource, usagePlans: AdminApiProps['usagePlans']): void {
    // cdk-nag names each wildcard resource as it reads the template: logical ids in <…>, pseudo parameters likewise.
    const stack = Stack.of(this);
    const literal = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const prefix = `arn:${literal(stack.partition, 'Partition')}:apigateway:${literal(stack.region, 'Region')}::`;
    Validations.of(gatewayPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${prefix}/apikeys/*]`,
      reason:
        'Admin function: API keys are account-level resources (/apikeys/{id}) whose ids are made at run time, so PATCH/DELETE on /apikeys/* is limited by an aws:ResourceTag condition to the keys tagged with this stage (every key the admin function or the keys CLI creates carries it).',
    });
    Validations.of(gatewayPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${prefix}/usageplans/*]`,
      reason:
        "Admin function: a client's own usage plan (per-client override) gets its id at run time, so POST/DELETE on /usageplans/* (the plan and its keys) is limited by an aws:ResourceTag condition to the usage plans tagged with this stage (the override use case tags every plan it creates; creating one requires the tag too).",
    });
    for (const plan of PLAN_NAMES) {
      const planLogicalId = stack.getLogicalId(usagePlans[plan].node.defaultChild as CfnElement);
      Validations.of(gatewayPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${prefix}/usageplans/<${planLogicalId}>/keys/*]`,
        reason: `Admin function: a key leaves the ${plan} usage plan by DELETE /usageplans/{planId}/keys/{keyId}, with the key id known only at run time; the grant is limited to this stage's ${plan} plan.`,
      });
    }
    for (const method of this.methods.values()) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: `${method.httpMethod} ${method.resource.path} is an operator route authorized with IAM (SigV4); operators are IAM principals, not Cognito users.`,
      });
    }
    // The stage's CORS preflights reach every resource, the admin ones included.
    for (const method of admin.node.findAll().filter((c): c is apigw.Method => c instanceof apigw.Method && c.httpMethod === 'OPTIONS')) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${method.resource.path} OPTIONS is a CORS preflight (mock integration) inherited from the API; browsers send it without credentials.`,
      });
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: `${method.resource.path} OPTIONS is a CORS preflight; browsers send it without credentials.`,
      });
    }
  }
}
