// The daily job: an EventBridge Scheduler schedule invokes one Lambda that closes and archives days.
import { ARCHIVE_PREFIX } from '../../contracts/deployment';
import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BILLING } from '../../contracts/billing';
import { SERVICE } from '../../contracts/metrics';
import { functionEnvironment } from '../../contracts/function-env';
import { WORKERS } from '../../contracts/workers';
import type { StageConfig } from '../../contracts/stages';
import { MeteredFunction } from './metered-function';
import { createDeadLetterQueue, metricDeadLetters } from './dead-letter-queue';
import { grantTable } from './table-access';

export interface DailyJobProps {
  readonly stage: StageConfig;
  readonly table: dynamodb.ITableV2;
  readonly archiveBucket: s3.IBucket;
}

/** Attempts after the first, by the scheduler (delivery) and by Lambda (asynchronous invocation). */
export const DAILY_JOB_RETRIES = 2;
/**
 * One run at a time: a manual rerun (`job:daily --stage`) and the schedule, or a retry and a slow first attempt,
 * would otherwise archive and delete the same counters concurrently. A second invocation is throttled (an async
 * one is retried by Lambda later; a manual one fails with TooManyRequestsException and can be run again).
 */
export const DAILY_JOB_CONCURRENCY = 1;

/** Key prefixes the daily job writes in the archive: day data, manifests (contracts/deployment.ts) and monthly statements (contracts/billing.ts). */
export const ARCHIVE_PREFIXES = [ARCHIVE_PREFIX.usage, ARCHIVE_PREFIX.manifests, `${BILLING.statementPrefix}/`] as const;

export class DailyJob extends Construct {
  readonly job: MeteredFunction;
  readonly schedule: scheduler.Schedule;
  /** Runs that failed after every retry, and schedule deliveries that never reached the function. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DailyJobProps) {
    super(scope, id);
    const { stage } = props;

    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue', {
      noDeadLetterQueue:
        'DeadLetterQueue is itself the dead-letter queue of the daily job and its schedule; a DLQ of a DLQ would only hide failed runs.',
      noRedrive:
        'DeadLetterQueue is the end of the chain for failed daily job runs: messages stay 14 days for an operator (alarmed) to inspect and rerun the day.',
    });

    // The job: reads and writes counters, writes the archive; failed async runs land in the DLQ.
    this.job = new MeteredFunction(this, 'Job', {
      stage,
      entry: WORKERS.dailyJob.entry,
      serviceName: SERVICE.dailyJob,
      timeout: Duration.seconds(WORKERS.dailyJob.timeoutSeconds),
      invocation: 'async',
      memorySize: 1024,
      description: 'Closes the previous UTC day and archives days past retention to S3.',
      environment: functionEnvironment('dailyJob', {
        tableName: props.table.tableName,
        archiveBucket: props.archiveBucket.bucketName,
        retentionDays: String(stage.retentionDays),
      }),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      retryAttempts: DAILY_JOB_RETRIES,
      reservedConcurrentExecutions: DAILY_JOB_CONCURRENCY,
    });
    // Reads the client registry, counters, summaries and plan history (the monthly statement); writes
    // summaries, marks counters for the archive and deletes the archived ones (capabilities/daily-job,
    // capabilities/archive, capabilities/statements).
    grantTable(props.table, this.job.function, {
      read: ['clients', 'counters', 'summaries', 'plans'],
      write: ['counters', 'summaries'],
      delete: ['counters'],
    });
    // The archive: read and write objects under its two prefixes only (no delete: the lifecycle
    // expires objects). ListBucket lets a missing object read as 404, not 403, so a rerun can resume.
    this.job.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: ARCHIVE_PREFIXES.map((prefix) => props.archiveBucket.arnForObjects(`${prefix}*`)),
      }),
    );
    this.job.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.archiveBucket.bucketArn],
      }),
    );
    const bucketLogicalId = Stack.of(this).getLogicalId(props.archiveBucket.node.defaultChild as s3.CfnBucket);
    for (const prefix of ARCHIVE_PREFIXES) {
      Validations.of(this.job.role.node.findChild('DefaultPolicy')).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${prefix}*]`,
        reason: `The daily job writes objects per archived day or statement month (${prefix}dt=YYYY-MM-DD/... or ${prefix}month=YYYY-MM/...), named at run time; access is limited to the ${prefix} prefix of ArchiveBucket.`,
      });
    }

    // The schedule invokes through a role only EventBridge Scheduler of this account may assume:
    // the function has no resource policy, so no other principal can invoke it.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets the daily schedule invoke the daily job',
    });
    const { hour, minute } = stage.dailyJobSchedule;
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `Daily usage job (${stage.stageName}), ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} UTC`,
      schedule: scheduler.ScheduleExpression.cron({ minute: String(minute), hour: String(hour), timeZone: TimeZone.ETC_UTC }),
      target: new targets.LambdaInvoke(this.job.function, {
        role: scheduleRole,
        // The job learns which run this is; it derives the day to close from scheduledTime.
        input: scheduler.ScheduleTargetInput.fromObject({
          source: 'schedule',
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
          executionId: scheduler.ContextAttribute.executionId,
        }),
        retryAttempts: DAILY_JOB_RETRIES,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    const jobLogicalId = Stack.of(this).getLogicalId(this.job.function.node.defaultChild as lambda.CfnFunction);
    Validations.of(scheduleRole.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${jobLogicalId}.Arn>:*]`,
      reason: 'The ":*" is the qualifier of the daily job function (its versions and aliases); the role may invoke only that function.',
    });
  }

  /** Runs that failed after their retries (or never reached the function), waiting in the DLQ. */
  metricDeadLetters(props?: cw.MetricOptions): cw.Metric {
    return metricDeadLetters(this.deadLetterQueue, props);
  }
}
