// The operators' side of a stage: the minimum managed policy the CLIs need on AWS (keys, usage:replay,
// usage:export, job:daily, reconcile, smoke) plus a redrive of the usage DLQ and the admin API, and the role
// `metered-api-<stage>-operator` that carries it, which operators assume and the resource policies exempt.
import { Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BILLING } from '../../contracts/billing';
import { ARCHIVE_PREFIX, operatorPolicyName, operatorRoleName } from '../../contracts/deployment';
import type { PlanName } from '../../contracts/plans';
import type { StageConfig } from '../../contracts/stages';
import { ADMIN_TABLE_ACCESS } from './admin-api';
import { acknowledgeStageKeyWildcards, apiGatewayArn, nagArn, stageKeyStatements } from './stage-keys-policy';
import { type TableIntents, tableStatements } from './table-access';
import { readStripeSecretStatement } from './billing-push';

export interface OperatorPolicyProps {
  readonly stage: StageConfig;
  readonly table: dynamodb.ITableV2;
  readonly archiveBucket: s3.IBucket;
  readonly usageQueue: sqs.IQueue;
  readonly usageDeadLetterQueue: sqs.IQueue;
  readonly restApi: apigw.RestApi;
  readonly usagePlans: Readonly<Record<PlanName, apigw.IUsagePlan>>;
  /** Where route functions log dropped usage events (`usage:replay --stage` searches them). */
  readonly routeLogGroups: readonly logs.ILogGroup[];
  /** `job:daily --stage` invokes it. */
  readonly dailyJob: lambda.IFunction;
  /** The admin API's audit log group: `npm run keys` records its changes there too. */
  readonly adminAuditLogs: logs.ILogGroup;
}

/**
 * The CLIs' table access: the keys CLI does what the admin function does (scripts/keys.ts, capabilities/customers);
 * `reconcile` reads clients and counters; `usage:export` also reads day summaries and plan history (capabilities/statements).
 */
export const OPERATOR_TABLE_ACCESS: TableIntents = {
  ...ADMIN_TABLE_ACCESS,
  read: [...new Set([...(ADMIN_TABLE_ACCESS.read ?? []), 'clients', 'counters', 'summaries', 'plans', 'billing'] as const)],
  // billing:push: its ledger per client and day (capabilities/billing/push-ledger.ts), started and confirmed.
  write: [...new Set([...(ADMIN_TABLE_ACCESS.write ?? []), 'billing'] as const)],
  // keys top-up and set-plan onto a gate plan: as the admin API (ADMIN_TABLE_ACCESS).
};

/** Archive prefixes `usage:export` reads (day data, manifests, statements) and the one it writes (`--write`). */
const ARCHIVE_READ_PREFIXES = [ARCHIVE_PREFIX.usage, ARCHIVE_PREFIX.manifests, `${BILLING.statementPrefix}/`] as const;
const ARCHIVE_WRITE_PREFIXES = [`${BILLING.statementPrefix}/`] as const;

export class OperatorPolicy extends Construct {
  /** The role operators assume (any principal of the account allowed sts:AssumeRole on it). */
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    super(scope, id);
    const { stage } = props;
    const stack = Stack.of(this);

    // 1. The role: trusted by the account, so the account's own IAM decides who may assume it.
    this.role = new iam.Role(this, 'Role', {
      roleName: operatorRoleName(stage.stageName),
      assumedBy: new iam.AccountRootPrincipal(),
      description: `Operators of the metered API (${stage.stageName}): keys, replay, export, daily job, reconcile, DLQ redrive, admin API`,
    });

    // 2. The policy, one statement per job a CLI does.
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: operatorPolicyName(stage.stageName),
      description: `The least the metered API (${stage.stageName}) CLIs need; see docs/operations.md, "Operator role and policy"`,
      roles: [this.role],
      statements: [
        // Every CLI finds the stage by its stack's outputs; usage:replay finds the route log groups among its resources.
        new iam.PolicyStatement({
          sid: 'ReadStack',
          actions: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
          resources: [stack.stackId],
        }),
        // keys, reconcile, usage:export, smoke: the table, by item family.
        ...tableStatements(props.table.tableArn, OPERATOR_TABLE_ACCESS),
        // keys (create, revoke, rotate, set-plan, override), smoke: API Gateway as the admin function has it.
        ...stageKeyStatements(this, { restApiId: props.restApi.restApiId, stageName: stage.stageName, usagePlans: props.usagePlans }),
        // reconcile: API Gateway's own per-key counts of the stage's plans and of client usage plans (ids made at run time).
        new iam.PolicyStatement({
          sid: 'ReadUsagePlanUsage',
          actions: ['apigateway:GET'],
          resources: [apiGatewayArn(this, '/usageplans/*/usage')],
        }),
        // usage:replay: the dropped-event lines, and the usage queue they are sent to again (reconcile reads its depth).
        new iam.PolicyStatement({
          sid: 'FindDroppedUsageEvents',
          actions: ['logs:FilterLogEvents'],
          resources: props.routeLogGroups.map((group) => group.logGroupArn),
        }),
        new iam.PolicyStatement({
          sid: 'SendUsageEvents',
          actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
          resources: [props.usageQueue.queueArn],
        }),
        // The runbook's DLQ redrive (StartMessageMoveTask back to the usage queue), and reconcile's DLQ depth.
        new iam.PolicyStatement({
          sid: 'RedriveUsageDeadLetters',
          actions: [
            'sqs:StartMessageMoveTask',
            'sqs:ListMessageMoveTasks',
            'sqs:CancelMessageMoveTask',
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
          ],
          resources: [props.usageDeadLetterQueue.queueArn],
        }),
        // job:daily --stage: runs the deployed job (its own role does the work).
        new iam.PolicyStatement({ sid: 'RunDailyJob', actions: ['lambda:InvokeFunction'], resources: [props.dailyJob.functionArn] }),
        // usage:export: archived days and statements read; statements written with --write. ListBucket lets a
        // missing object read as 404 (a month without a statement yet), not 403.
        new iam.PolicyStatement({
          sid: 'ReadArchive',
          actions: ['s3:GetObject'],
          resources: ARCHIVE_READ_PREFIXES.map((prefix) => props.archiveBucket.arnForObjects(`${prefix}*`)),
        }),
        new iam.PolicyStatement({
          sid: 'WriteStatements',
          actions: ['s3:PutObject'],
          resources: ARCHIVE_WRITE_PREFIXES.map((prefix) => props.archiveBucket.arnForObjects(`${prefix}*`)),
        }),
        new iam.PolicyStatement({ sid: 'ListArchive', actions: ['s3:ListBucket'], resources: [props.archiveBucket.bucketArn] }),
        // billing:push --stage: the Stripe key from the stage's secret, that secret only (where the stage names one).
        ...(stage.billingPush ? [readStripeSecretStatement(this, stage.billingPush, 'ReadStripeSecret')] : []),
        // keys (create, rotate, revoke, set-plan, override, set-customer, top-up): one audit record per change, in
        // the admin API's audit log group (capabilities/admin/audit-log.ts: a stream per run, then its records).
        new iam.PolicyStatement({
          sid: 'WriteAuditRecords',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [props.adminAuditLogs.logGroupArn],
        }),
        // The admin API (/admin/v1/…, IAM-authorized) of this stage.
        new iam.PolicyStatement({
          sid: 'CallAdminApi',
          actions: ['execute-api:Invoke'],
          resources: [props.restApi.arnForExecuteApi('*', '/admin/*', stage.stageName)],
        }),
      ],
    });

    this.acknowledgeFindings(props);
  }

  /** cdk-nag findings that are decisions: each wildcard of the policy, with its reason. */
  private acknowledgeFindings(props: OperatorPolicyProps): void {
    acknowledgeStageKeyWildcards(this.policy, 'Operator policy', props.usagePlans);
    const stack = Stack.of(this);
    const acknowledge = (resource: string, reason: string) =>
      Validations.of(this.policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: `Operator policy: ${reason}` });
    acknowledge(
      nagArn(this, 'apigateway', '', '/usageplans/*/usage'),
      "reconcile reads GetUsage of the stage's usage plans and of per-client usage plans, whose ids are made at run time; read-only.",
    );
    const bucketLogicalId = stack.getLogicalId(props.archiveBucket.node.defaultChild as s3.CfnBucket);
    for (const prefix of new Set([...ARCHIVE_READ_PREFIXES, ...ARCHIVE_WRITE_PREFIXES])) {
      acknowledge(
        `<${bucketLogicalId}.Arn>/${prefix}*`,
        `usage:export reads archived days and statements named at run time (${prefix}dt=… or ${prefix}month=…), and writes statements only under ${BILLING.statementPrefix}/.`,
      );
    }
    const apiLogicalId = stack.getLogicalId(props.restApi.node.defaultChild as apigw.CfnRestApi);
    acknowledge(
      nagArn(this, 'execute-api', stack.account, `<${apiLogicalId}>/${props.stage.stageName}/*/admin/*`),
      'the admin routes of this stage: every method, and path parameters (a client id) known only at run time.',
    );
  }
}
