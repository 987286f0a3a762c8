// The scheduled Stripe push Lambda (opt-in per stage), invoked daily by its EventBridge Scheduler schedule: reads the
// Stripe key from Secrets Manager by reference (never logged, never in its environment) and runs the push.
import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BILLING } from '../../contracts/billing';
import { METRIC } from '../../contracts/metrics';
import { dynamo } from '../../capabilities/aws/dynamodb-client';
import { functionEnv } from '../../capabilities/aws/resources';
import { s3 } from '../../capabilities/aws/s3-client';
import { logger, metrics } from '../../capabilities/aws/powertools';
import { type PushReport, pushBillableUnits } from '../../capabilities/billing/push';
import { readStripeSecret } from '../../capabilities/billing/stripe-secret';
import { stripeProvider } from '../../capabilities/billing/stripe-provider';

const env = functionEnv('billingPush');
let secrets: SecretsManagerClient | undefined;

export const handler = async (_event: unknown, context: Context): Promise<Omit<PushReport, 'unchanged'>> => {
  logger.addContext(context);
  try {
    secrets ??= new SecretsManagerClient({});
    const secret = await readStripeSecret(secrets, { secretId: env.stripeSecretId, jsonField: env.stripeSecretJsonField });
    const report = await pushBillableUnits({
      table: { db: dynamo(), tableName: env.tableName },
      archive: { s3: s3(), bucket: env.archiveBucket },
      provider: stripeProvider({ secret, eventName: BILLING.stripe.eventName }),
      now: new Date(),
    });
    metrics.addMetric(METRIC.billingRecordsSent, MetricUnit.Count, report.sent.length);
    metrics.addMetric(METRIC.billingRefused, MetricUnit.Count, report.refused.length + report.unknown.length);
    const { unchanged, ...summary } = report;
    if (report.refused.length + report.unknown.length + report.unmapped.length > 0)
      logger.warn('billing push needs an operator', { report: summary, unchanged: unchanged.length });
    else logger.info('billing push finished', { report: summary, unchanged: unchanged.length });
    return summary;
  } catch (error) {
    logger.error('billing push failed; the next run (or npm run billing:push) resumes from the ledger', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
};
