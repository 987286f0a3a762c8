// The admin API on the stack's RestApi: `/admin/v1/…` methods authorized by IAM (SigV4, no API key, no
// Lambda authorizer), one admin function with least-privilege grants, and the audit log group it writes.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ADMIN_FUNCTION, ADMIN_ROUTES, type AdminRouteDefinition } from '../../contracts/admin/routes';
import { operatorRoleName } from '../../contracts/deployment';
import { SERVICE } from '../../contracts/metrics';
import { functionEnvironment } from '../../contracts/function-env';
import type { PlanName } from '../../contracts/plans';
import { routeKey } from '../../contracts/routes';
import type { StageConfig } from '../../contracts/stages';
import { MeteredFunction } from './metered-function';
import { acknowledgeStageKeyWildcards, apiGatewayArn, stageKeyStatements } from './stage-keys-policy';
import { grantTable, type TableIntents } from './table-access';

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

/** The admin routes live under `/admin/`. */
const ADMIN_PATH_PART = 'admin';

/**
 * What the admin use cases do to the table (capabilities/customers, capabilities/admin): client records read
 * (get, list) and written, key records written (create, revoke, rotate, set-plan, override) and deleted once
 * their grace ended (rotate), the plan history written (set-plan), counters read (usage).
 */
export const ADMIN_TABLE_ACCESS: TableIntents = {
  read: ['clients', 'counters'],
  // credits: a top-up's ledger item, written in one transaction with the balance on the gate item.
  write: ['keys', 'clients', 'plans', 'credits'],
  delete: ['keys'],
  // set-plan onto a gate plan seeds the client's gate item with the units it used today and this month; a top-up
  // adds to its balance and reads it back.
  get: ['gates'],
  update: ['gates'],
};

/** The stage's admin principals as ARN patterns: a role name is a role of this account. */
export function adminPrincipalArns(scope: Construct, stage: StageConfig): string[] {
  const { partition, account } = Stack.of(scope);
  const names = stage.adminPrincipals ?? [operatorRoleName(stage.stageName)];
  return names.map((name) => (name.startsWith('arn:') ? name : `arn:${partition}:iam::${account}:role/${name}`));
}

export class AdminApi extends Construct {
  readonly function: MeteredFunction;
  /** One record per admin request, kept for the stage's log retention. */
  readonly auditLogs: logs.LogGroup;
  /** API Gateway method per admin route key (`POST /admin/v1/clients`). */
  readonly methods: ReadonlyMap<string, apigw.Method>;
  /** Who may call the admin routes (the API's resource policy denies every other principal). */
  readonly adminPrincipalArns: readonly string[];

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

    // 3. The table (capabilities/customers): clients read and written, key records written (create, revoke,
    // rotate, set-plan, override) and deleted once their grace ended (rotate), the plan history written
    // (set-plan), counters read (usage).
    grantTable(props.table, this.function.function, ADMIN_TABLE_ACCESS);

    // 4. API Gateway: this stage's usage plans and its keys (tagged with the stage), and this stage's
    // authorizer cache; the plans' ids are found by name. A separate policy, so the function does not wait
    // for the stage (no cycle).
    const gatewayPolicy = new iam.Policy(this, 'ApiGatewayKeys', {
      statements: [
        new iam.PolicyStatement({ sid: 'FindUsagePlans', actions: ['apigateway:GET'], resources: [apiGatewayArn(this, '/usageplans')] }),
        ...stageKeyStatements(this, { restApiId: restApi.restApiId, stageName: stage.stageName, usagePlans: props.usagePlans }),
      ],
    });
    gatewayPolicy.attachToRole(this.function.role);

    // 5. The methods: IAM (SigV4) only; no API key, no Lambda authorizer, never metered.
    const admin = restApi.root.addResource(ADMIN_PATH_PART, {
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

    // 6. Only the admin principals may call the admin routes: in the API's own account an identity policy
    // allowing execute-api:Invoke would be enough, so the API's resource policy denies everyone else.
    this.adminPrincipalArns = adminPrincipalArns(this, stage);
    const onlyAdmins = new iam.PolicyStatement({
      sid: 'AdminRoutesOnlyForAdminPrincipals',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['execute-api:Invoke'],
      // Per method, so the admin resources' CORS preflights (OPTIONS, no credentials) stay as they are.
      resources: [...new Set((props.routes ?? ADMIN_ROUTES).map((r) => r.method))].map((m) => `execute-api:/*/${m}/${ADMIN_PATH_PART}/*`),
      conditions: { ArnNotLike: { 'aws:PrincipalArn': this.adminPrincipalArns } },
    });
    restApi.addToResourcePolicy(onlyAdmins);
    // A resource policy takes effect with a deployment: a change to it makes a new one.
    restApi.latestDeployment?.addToLogicalId({ adminResourcePolicy: onlyAdmins.toJSON() });

    this.acknowledgeFindings(gatewayPolicy, admin, props.usagePlans);
  }

  /** cdk-nag findings that are decisions, each on the resource it concerns. */
  private acknowledgeFindings(gatewayPolicy: iam.Policy, admin: apigw.Resource, usagePlans: AdminApiProps['usagePlans']): void {
    acknowledgeStageKeyWildcards(gatewayPolicy, 'Admin function', usagePlans);
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
