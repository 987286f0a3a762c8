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
