// Usage queue consumer: counts usage events exactly once into the daily counters (partial batch responses).
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { METRICS_NAMESPACE, SERVICE } from '../../contracts/metrics';
import { dynamoOnFirstUse } from '../../capabilities/aws/dynamodb-client';
import { functionEnv } from '../../capabilities/aws/resources';
import { eventBridgeOnFirstUse } from '../../capabilities/aws/eventbridge-client';
import { alertSenders } from '../../capabilities/alerts/event-bridge-sender';
import { overrideAwareQuota } from '../../capabilities/alerts/override-quotas';
import { createAlertStep } from '../../capabilities/counting/alert-step';
import { createAggregator } from '../../capabilities/counting/exactly-once';
import { createSqsAggregatorHandler } from '../../capabilities/counting/sqs-handler';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE.aggregator;
const logger = new Logger({ serviceName });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName });
const env = functionEnv('aggregator');
// SDK clients are made on the first batch, not at module init (bench/README.md "Cold start").
const db = dynamoOnFirstUse();
const bus = eventBridgeOnFirstUse();
const senders = env.alertBusName ? alertSenders(bus, env.alertBusName) : undefined;
const aggregator = createAggregator({
  doc: db,
  tableName: env.tableName,
  claimShards: Number(env.claimShards || 1),
  onError: (error, context) => logger.error('usage batch part failed; its records will be retried', { ...context, error: error as Error }),
  alerts: senders
    ? createAlertStep({
        table: { db: db, tableName: env.tableName },
        send: senders.quota,
        quotaFor: overrideAwareQuota({ db: db, tableName: env.tableName }),
        credits: { table: { db: db, tableName: env.tableName }, send: senders.credit },
      })
    : undefined,
});

export const handler = middy(createSqsAggregatorHandler({ aggregator, logger, metrics, alertsAccepted: senders?.takeAccepted }))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
