// The metered API stack: wires the store, usage pipeline, handlers, API, daily job and monitoring.
import { OUTPUT } from '../contracts/deployment';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { SERVICE } from '../contracts/metrics';
import { functionEnvironment } from '../contracts/function-env';
import { admissionOf, PLAN_NAMES } from '../contracts/plans';
import { ROUTES, type RouteDefinition } from '../contracts/routes';
import { WORKERS } from '../contracts/workers';
import type { StageConfig } from '../contracts/stages';
import { AdminApi } from './constructs/admin-api';
import { DailyJob } from './constructs/daily-job';
import { MeteredApi } from './constructs/metered-api';
import { MeteredFunction } from './constructs/metered-function';
import { Monitoring } from './constructs/monitoring';
import { RouteFunctions } from './constructs/route-functions';
import { UsagePipeline } from './constructs/usage-pipeline';
import { QuotaAlerts } from './constructs/quota-alerts';
import { OperatorPolicy } from './constructs/operator-policy';
import { BillingPush } from './constructs/billing-push';
import { UsageStore } from './constructs/usage-store';
import { grantTable } from './constructs/table-access';

export interface MeteredApiStackProps extends StackProps {
  readonly stage: StageConfig;
  /** @default ROUTES from contracts/routes/ */
  readonly routes?: readonly RouteDefinition[];
}

export { OUTPUT };

export class MeteredApiStack extends Stack {
  readonly store: UsageStore;
  readonly pipeline: UsagePipeline;
  readonly routeFunctions: RouteFunctions;
  readonly authorizer: MeteredFunction;
  readonly api: MeteredApi;
  readonly admin: AdminApi;
  readonly dailyJob: DailyJob;
  readonly monitoring: Monitoring;
  readonly quotaAlerts: QuotaAlerts;
  readonly operators: OperatorPolicy;
  /** The scheduled Stripe push, where the stage enables it (`billingPush.schedule`). */
  readonly billingPush?: BillingPush;

  constructor(scope: Construct, id: string, props: MeteredApiStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const routes = props.routes ?? ROUTES;

    this.store = new UsageStore(this, 'Store', { stage });
    this.pipeline = new UsagePipeline(this, 'Pipeline', { stage, table: this.store.table });
    this.routeFunctions = new RouteFunctions(this, 'Routes', {
      stage,
      routes,
      usageQueue: this.pipeline.queue,
      table: this.store.table,
    });
    // The authorizer reads key records only.
    this.authorizer = new MeteredFunction(this, 'Authorizer', {
      stage,
      entry: WORKERS.authorizer.entry,
      serviceName: SERVICE.authorizer,
      timeout: Duration.seconds(WORKERS.authorizer.timeoutSeconds),
      invocation: 'sync',
      description: 'Resolves x-api-key to its client and plan.',
      environment: functionEnvironment('authorizer', { tableName: this.store.table.tableName }),
      reservedConcurrentExecutions: stage.authorizerReservedConcurrency,
    });
    // The key record, and today's counter for the RateLimit header (capabilities/customers/client-store.ts findByKeyHash).
    grantTable(this.store.table, this.authorizer.function, { get: ['keys', 'counters'] });

    this.api = new MeteredApi(this, 'Api', {
      stage,
      routes,
      handlerFor: (routeId) => this.routeFunctions.handlerFor(routeId),
      authorizer: this.authorizer.function,
    });
    // Operators' routes on the same API: IAM-authorized, not metered.
    this.admin = new AdminApi(this, 'Admin', {
      stage,
      restApi: this.api.restApi,
      usagePlans: this.api.usagePlans,
      table: this.store.table,
    });
    this.dailyJob = new DailyJob(this, 'DailyJob', {
      stage,
      table: this.store.table,
      archiveBucket: this.store.archiveBucket,
    });
    this.quotaAlerts = new QuotaAlerts(this, 'QuotaAlerts', {
      stage,
      table: this.store.table,
      aggregator: this.pipeline.aggregator.function,
      statementPublisher: this.dailyJob.job.function,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      api: this.api,
      routeFunctions: this.routeFunctions,
      authorizer: this.authorizer,
      pipeline: this.pipeline,
      dailyJob: this.dailyJob,
      store: this.store,
      functions: {
        ...Object.fromEntries([...this.routeFunctions.handlers].map(([routeId, fn]) => [routeId, fn.function])),
        authorizer: this.authorizer.function,
        aggregator: this.pipeline.aggregator.function,
        dailyJob: this.dailyJob.job.function,
        alertSweeper: this.quotaAlerts.sweeper.function,
        admin: this.admin.function.function,
      },
    });

    this.quotaAlerts.addAlarms(this.monitoring.topic);

    // The Stripe push on a schedule: only where the stage opts in (contracts/stages.ts billingPush.schedule).
    const push = stage.billingPush;
    if (push?.schedule) {
      this.billingPush = new BillingPush(this, 'BillingPush', {
        stage,
        settings: { ...push, schedule: push.schedule },
        table: this.store.table,
        archiveBucket: this.store.archiveBucket,
      });
      this.billingPush.addAlarms(this.monitoring.topic);
    }

    // Operators: the role and managed policy the CLIs run under on AWS.
    this.operators = new OperatorPolicy(this, 'Operators', {
      stage,
      table: this.store.table,
      archiveBucket: this.store.archiveBucket,
      usageQueue: this.pipeline.queue,
      usageDeadLetterQueue: this.pipeline.deadLetterQueue,
      restApi: this.api.restApi,
      usagePlans: this.api.usagePlans,
      routeLogGroups: [...this.routeFunctions.handlers.values()].map((fn) => fn.logGroup),
      dailyJob: this.dailyJob.job.function,
      adminAuditLogs: this.admin.auditLogs,
    });

    // Only the route functions may put usage events on the queue: no other principal of the account
    // can forge usage (an explicit Deny beats any identity policy). The operator role may too, for
    // `usage:replay` and the DLQ redrive (docs/operations.md, "Operator role and policy").
    this.pipeline.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyRouteFunctionsSendUsage',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [this.pipeline.queue.queueArn],
        conditions: {
          ArnNotEquals: {
            'aws:PrincipalArn': [...[...this.routeFunctions.handlers.values()].map((fn) => fn.role.roleArn), this.operators.role.roleArn],
          },
        },
      }),
    );

    // Outputs a user and the scripts need.
    new CfnOutput(this, OUTPUT.apiUrl, { value: this.api.restApi.url, description: 'Base URL of the API stage' });
    new CfnOutput(this, OUTPUT.tableName, { value: this.store.table.tableName });
    new CfnOutput(this, OUTPUT.usageQueueUrl, { value: this.pipeline.queue.queueUrl });
    new CfnOutput(this, OUTPUT.deadLetterQueueUrl, { value: this.pipeline.deadLetterQueue.queueUrl });
    new CfnOutput(this, OUTPUT.archiveBucketName, { value: this.store.archiveBucket.bucketName });
    new CfnOutput(this, OUTPUT.dashboardUrl, { value: this.monitoring.dashboardUrl });
    new CfnOutput(this, OUTPUT.dailyJobFunctionName, { value: this.dailyJob.job.function.functionName });
    new CfnOutput(this, OUTPUT.restApiId, { value: this.api.restApi.restApiId });
    new CfnOutput(this, OUTPUT.adminAuditLogGroup, {
      value: this.admin.auditLogs.logGroupName,
      description: 'Audit records of the admin API, one per request',
    });
    new CfnOutput(this, OUTPUT.stageName, { value: this.api.restApi.deploymentStage.stageName });
    new CfnOutput(this, OUTPUT.operatorRoleArn, {
      value: this.operators.role.roleArn,
      description: 'Assume this role to run the CLIs against the stage (aws sts assume-role)',
    });
    new CfnOutput(this, OUTPUT.operatorPolicyArn, {
      value: this.operators.policy.managedPolicyArn,
      description: 'The least the CLIs need, attached to the operator role',
    });
    for (const plan of PLAN_NAMES) {
      new CfnOutput(this, OUTPUT.usagePlanId(plan), {
        value: this.api.usagePlans[plan].usagePlanId,
        description:
          admissionOf(plan) === 'gate'
            ? `Usage plan of the ${plan} plan (gate admission): holds its pool keys; its clients get no API key`
            : `Usage plan of the ${plan} plan: attach its clients' API keys here`,
      });
    }
  }
}
