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
import { creditEventBridgeSender, eventBridgeSender } from '../../capabilities/alerts/event-bridge-sender';
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
const aggregator = createAggregator({
  doc: db,
  tableName: env.tableName,
  claimShards: Number(env.claimShards || 1),
  onError: (error, context) => logger.error('usage batch part failed; its records will be retried', { ...context, error: error as Error }),
  alerts: env.alertBusName
    ? createAlertStep({
        table: { db: db, tableName: env.tableName },
        send: eventBridgeSender(bus, env.alertBusName),
        quotaFor: overrideAwareQuota({ db: db, tableName: env.tableName }),
        credits: { table: { db: db, tableName: env.tableName }, send: creditEventBridgeSender(bus, env.alertBusName) },
      })
    : undefined,
});

export const handler = middy(createSqsAggregatorHandler({ aggregator, logger, metrics }))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
