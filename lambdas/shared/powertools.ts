// Powertools Logger and Metrics, created once per execution environment and shared by every handler.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const SERVICE_NAME = process.env.POWERTOOLS_SERVICE_NAME ?? 'metered-api';
export const METRICS_NAMESPACE = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MeteredApi';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
