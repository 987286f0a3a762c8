// The daily job Lambda, invoked by its EventBridge schedule (or on demand with `{ "day": "YYYY-MM-DD" }`).
import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamo } from '../../capabilities/aws/dynamodb-client';
import { eventBridge } from '../../capabilities/aws/eventbridge-client';
import { functionEnv } from '../../capabilities/aws/resources';
import { s3 } from '../../capabilities/aws/s3-client';
import { logger, metrics } from '../../capabilities/aws/powertools';
import { runDailyJob, type DailyJobReport } from '../../capabilities/daily-job/daily-job';
import { eventBridgePublisher } from '../../capabilities/statements/correction-events';
import { resolveJobDay, retentionDaysFrom } from '../../capabilities/daily-job/job-input';

const env = functionEnv('dailyJob');

export const handler = async (event: unknown, context: Context): Promise<DailyJobReport> => {
  logger.addContext(context);
  try {
    const day = resolveJobDay(event, new Date());
    const report = await runDailyJob(
      { day, retentionDays: retentionDaysFrom(process.env) },
      {
        table: { db: dynamo(), tableName: env.tableName },
        archive: { s3: s3(), bucket: env.archiveBucket },
        recordMetric: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
        log: (message, details) => logger.info(message, details),
        // Corrections of closed statements are announced on the stage's alert bus where one is set.
        ...(env.alertBusName ? { publishCorrections: eventBridgePublisher(eventBridge(), env.alertBusName) } : {}),
      },
    );
    logger.info('daily job finished', { report });
    return report;
  } catch (error) {
    logger.error('daily job failed; rerun it for the same day to resume', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
};
