// Sends one usage event to the usage queue within a bounded budget (USAGE_SEND): each attempt is cut
// off after its own timeout, a few attempts with a short backoff, all within a total deadline that
// fits inside the route's timeout. A send that still fails never fails the client's request: it is
// logged once, in full, under a fixed message (events hold no secrets; `npm run usage:replay` finds
// and re-sends them) and counted in UsageEventsDropped, which has an alarm.
import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../contracts/metrics';
import { USAGE_SEND } from '../../contracts/usage-queue';
import type { UsageEvent } from '../../contracts/usage-event';

/** The fixed message of the log line that holds a dropped event; replay searches for it. */
export const USAGE_EVENT_DROPPED = 'usage event dropped';
/** The key of that log line under which the whole usage event v1 is logged. */
export const DROPPED_EVENT_KEY = 'usageEvent';

export interface UsagePublisher {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export async function publishUsageEvent(publisher: UsagePublisher, event: UsageEvent): Promise<boolean> {
  const deadline = Date.now() + USAGE_SEND.budgetMs;
  const command = new SendMessageCommand({ QueueUrl: publisher.queueUrl, MessageBody: JSON.stringify(event) });
  let lastError: unknown;
  let attempts = 0;
  for (let attempt = 1; attempt <= USAGE_SEND.maxAttempts; attempt += 1) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    attempts = attempt;
    try {
      await publisher.sqs.send(command, { abortSignal: AbortSignal.timeout(Math.min(USAGE_SEND.attemptTimeoutMs, left)) });
      return true;
    } catch (error) {
      lastError = error;
    }
    const backoff = USAGE_SEND.firstBackoffMs * 2 ** (attempt - 1);
    if (attempt < USAGE_SEND.maxAttempts && deadline - Date.now() > backoff) await sleep(backoff);
  }
  publisher.metrics.addMetric(METRIC.usageEventsDropped, MetricUnit.Count, 1);
  publisher.logger.error(USAGE_EVENT_DROPPED, {
    [DROPPED_EVENT_KEY]: event,
    attempts,
    errorName: (lastError as Error)?.name,
    errorMessage: (lastError as Error)?.message,
  });
  return false;
}
