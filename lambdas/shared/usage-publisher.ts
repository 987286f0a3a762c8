// Sends one usage event to the usage queue. SDK retries cover transient failures; a send that still
// fails never fails the client's request: it is logged in full (events hold no secrets, so it can be
// replayed) and counted in UsageEventsDropped, which has an alarm.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../contracts/metrics';
import type { UsageEvent } from '../../contracts/usage-event';

export interface UsagePublisher {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export async function publishUsageEvent(publisher: UsagePublisher, event: UsageEvent): Promise<boolean> {
  try {
    await publisher.sqs.send(new SendMessageCommand({ QueueUrl: publisher.queueUrl, MessageBody: JSON.stringify(event) }));
    return true;
  } catch (error) {
    publisher.metrics.addMetric(METRIC.usageEventsDropped, MetricUnit.Count, 1);
    publisher.logger.error('usage event dropped', {
      usageEvent: event,
      errorName: (error as Error)?.name,
      errorMessage: (error as Error)?.message,
    });
    return false;
  }
}
