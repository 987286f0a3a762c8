// One handler Lambda per route in contracts/routes/, each granted only what its route needs.
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE } from '../../contracts/metrics';
import { functionEnvironment } from '../../contracts/function-env';
import { routeKey, type RouteDefinition } from '../../contracts/routes';
import type { StageConfig } from '../../contracts/stages';
import { MeteredFunction } from './metered-function';
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

  constructor(scope: Construct, id: string, props: RouteFunctionsProps) {
    super(scope, id);
    const handlers = new Map<string, MeteredFunction>();

    for (const route of props.routes) {
      const handler = new MeteredFunction(this, constructIdFor(route.id), {
        stage: props.stage,
        entry: route.entry,
        serviceName: SERVICE.api,
        timeout: Duration.seconds(route.timeoutSeconds),
        invocation: 'sync',
        description: `Handles ${routeKey(route)}.`,
        environment: functionEnvironment('route', {
          usageQueueUrl: props.usageQueue.queueUrl,
          ...(route.readsUsage ? { tableName: props.table.tableName } : {}),
        }),
      });
      // Every handler sends its usage event; only the analytics routes read counters.
      props.usageQueue.grantSendMessages(handler.function);
      // Analytics routes read counters only (their client comes from the authorizer).
      if (route.readsUsage) grantTable(props.table, handler.function, { read: ['counters'] });
      handlers.set(route.id, handler);
    }
    this.handlers = handlers;
  }

  handlerFor(routeId: string): lambda.IFunction {
    const handler = this.handlers.get(routeId);
    if (!handler) throw new Error(`no handler for route id: ${routeId}`);
    return handler.function;
  }
}
