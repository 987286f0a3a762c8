// The alert sweeper Lambda, invoked by its EventBridge Scheduler schedule every few minutes.
import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../contracts/metrics';
import { dynamo } from '../../capabilities/aws/dynamodb-client';
import { functionEnv } from '../../capabilities/aws/resources';
import { ENV_VARIABLES } from '../../contracts/function-env';
import { eventBridge } from '../../capabilities/aws/eventbridge-client';
import { logger, metrics } from '../../capabilities/aws/powertools';
import { alertSenders } from '../../capabilities/alerts/event-bridge-sender';
import { type SweepReport, sweepAlerts } from '../../capabilities/alerts/sweeper';

const env = functionEnv('alertSweeper');

export const handler = async (_event: unknown, context: Context): Promise<SweepReport> => {
  logger.addContext(context);
  const senders = alertSenders(eventBridge(), env.alertBusName);
  try {
    if (!env.alertBusName) throw new Error(`${ENV_VARIABLES.alertBusName} is not set`);
    const report = await sweepAlerts(
      {
        table: { db: dynamo(), tableName: env.tableName },
        send: senders.quota,
        credits: { table: { db: dynamo(), tableName: env.tableName }, send: senders.credit },
        onError: (error, where) => logger.error('alert sweep part failed; the next run retries it', { ...where, error: error as Error }),
      },
      { now: new Date() },
    );
    const sent = report.recovered + report.resent + (report.credits?.recovered ?? 0) + (report.credits?.resent ?? 0);
    if (sent > 0) logger.warn('alert sweep sent events the aggregator had not', { report });
    else logger.info('alert sweep finished', { report });
    return report;
  } finally {
    // What EventBridge accepted, also when a part failed and the run throws (its report is lost, its sends are not).
    const accepted = senders.takeAccepted();
    metrics.addMetric(METRIC.alertsRecovered, MetricUnit.Count, accepted.quota);
    metrics.addMetric(METRIC.alertsSent, MetricUnit.Count, accepted.quota);
    metrics.addMetric(METRIC.creditAlertsSent, MetricUnit.Count, accepted.credit);
    metrics.publishStoredMetrics();
  }
};
