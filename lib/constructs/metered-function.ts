// The one Lambda construct of the stack: runtime, architecture, log group, bundling and Powertools settings.
import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from '../../contracts/stages';
import { METRICS_NAMESPACE } from '../../contracts/metrics';
import { functionEnvironment } from '../../contracts/function-env';

/** Repository root: handler entries in contracts/routes are relative to it. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Modules left out of every bundle: the Node.js 24 Lambda runtime ships AWS SDK v3 with its
 * matching @smithy packages, and bundling them would put each function far over its size budget.
 */
export const EXTERNAL_MODULES = ['@aws-sdk/*', '@smithy/*'];

/**
 * A Powertools metric of a service (contracts/metrics.ts), summed per 5 minutes; `dimensions` narrow it
 * beyond the `service` dimension every function's metrics carry.
 */
export function metricOfService(
  serviceName: string,
  metricName: string,
  dimensions: Record<string, string> = {},
  props?: cw.MetricOptions,
): cw.Metric {
  return new cw.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: serviceName, ...dimensions },
    statistic: cw.Stats.SUM,
    period: Duration.minutes(5),
    ...props,
  });
}

/** Whether the stage traces requests with X-Ray at all (contracts/stages.ts telemetry.tracing). */
export function tracingOn(stage: StageConfig): boolean {
  return stage.telemetry.tracing.reservoirPerSecond > 0 || stage.telemetry.tracing.rate > 0;
}

export interface MeteredFunctionProps {
  readonly stage: StageConfig;
  /** Handler file, relative to the repository root (`functions/hello/handler.ts`). */
  readonly entry: string;
  /** Powertools service name: the `service` dimension of the function's metrics and logs. */
  readonly serviceName: string;
  readonly timeout: Duration;
  readonly description?: string;
  /** @default 512 MiB: enough CPU for a quick cold start on ARM */
  readonly memorySize?: number;
  /** The function's own variables (contracts/function-env.ts); Powertools and STAGE variables are always set. */
  readonly environment?: Record<string, string>;
  /** Where failed asynchronous invocations go, with their error and payload. @default none */
  readonly onFailure?: lambda.IDestination;
  /** Retries of failed asynchronous invocations. @default Lambda's default (2) */
  readonly retryAttempts?: number;
  /** Executions reserved for (and the most allowed to) this function; none by default. */
  readonly reservedConcurrentExecutions?: number;
  /**
   * How the function is invoked, for the record: synchronous callers and queue event sources
   * handle failures themselves, so only `async` functions get a failure destination.
   */
  readonly invocation: 'sync' | 'queue' | 'async';
}

/**
 * A Node.js 24 ARM64 function bundled by esbuild from `functions/` (and the `capabilities/` they import), with its own log group.
 * Bundling runs unless the app sets the `aws:cdk:bundling-stacks` context to skip it (template tests do).
 */
export class MeteredFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;
  /** The `service` dimension of its Powertools metrics. */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: MeteredFunctionProps) {
    super(scope, id);
    this.serviceName = props.serviceName;

    // A log group the stack owns, so retention and removal follow the stage.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.stage.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // Its own role: write to its own log group and send traces; grants add the rest.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      // JSON lets Lambda filter by level: the application's (Powertools follows it) and its own platform lines
      // (START, REPORT), which the stage may keep to warnings (telemetry.lambdaSystemLogLevel).
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.stage.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel[props.stage.telemetry.lambdaSystemLogLevel],
      // Active: a function records the trace API Gateway sampled (the stage's sampling rule); off with the stage's tracing.
      tracing: tracingOn(props.stage) ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        ...functionEnvironment('every', { stage: props.stage.stageName }),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.stage.logLevel,
        ...props.environment,
      },
      bundling: {
        minify: true,
        // The map ships beside the bundle but is not linked (EXTERNAL: no `sourceMappingURL`), and NODE_OPTIONS carries
        // no --enable-source-maps: linking it made Node parse the map at every cold start (measured in bench/README.md,
        // "Source maps"); a logged `index.js:1:<column>` is decoded offline with the asset's index.js.map.
        sourceMap: true,
        sourceMapMode: SourceMapMode.EXTERNAL,
        sourcesContent: false,
        target: 'node24',
        format: OutputFormat.CJS,
        // ESM-only packages (Middy) publish `module` first; take it so esbuild can tree-shake.
        mainFields: ['module', 'main'],
        externalModules: EXTERNAL_MODULES,
      },
    });

    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy && tracingOn(props.stage)) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `${id}: X-Ray's xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so tracing needs Resource "*".`,
      });
    }
    const failureHandling = {
      sync: `${id} is invoked synchronously by API Gateway; the caller sees the failure, a dead-letter queue only applies to asynchronous invocations.`,
      queue: `${id} is invoked by an SQS event source; failed messages are redriven to the queue's own dead-letter queue.`,
      async: props.onFailure
        ? `${id}'s failed asynchronous invocations go to its on-failure destination, which records the error with the payload (a DLQ would keep only the payload).`
        : undefined,
    }[props.invocation];
    if (failureHandling) Validations.of(this.function).acknowledge({ id: 'Serverless-LambdaDLQ', reason: failureHandling });
  }

  /** One of the Powertools metrics the function emits (contracts/metrics.ts METRIC), summed per 5 minutes. */
  metricOfService(metricName: string, props?: cw.MetricOptions): cw.Metric {
    return metricOfService(this.serviceName, metricName, {}, props);
  }
}
