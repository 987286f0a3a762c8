// One handler Lambda per route in contracts/routes/, each granted only what its route needs.
import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, SERVICE } from '../../contracts/metrics';
import { functionEnvironment } from '../../contracts/function-env';
import { GATE_PLAN_NAMES } from '../../contracts/plans';
import { routesOfPlan } from '../../contracts/route-access';
import { routeKey, type RouteDefinition } from '../../contracts/routes';
import type { StageConfig } from '../../contracts/stages';
import { MeteredFunction, metricOfService } from './metered-function';
import { grantTable } from './table-access';

export interface RouteFunctionsProps {
  readonly stage: StageConfig;
  readonly routes: readonly RouteDefinition[];
  readonly usageQueue: sqs.IQueue;
  readonly table: dynamodb.ITableV2;
}

/** `usage-summary` → `UsageSummary`: a construct id from a route id. */
export function constructIdFor(routeId: string): string {
  return routeId
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

export class RouteFunctions extends Construct {
  /** Handler per route id. */
  readonly handlers: ReadonlyMap<string, MeteredFunction>;
  private readonly routes: readonly RouteDefinition[];

  constructor(scope: Construct, id: string, props: RouteFunctionsProps) {
    super(scope, id);
    this.routes = props.routes;
    const handlers = new Map<string, MeteredFunction>();

    // Any gate plan that includes the route makes it admit through the gate.
    const gatedRoutes = new Set(GATE_PLAN_NAMES.flatMap((plan) => routesOfPlan(plan, props.routes).map((route) => route.id)));
    for (const route of props.routes) {
      const gated = gatedRoutes.has(route.id);
      const handler = new MeteredFunction(this, constructIdFor(route.id), {
        stage: props.stage,
        entry: route.entry,
        serviceName: SERVICE.api,
        timeout: Duration.seconds(route.timeoutSeconds),
        invocation: 'sync',
        description: `Handles ${routeKey(route)}.`,
        environment: functionEnvironment('route', {
          usageQueueUrl: props.usageQueue.queueUrl,
          requestLog: props.stage.telemetry.routeRequestLog,
          // Every route admits gate-plan clients through their gate items; the analytics routes also read counters.
          ...(route.readsUsage || gated ? { tableName: props.table.tableName } : {}),
        }),
      });
      // Every handler sends its usage event; only the analytics routes read counters.
      props.usageQueue.grantSendMessages(handler.function);
      // Analytics routes read counters only (their client comes from the authorizer).
      if (route.readsUsage) grantTable(props.table, handler.function, { read: ['counters'] });
      // The gate: one conditional UpdateItem per request of a gate-plan client, a GetItem when units exceed a limit.
      if (gated) grantTable(props.table, handler.function, { update: ['gates'], get: ['gates'] });
      handlers.set(route.id, handler);
    }
    this.handlers = handlers;
  }

  handlerFor(routeId: string): lambda.IFunction {
    const handler = this.handlers.get(routeId);
    if (!handler) throw new Error(`no handler for route id: ${routeId}`);
    return handler.function;
  }

  /**
   * Usage events the handlers could not send after retries, summed over every dimension set they may carry
   * (the service alone, and the service with each route).
   */
  metricUsageEventsDropped(props?: cw.MathExpressionOptions): cw.MathExpression {
    const series: Record<string, cw.IMetric> = { d0: metricOfService(SERVICE.api, METRIC.usageEventsDropped) };
    this.routes.forEach((route, i) => {
      series[`d${i + 1}`] = metricOfService(SERVICE.api, METRIC.usageEventsDropped, { route: routeKey(route) });
    });
    return new cw.MathExpression({
      expression: Object.keys(series)
        .map((k) => `FILL(${k}, 0)`)
        .join(' + '),
      usingMetrics: series,
      period: Duration.minutes(5),
      label: 'Usage events dropped',
      ...props,
    });
  }

  /** Requests a route answered 500 because the authorizer's client context was missing (fail closed). */
  metricMissingClientContext(props?: cw.MetricOptions): cw.Metric {
    return metricOfService(SERVICE.api, METRIC.missingClientContext, {}, props);
  }
}
