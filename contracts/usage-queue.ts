// The usage queue and its dead-letter queue: one definition for the CDK pipeline construct and the
// local twin (which creates both queues in its SQS emulator).
import { WORKERS } from './workers';

export const USAGE_QUEUE = {
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: 5,
  /** AWS's guidance for SQS event sources: visibility timeout at least 6× the function timeout. */
  visibilityTimeoutFactor: 6,
  retentionDays: 4,
  /** Failed messages wait this long for an operator. */
  deadLetterRetentionDays: 14,
} as const;

/** The usage queue's visibility timeout: the factor times the aggregator's timeout. */
export const USAGE_QUEUE_VISIBILITY_SECONDS = USAGE_QUEUE.visibilityTimeoutFactor * WORKERS.aggregator.timeoutSeconds;

/**
 * How long the aggregator keeps an event's claim and journal (DynamoDB TTL): longer than any way a message can
 * come back — the queue's retention, then the DLQ's (counted from the first enqueue), then a redrive's fresh
 * queue retention — plus a day. An event older than this minus a day is refused to the DLQ, never counted blind.
 */
export const CLAIM_RETENTION_DAYS = USAGE_QUEUE.retentionDays + USAGE_QUEUE.deadLetterRetentionDays + USAGE_QUEUE.retentionDays + 1;
