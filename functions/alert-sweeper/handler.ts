// The alert sweeper Lambda, invoked by its EventBridge Scheduler schedule every few minutes.
import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../contracts/metrics';
import { dynamo, resources } from '../../capabilities/aws/dynamodb-client';
import { eventBridge } from '../../capabilities/aws/eventbridge-client';
import { logger, metrics } from '../../capabilities/aws/powertools';
import { alertEnvironment } from '../../capabilities/alerts/alert-config';
import { eventBridgeSender } from '../../capabilities/alerts/event-bridge-sender';
import { type SweepReport, sweepAlerts } from '../../capabilities/alerts/sweeper';

const settings = alertEnvironment(process.env);

export const handler = async (_event: unknown, context: Context): Promise<SweepReport> => {
  logger.addContext(context);
  try {
    if (!settings.busName) throw new Error('ALERT_BUS_NAME is not set');
    const report = await sweepAlerts(
      {
        table: { db: dynamo(), tableName: resources.tableName },
        send: eventBridgeSender(eventBridge(), settings.busName),
        onError: (error, where) => logger.error('alert sweep part failed; the next run retries it', { ...where, error: error as Error }),
      },
      { now: new Date() },
    );
    metrics.addMetric(METRIC.alertsRecovered, MetricUnit.Count, report.recovered + report.resent);
    metrics.addMetric(METRIC.alertsSent, MetricUnit.Count, report.recovered + report.resent);
    if (report.recovered + report.resent > 0) logger.warn('alert sweep sent events the aggregator had not', { report });
    else logger.info('alert sweep finished', { report });
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
};
