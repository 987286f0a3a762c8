// Sends one usage event to the usage queue within a hard wall-clock budget (USAGE_SEND, 280 ms): each attempt
// is raced against its own timer, which also aborts the SDK request, so neither the SDK (its body write, a silent
// socket, credential or endpoint resolution) nor the network can hold the client's response past the budget. A
// send not confirmed within the budget never fails the client's request: it is logged once, in full, under a
// fixed message (events hold no secrets; `npm run usage:replay` finds and re-sends them) and counted in
// UsageEventsDropped, which has an alarm. A send cut off by the timer may still land; the aggregator counts
// each eventId once, so the replayed copy then changes nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../contracts/metrics';
import { usageSendSchedule } from '../../contracts/usage-queue';
import type { UsageEvent } from '../../contracts/usage-event';

/** The fixed message of the log line that holds a dropped event; replay searches for it. */
export const USAGE_EVENT_DROPPED = 'usage event dropped';
/** The key of that log line under which the whole usage event v1 is logged. */
export const DROPPED_EVENT_KEY = 'usageEvent';
/** The name of the error an attempt ends with when its timer fires first: its request may still land. */
export const SEND_CUT_OFF = 'UsageSendCutOff';

export interface UsagePublisher {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The total budget in ms; USAGE_SEND's (280 ms) unless the function's environment says otherwise (the twin). */
  readonly budgetMs?: number;
  /** The clock and timers the budget runs on. @default the real ones (the simulator passes its virtual clock) */
  readonly clock?: SendClock;
}

/** Wall-clock time, pauses and cancellable timers: what the send's budget is measured with. */
export interface SendClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Calls `fire` after `ms`; returns what cancels it. */
  timer(ms: number, fire: () => void): () => void;
}

const REAL_CLOCK: SendClock = {
  now: () => Date.now(),
  sleep: (ms) => sleep(ms),
  timer: (ms, fire) => {
    const handle = setTimeout(fire, ms);
    return () => clearTimeout(handle);
  },
};

export async function publishUsageEvent(publisher: UsagePublisher, event: UsageEvent): Promise<boolean> {
  const send = usageSendSchedule(publisher.budgetMs);
  const clock = publisher.clock ?? REAL_CLOCK;
  const started = clock.now();
  const deadline = started + send.budgetMs;
  const command = new SendMessageCommand({ QueueUrl: publisher.queueUrl, MessageBody: JSON.stringify(event) });
  let lastError: unknown;
  let attempts = 0;
  let cutOff = 0;
  for (let attempt = 1; attempt <= send.maxAttempts; attempt += 1) {
    const left = deadline - clock.now();
    if (left < send.minAttemptMs) break;
    attempts = attempt;
    try {
      await sendWithin(publisher.sqs, command, Math.min(send.attemptTimeoutMs, left), clock);
      return true;
    } catch (error) {
      lastError = error;
      if ((error as Error)?.name === SEND_CUT_OFF) cutOff += 1;
    }
    const backoff = send.firstBackoffMs * 2 ** (attempt - 1);
    if (deadline - clock.now() - backoff < send.minAttemptMs) break;
    await clock.sleep(backoff);
  }
  publisher.metrics.addMetric(METRIC.usageEventsDropped, MetricUnit.Count, 1);
  publisher.logger.error(USAGE_EVENT_DROPPED, {
    [DROPPED_EVENT_KEY]: event,
    attempts,
    // Attempts cut off by their timer: each may still have reached the queue (then the replay counts nothing).
    cutOff,
    heldMs: clock.now() - started,
    errorName: (lastError as Error)?.name,
    errorMessage: (lastError as Error)?.message,
  });
  return false;
}

/** One SendMessage that settles within `ms`: the SDK's answer, or a cut-off that also aborts its request. */
async function sendWithin(sqs: SQSClient, command: SendMessageCommand, ms: number, clock: SendClock): Promise<void> {
  const controller = new AbortController();
  let cancel: () => void = () => undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    cancel = clock.timer(ms, () => {
      const error = Object.assign(new Error(`no answer from the usage queue within ${ms} ms`), { name: SEND_CUT_OFF });
      reject(error);
      controller.abort(error);
    });
  });
  const sending = sqs.send(command, { abortSignal: controller.signal });
  sending.catch(() => undefined); // after a cut-off its own rejection (the abort) is expected and ignored
  try {
    await Promise.race([sending, timedOut]);
  } finally {
    cancel();
  }
}
