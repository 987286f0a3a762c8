// The alert sweeper Lambda, invoked by its EventBridge Scheduler schedule every few minutes.
import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../contracts/metrics';
import { dynamo } from '../../capabilities/aws/dynamodb-client';
import { functionEnv } from '../../capabilities/aws/resources';
import { ENV_VARIABLES } from '../../contracts/function-env';
import { eventBridge } from '../../capabilities/aws/eventbridge-client';
import { logger, metrics } from '../../capabilities/aws/powertools';
import { creditEventBridgeSender, eventBridgeSender } from '../../capabilities/alerts/event-bridge-sender';
import { type SweepReport, sweepAlerts } from '../../capabilities/alerts/sweeper';

const env = functionEnv('alertSweeper');

export const handler = async (_event: unknown, context: Context): Promise<SweepReport> => {
  logger.addContext(context);
  try {
    if (!env.alertBusName) throw new Error(`${ENV_VARIABLES.alertBusName} is not set`);
    const report = await sweepAlerts(
      {
        table: { db: dynamo(), tableName: env.tableName },
        send: eventBridgeSender(eventBridge(), env.alertBusName),
        credits: { table: { db: dynamo(), tableName: env.tableName }, send: creditEventBridgeSender(eventBridge(), env.alertBusName) },
        onError: (error, where) => logger.error('alert sweep part failed; the next run retries it', { ...where, error: error as Error }),
      },
      { now: new Date() },
    );
    metrics.addMetric(METRIC.alertsRecovered, MetricUnit.Count, report.recovered + report.resent);
    metrics.addMetric(METRIC.alertsSent, MetricUnit.Count, report.recovered + report.resent);
    const credits = (report.credits?.recovered ?? 0) + (report.credits?.resent ?? 0);
    metrics.addMetric(METRIC.creditAlertsSent, MetricUnit.Count, credits);
    if (report.recovered + report.resent + credits > 0) logger.warn('alert sweep sent events the aggregator had not', { report });
    else logger.info('alert sweep finished', { report });
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
};
