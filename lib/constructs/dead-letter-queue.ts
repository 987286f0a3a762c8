// The end of a failure chain: an encrypted, TLS-only queue kept 14 days for an operator (alarmed),
// with the cdk-nag acknowledgements every such queue needs.
import { Duration, Validations } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { USAGE_QUEUE } from '../../contracts/usage-queue';

export interface DeadLetterQueueReasons {
  /** Why this queue needs no DLQ of its own (AwsSolutions-SQS3). */
  readonly noDeadLetterQueue: string;
  /** Why this queue has no redrive policy (Serverless-SQSRedrivePolicy). */
  readonly noRedrive: string;
}

export function createDeadLetterQueue(scope: Construct, id: string, reasons: DeadLetterQueueReasons): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(USAGE_QUEUE.deadLetterRetentionDays),
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: reasons.noDeadLetterQueue });
  Validations.of(queue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: reasons.noRedrive });
  return queue;
}

/** Messages waiting in a dead-letter queue, the maximum of each minute: what its alarm and the dashboard watch. */
export function metricDeadLetters(queue: sqs.IQueue, props?: cw.MetricOptions): cw.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cw.Stats.MAXIMUM, ...props });
}
