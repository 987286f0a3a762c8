// The scheduled Stripe push, opt-in per stage (`billingPush.schedule`): one Lambda on an EventBridge Scheduler
// schedule, granted GetSecretValue on the stage's Stripe secret only, its ledger and the counters by item family,
// and the archive's day data (read). The secret is a reference: its value never enters the template.
import { ArnFormat, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ARCHIVE_PREFIX, alarmName } from '../../contracts/deployment';
import { functionEnvironment } from '../../contracts/function-env';
import { METRIC, SERVICE } from '../../contracts/metrics';
import type { BillingPushSettings, StageConfig } from '../../contracts/stages';
import { BILLING_PUSH_WORKER } from '../../contracts/workers';
import { createDeadLetterQueue, metricDeadLetters } from './dead-letter-queue';
import { MeteredFunction } from './metered-function';
import { grantTable, type TableIntents } from './table-access';

/** What the push reads and writes in the table: the statements' sources (read) and its ledger (capabilities/billing). */
export const BILLING_PUSH_TABLE_ACCESS: TableIntents = {
  read: ['clients', 'counters', 'summaries', 'plans', 'billing'],
  write: ['billing'],
};

/** Archive prefixes the push reads (days past retention, through their manifests). */
const ARCHIVE_READ_PREFIXES = [ARCHIVE_PREFIX.usage, ARCHIVE_PREFIX.manifests] as const;

/**
 * The ARN of the stage's Stripe secret: as given when it is a full ARN; for a name, the ARN Secrets Manager gives it
 * (the name, a hyphen and six random characters), so the grant covers that one secret and no other name.
 */
export function stripeSecretArn(scope: Construct, settings: BillingPushSettings): string {
  if (settings.stripeSecret.startsWith('arn:')) return settings.stripeSecret;
  return Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${settings.stripeSecret}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** GetSecretValue on the stage's Stripe secret only (the function and the operator policy). */
export function readStripeSecretStatement(scope: Construct, settings: BillingPushSettings, sid?: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions: ['secretsmanager:GetSecretValue'], resources: [stripeSecretArn(scope, settings)] });
}

export interface BillingPushProps {
  readonly stage: StageConfig;
  readonly settings: BillingPushSettings & { readonly schedule: NonNullable<BillingPushSettings['schedule']> };
  readonly table: dynamodb.ITableV2;
  readonly archiveBucket: s3.IBucket;
}

export class BillingPush extends Construct {
  readonly push: MeteredFunction;
  readonly schedule: scheduler.Schedule;
  /** Runs that failed after their retries, and deliveries that never reached the function. */
  readonly deadLetterQueue: sqs.Queue;

  private readonly stageName: string;

  constructor(scope: Construct, id: string, props: BillingPushProps) {
    super(scope, id);
    const { stage, settings } = props;
    this.stageName = stage.stageName;
    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue', {
      noDeadLetterQueue: 'DeadLetterQueue is itself the dead-letter queue of the billing push and its schedule.',
      noRedrive: 'DeadLetterQueue is the end of the chain for failed billing push runs; a rerun (or the next day) resumes from the ledger.',
    });
    this.push = new MeteredFunction(this, 'Function', {
      stage,
      entry: BILLING_PUSH_WORKER.entry,
      serviceName: SERVICE.billingPush,
      timeout: Duration.seconds(BILLING_PUSH_WORKER.timeoutSeconds),
      invocation: 'async',
      description: 'Sends each settled client-day of billable units to Stripe once (docs/billing.md).',
      environment: functionEnvironment('billingPush', {
        tableName: props.table.tableName,
        archiveBucket: props.archiveBucket.bucketName,
        stripeSecretId: settings.stripeSecret,
        stripeSecretJsonField: settings.stripeSecretJsonField,
      }),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      // The push is safe to rerun, but two at once would contend for the same ledger items: one run at a time.
      retryAttempts: 1,
      reservedConcurrentExecutions: 1,
    });
    grantTable(props.table, this.push.function, BILLING_PUSH_TABLE_ACCESS);
    this.push.function.addToRolePolicy(readStripeSecretStatement(this, settings));
    this.push.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: ARCHIVE_READ_PREFIXES.map((prefix) => props.archiveBucket.arnForObjects(`${prefix}*`)),
      }),
    );
    this.push.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.archiveBucket.bucketArn] }));
    const bucketLogicalId = Stack.of(this).getLogicalId(props.archiveBucket.node.defaultChild as s3.CfnBucket);
    const policy = this.push.role.node.findChild('DefaultPolicy');
    for (const prefix of ARCHIVE_READ_PREFIXES) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${prefix}*]`,
        reason: `The billing push reads archived days (${prefix}dt=YYYY-MM-DD/...), named at run time; read-only, the ${prefix} prefix of ArchiveBucket only.`,
      });
    }

    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets the billing push schedule invoke the billing push',
    });
    const { hour, minute } = settings.schedule;
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `Stripe billing push (${stage.stageName}), ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} UTC`,
      schedule: scheduler.ScheduleExpression.cron({ minute: String(minute), hour: String(hour), timeZone: TimeZone.ETC_UTC }),
      target: new targets.LambdaInvoke(this.push.function, {
        role: scheduleRole,
        input: scheduler.ScheduleTargetInput.fromObject({ source: 'schedule', scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 1,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    const functionLogicalId = Stack.of(this).getLogicalId(this.push.function.node.defaultChild as lambda.CfnFunction);
    Validations.of(scheduleRole.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason: 'The ":*" is the qualifier of the billing push function (its versions and aliases); the role may invoke only that function.',
    });
  }

  /** Alarms on the stage's alarm topic: a run that left client-days refused or unknown; failed runs in the DLQ. */
  addAlarms(alarmTopic: sns.ITopic): void {
    const action = new cwActions.SnsAction(alarmTopic);
    const alarm = (name: string, description: string, metric: cw.IMetric) => {
      const created = new cw.Alarm(this, name, {
        alarmName: alarmName(this.stageName, `BillingPush${name}`),
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
    };
    alarm(
      'RefusedAlarm',
      "The billing push left client-days refused (past Stripe's 35-day window, or fewer units than sent) or of unknown outcome: run npm run billing:push and adjust by hand what it reports.",
      this.push.metricOfService(METRIC.billingRefused, { period: Duration.hours(1) }),
    );
    alarm(
      'DeadLettersAlarm',
      'Billing push runs that failed after their retries wait in its DLQ.',
      metricDeadLetters(this.deadLetterQueue),
    );
  }
}
