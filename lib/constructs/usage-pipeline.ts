// The usage pipeline: handlers send one event per request to SQS; the aggregator counts them in batches.
import { Duration, Validations } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE } from '../../contracts/metrics';
import { functionEnvironment } from '../../contracts/function-env';
import { WORKERS } from '../../contracts/workers';
import { USAGE_QUEUE, usageQueueVisibilitySeconds } from '../../contracts/usage-queue';
import type { StageConfig } from '../../contracts/stages';
import { MeteredFunction } from './metered-function';
import { createDeadLetterQueue, metricDeadLetters } from './dead-letter-queue';
import { grantTable } from './table-access';

export interface UsagePipelineProps {
  readonly stage: StageConfig;
  readonly table: dynamodb.ITableV2;
}

/** Construct ids of the queues: renaming one replaces the queue, so a test pins them. */
export const PIPELINE_IDS = { queue: 'UsageQueue', deadLetterQueue: 'UsageDeadLetterQueue' } as const;

const ONE_MINUTE = Duration.minutes(1);

export class UsagePipeline extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly aggregator: MeteredFunction;

  constructor(scope: Construct, id: string, props: UsagePipelineProps) {
    super(scope, id);
    const { stage } = props;
    const aggregatorTimeout = Duration.seconds(WORKERS.aggregator.timeoutSeconds);

    // Messages that failed five receives wait here for an operator (alarmed) for 14 days.
    this.deadLetterQueue = createDeadLetterQueue(this, PIPELINE_IDS.deadLetterQueue, {
      noDeadLetterQueue:
        'UsageDeadLetterQueue is itself the dead-letter queue of UsageQueue; a DLQ of a DLQ would only hide poison messages.',
      noRedrive:
        'UsageDeadLetterQueue is the end of the redrive chain: messages stay 14 days for an operator (alarmed) to inspect and redrive.',
    });

    // The usage queue: encrypted, TLS-only, redriven after five receives; a batch is invisible while the
    // aggregator may still hold it (6 × its timeout + the batching window, AWS's guidance).
    this.queue = new sqs.Queue(this, PIPELINE_IDS.queue, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(USAGE_QUEUE.retentionDays),
      visibilityTimeout: Duration.seconds(usageQueueVisibilitySeconds(stage)),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: USAGE_QUEUE.maxReceiveCount },
    });

    // The aggregator: batch consumer that counts each event exactly once.
    this.aggregator = new MeteredFunction(this, 'Aggregator', {
      stage,
      entry: WORKERS.aggregator.entry,
      serviceName: SERVICE.aggregator,
      timeout: aggregatorTimeout,
      invocation: 'queue',
      memorySize: 1024,
      description: 'Counts usage events from the usage queue into per-client daily counters.',
      environment: functionEnvironment('aggregator', { tableName: props.table.tableName, claimShards: String(stage.claimShards) }),
    });
    // Counters, claims and journals only (capabilities/counting/repository.ts): claim pages are queried and
    // appended, journals read (one or a batch) and written, counters updated and got by key (the alert step's day
    // totals); nothing is deleted (TTL does that).
    grantTable(props.table, this.aggregator.function, {
      read: ['claims', 'journals'],
      get: ['counters'],
      write: ['counters', 'claims', 'journals'],
      // A journal's entry in the pending-journal index is removed once it is complete (JOURNAL#PENDING).
      delete: ['journals'],
    });

    // Batch size and window from the stage; failed records are retried alone, not the whole batch.
    const eventSource = new SqsEventSource(this.queue, {
      batchSize: stage.usageBatchSize,
      maxBatchingWindow: Duration.seconds(stage.usageBatchWindowSeconds),
      reportBatchItemFailures: true,
      maxConcurrency: stage.aggregatorMaxConcurrency,
    });
    this.aggregator.function.addEventSource(eventSource);
    const mapping = this.aggregator.function.node.findAll().find((c) => c instanceof lambda.CfnEventSourceMapping);
    if (mapping) {
      Validations.of(mapping).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'The aggregator reads SQS, where Lambda supports no on-failure destination for the event source mapping; records that fail five receives move to UsageDeadLetterQueue through the queue redrive policy.',
      });
    }
  }

  /** Age of the oldest usage event waiting, seconds (the maximum of each minute). */
  metricQueueAge(props?: cw.MetricOptions): cw.Metric {
    return this.queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM, ...props });
  }

  /** Usage events waiting to be received (the maximum of each minute). */
  metricQueueVisible(props?: cw.MetricOptions): cw.Metric {
    return this.queue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM, ...props });
  }

  /** Usage events received by the aggregator and not yet deleted (the maximum of each minute). */
  metricQueueInFlight(props?: cw.MetricOptions): cw.Metric {
    return this.queue.metricApproximateNumberOfMessagesNotVisible({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM, ...props });
  }

  /** Usage events that failed five receives and wait in the DLQ, uncounted. */
  metricDeadLetters(props?: cw.MetricOptions): cw.Metric {
    return metricDeadLetters(this.deadLetterQueue, props);
  }

  /** Aggregator invocations that failed as a whole, per 5 minutes. */
  metricAggregatorErrors(props?: cw.MetricOptions): cw.Metric {
    return this.aggregator.function.metricErrors({ period: Duration.minutes(5), statistic: cw.Stats.SUM, ...props });
  }
}
