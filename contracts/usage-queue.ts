// The usage queue and its dead-letter queue: one definition for the CDK pipeline construct and the
// local twin (which creates both queues in its SQS emulator).
import { WORKERS } from './workers';

export const USAGE_QUEUE = {
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: 5,
  /**
   * AWS's guidance for SQS event sources: visibility timeout at least 6× the function timeout plus the
   * event source's maximum batching window.
   */
  visibilityTimeoutFactor: 6,
  retentionDays: 4,
  /** Failed messages wait this long for an operator. */
  deadLetterRetentionDays: 14,
} as const;

/** A stage's usage queue visibility timeout: 6 × the aggregator's timeout + the stage's batching window (prod: 390 s). */
export function usageQueueVisibilitySeconds(stage: { readonly usageBatchWindowSeconds: number }): number {
  return USAGE_QUEUE.visibilityTimeoutFactor * WORKERS.aggregator.timeoutSeconds + stage.usageBatchWindowSeconds;
}

/**
 * How long the aggregator keeps an event's claim and journal (DynamoDB TTL): longer than any way a message can
 * come back — the queue's retention, then the DLQ's (counted from the first enqueue), then a redrive's fresh
 * queue retention — plus a day. An event older than this minus a day is refused to the DLQ, never counted blind.
 */
export const CLAIM_RETENTION_DAYS = USAGE_QUEUE.retentionDays + USAGE_QUEUE.deadLetterRetentionDays + USAGE_QUEUE.retentionDays + 1;

/**
 * How far an event's requestTime may be ahead of the aggregator's clock (API Gateway's and Lambda's clocks
 * agree to far less). An event further ahead is refused to the DLQ path: counted now, it would never become
 * too old to count, so once its claims expired a copy would be counted again. It must stay well under a day
 * (the claim retention keeps one day beyond the oldest request time counted).
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * How many days after a UTC day began its counters can still change. A journal created at time c holds events
 * with request times back to c − (claim retention − 1 day), and can be applied (by its own batch, by a resumer
 * whose event came back, or by the aggregator's look through the pending-journal index) until
 * c + claim retention − 1 day (plus the future skew bound): so up to 2 × claim retention − 1 day after its day
 * began. Closed monthly statements are rechecked for that long (capabilities/daily-job).
 */
export const COUNTERS_FINAL_AFTER_DAYS = 2 * CLAIM_RETENTION_DAYS - 1;

/**
 * The shortest counter retention (`retentionDays`, `RETENTION_DAYS`) that cannot count an event twice. A counter
 * item that a journal may still be applied to must not be archived and deleted: its marker of that journal goes
 * with it, and the journal's next application would add to a fresh item (a new archive part), counting again.
 * The daily job archives day D at the earliest on D + retention + 1, so one day more than
 * COUNTERS_FINAL_AFTER_DAYS (twice the claim retention, 46 days) leaves a day of margin.
 */
export const MIN_RETENTION_DAYS = COUNTERS_FINAL_AFTER_DAYS + 1;

/**
 * Sending one usage event from a route function holds that function (and its Lambda execution) for at most
 * `budgetMs` of wall-clock time (≤ 300 ms with the timer's lateness), whatever the network does: each attempt
 * is cut off after `attemptTimeoutMs` (or what is left of the budget), no attempt starts with less than
 * `minAttemptMs` left, at most `maxAttempts`. A send not confirmed within the budget (refused, or cut off while
 * it may still land) is logged in full as a replayable event (`npm run usage:replay`); the aggregator counts each
 * eventId once, so an event that landed late and was replayed counts once. At this hold an SQS slowdown exhausts
 * the account's unreserved concurrency only well above prod's stage throttle (the arithmetic: docs/scale.md).
 */
export const USAGE_SEND = {
  attemptTimeoutMs: 130,
  /** An attempt with less time than this left is not started: it could not finish. */
  minAttemptMs: 50,
  maxAttempts: 3,
  /** Pause before retry n (1-based), doubled each time. */
  firstBackoffMs: 10,
  /** 20 ms under the 300 ms target: a timer fires late when the event loop is busy (measured up to 15 ms on a cold first send). */
  budgetMs: 280,
} as const;

export type UsageSendSchedule = { readonly [K in keyof typeof USAGE_SEND]: number };

/** USAGE_SEND stretched to another total budget (the twin's), every duration in proportion. */
export function usageSendSchedule(budgetMs: number = USAGE_SEND.budgetMs): UsageSendSchedule {
  const scale = budgetMs / USAGE_SEND.budgetMs;
  return {
    attemptTimeoutMs: Math.round(USAGE_SEND.attemptTimeoutMs * scale),
    minAttemptMs: Math.round(USAGE_SEND.minAttemptMs * scale),
    maxAttempts: USAGE_SEND.maxAttempts,
    firstBackoffMs: Math.round(USAGE_SEND.firstBackoffMs * scale),
    budgetMs,
  };
}
