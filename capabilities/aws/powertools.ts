// Powertools Logger and Metrics, created once per execution environment and shared by every handler.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE } from '../../contracts/metrics';

export const SERVICE_NAME = process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE.api;
export const METRICS_NAMESPACE_NAME = process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE;

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE_NAME, serviceName: SERVICE_NAME });
