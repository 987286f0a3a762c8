// After the response is known (success or error): one structured log line, the request metrics,
// and one usage event on SQS, sent before the function returns.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { METRIC } from '../../../contracts/metrics';
import { publishUsageEvent } from '../../usage/usage-publisher';
import { utcDay } from '../../../contracts/usage-event-id';
import type { UsageEvent } from '../../../contracts/usage-event';
import { elapsedMs, findState, type HttpMiddleware, type HttpRequest } from './request-state';
import { requestUnits } from './request-units';

export interface TelemetryOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly sqs: () => SQSClient;
  readonly queueUrl: () => string;
  /** The usage send's total budget in ms where the environment sets one (the twin); USAGE_SEND's otherwise. */
  readonly sendBudgetMs?: () => number | undefined;
  /**
   * Which answers get the `request` line: `all`, or `errors` (4xx and 5xx only) where the stage's access log already
   * records every request (contracts/stages.ts telemetry.routeRequestLog). @default all
   */
  readonly requestLog?: () => 'all' | 'errors';
}

export function requestLogger(options: Pick<TelemetryOptions, 'logger' | 'requestLog'>): HttpMiddleware {
  const { logger } = options;
  return {
    // No appendKeys/resetKeys per request (a deep merge each time): every line the chain writes
    // carries the request id itself.
    before: (request) => {
      logger.addContext(request.context);
    },
    after: (request) => finish(request),
    onError: (request) => finish(request),
  };

  function finish(request: HttpRequest) {
    const state = findState(request.event);
    // Errors are always logged; a success only where the stage logs every request here.
    if (!state) return;
    const status = request.response?.statusCode ?? 500;
    const line = {
      method: state.route.method,
      route: state.routeKey,
      sourceIp: state.sourceIp,
      clientId: state.clientId,
      requestId: state.requestId,
      status,
      latencyMs: Math.round(elapsedMs(state) * 1000) / 1000,
    };
    if (status >= 500) logger.error('request', line);
    else if (status >= 400) logger.warn('request', line);
    else if (options.requestLog?.() !== 'errors') logger.info('request', line);
  }
}

export function requestMetrics(options: Pick<TelemetryOptions, 'metrics'>): HttpMiddleware {
  const { metrics } = options;
  const publish = (request: HttpRequest) => {
    const state = findState(request.event);
    if (!state) return;
    const status = request.response?.statusCode ?? 500;
    metrics.addDimension('route', state.routeKey);
    metrics.addMetric(METRIC.requests, MetricUnit.Count, 1);
    metrics.addMetric(METRIC.units, MetricUnit.Count, unitsOrZero(request, state.route));
    metrics.addMetric(METRIC.clientErrors, MetricUnit.Count, status >= 400 && status < 500 ? 1 : 0);
    metrics.addMetric(METRIC.serverErrors, MetricUnit.Count, status >= 500 ? 1 : 0);
    metrics.addMetric(METRIC.latency, MetricUnit.Milliseconds, elapsedMs(state));
    // High-cardinality ids go to metadata, never dimensions.
    metrics.addMetadata('clientId', state.clientId);
    metrics.addMetadata('requestId', state.requestId);
  };
  return { after: publish, onError: publish };
}

/**
 * The request's units; 0 if the route's cost function throws (a bug in a route contract, which the gate answers
 * with a 500 on gate plans): the usage event is still sent, never lost to it.
 */
function unitsOrZero(request: HttpRequest, route: Parameters<typeof requestUnits>[1]): number {
  try {
    return requestUnits(request.event, route);
  } catch {
    return 0;
  }
}

export function usageTracker(options: TelemetryOptions): HttpMiddleware {
  const track = async (request: HttpRequest) => {
    const state = findState(request.event);
    if (!state) return;
    const event: UsageEvent = {
      v: 1,
      eventId: state.eventId,
      clientId: state.clientId,
      plan: state.plan,
      route: state.routeKey,
      method: state.route.method,
      status: request.response?.statusCode ?? 500,
      latencyMs: Math.round(elapsedMs(state) * 1000) / 1000,
      units: unitsOrZero(request, state.route),
      requestTime: state.requestTime.toISOString(),
      day: utcDay(state.requestTime),
    };
    const { logger, metrics } = options;
    await publishUsageEvent(
      { sqs: options.sqs(), queueUrl: options.queueUrl(), logger, metrics, budgetMs: options.sendBudgetMs?.() },
      event,
    );
    // Metrics are flushed last so the usage event's outcome is in the same EMF record.
    options.metrics.publishStoredMetrics();
  };
  return { after: track, onError: track };
}
