// Turns an SQS event into an aggregator batch and its result into a partial batch response, logs and metrics.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../contracts/metrics';
import type { AcceptedAlerts } from '../alerts/event-bridge-sender';
import type { Aggregator } from './exactly-once';

export interface SqsAggregatorDeps {
  readonly aggregator: Aggregator;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  readonly metrics: { addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown };
  readonly clock?: () => number;
  /**
   * What the alert senders got EventBridge to accept since the last call (capabilities/alerts/event-bridge-sender.ts):
   * the source of `UsageAlertsSent` / `CreditAlertsSent`, so an event counts once it went out, whatever the step
   * that sent it reports.
   */
  readonly alertsAccepted?: () => AcceptedAlerts;
}

export function createSqsAggregatorHandler(deps: SqsAggregatorDeps) {
  const clock = deps.clock ?? Date.now;
  return async (event: SQSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const started = clock();
    const records = event.Records.map((record) => ({ id: record.messageId, body: record.body }));
    const result = await deps.aggregator.aggregateBatch(records, { remainingTimeMs: context.getRemainingTimeInMillis() });
    const receiveCounts = new Map(event.Records.map((r) => [r.messageId, r.attributes?.ApproximateReceiveCount]));
    for (const { id, reason } of result.poison) {
      // Only the reason and ids: the body is never logged whole.
      deps.logger.warn('poison usage event', { messageId: id, reason, receiveCount: receiveCounts.get(id) });
    }
    for (const { id, eventId } of result.conflicts) {
      // The first payload was counted; this one carries the same eventId with other values (never logged).
      deps.logger.warn('usage event id reused with a different payload', { messageId: id, eventId });
    }
    const retried = result.failures.length - result.poison.length;
    if (retried > 0) deps.logger.warn('usage events left for retry', { count: retried, journalId: result.journalId });
    deps.logger.info('usage batch aggregated', {
      records: records.length,
      counted: result.counted,
      completedEvents: result.completedEvents,
      duplicates: result.duplicates,
      counterWrites: result.counterWrites,
      resumed: result.resumed,
      failures: result.failures.length,
      journalId: result.journalId,
      // What the alert step reports it sent (its own count; the metrics count what EventBridge accepted).
      ...(result.alerts ? { alertsSent: result.alerts.sent, creditAlertsSent: result.alerts.creditSent } : {}),
    });
    // Whoever completed a journal reports its events: a batch that timed out after counting reports none, the batch
    // that finished its journal reports them, so the metric adds up to the events counted.
    deps.metrics.addMetric(METRIC.eventsAggregated, MetricUnit.Count, result.completedEvents);
    deps.metrics.addMetric(METRIC.duplicatesSkipped, MetricUnit.Count, result.duplicates);
    deps.metrics.addMetric(METRIC.counterWrites, MetricUnit.Count, result.counterWrites);
    deps.metrics.addMetric(METRIC.poisonMessages, MetricUnit.Count, result.poison.length);
    deps.metrics.addMetric(METRIC.futureUsageEvents, MetricUnit.Count, result.poison.filter((p) => p.kind === 'future').length);
    deps.metrics.addMetric(METRIC.recordFailures, MetricUnit.Count, retried);
    deps.metrics.addMetric(METRIC.eventConflicts, MetricUnit.Count, result.conflicts.length);
    deps.metrics.addMetric(METRIC.batchPartErrors, MetricUnit.Count, result.errors);
    if (result.alerts) {
      const { alerts } = result;
      // Counts are settled whatever happens here; the alert sweeper recovers what this step missed.
      if (alerts.error !== undefined) {
        deps.logger.warn('quota alert step failed; the alert sweeper will send what is missing', {
          clientDays: alerts.clientDays,
          error: alerts.error as Error,
        });
      } else if (alerts.timedOut) {
        deps.logger.warn('quota alert step ran out of time; the alert sweeper will send what is missing', {
          clientDays: alerts.clientDays,
        });
      }
      deps.metrics.addMetric(METRIC.alertStepFailures, MetricUnit.Count, alerts.error !== undefined || alerts.timedOut ? 1 : 0);
    }
    if (deps.alertsAccepted) {
      const accepted = deps.alertsAccepted();
      deps.metrics.addMetric(METRIC.alertsSent, MetricUnit.Count, accepted.quota);
      deps.metrics.addMetric(METRIC.creditAlertsSent, MetricUnit.Count, accepted.credit);
    }
    deps.metrics.addMetric(METRIC.batchLatency, MetricUnit.Milliseconds, clock() - started);
    return { batchItemFailures: result.failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
