// The Lambdas the twin runs in this process: the environment the stack gives them, and each one loaded and warmed.
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  SQSBatchResponse,
  SQSEvent,
  ScheduledEvent,
} from 'aws-lambda';
import { ROUTES, type RouteDefinition } from '../contracts/routes';
import { WORKERS } from '../contracts/workers';
import { functionEnvironment } from '../contracts/function-env';
import { alertBusName } from '../contracts/billing';
import type { StageConfig } from '../contracts/stages';
import { LOCAL_REGION, localFunctionName, type LocalCredentials } from './fake-aws';
import type { LocalResources } from './resources';
import type { GatewayRoute } from './gateway/server';
import { LocalFunction, type FunctionStats } from './lambda-runtime';

/** The endpoints the functions call (with the IAM check, the check's). */
export interface FunctionEndpoints {
  readonly dynamo: string;
  readonly sqs: string;
  readonly s3: string;
  readonly events: string;
}

/** The Lambdas' environment, set before their modules load (they read it at module scope). */
export function setLambdaEnvironment(
  endpoints: FunctionEndpoints,
  resources: LocalResources,
  stage: StageConfig,
  credentials: LocalCredentials,
  logLevel: string,
  usageSendBudgetMs: number,
): void {
  const { tableName, usageQueueUrl, archiveBucket } = resources;
  Object.assign(process.env, {
    // What the stack gives each function (contracts/function-env.ts); they share one process here, so all of it.
    ...functionEnvironment('every', { stage: stage.stageName, s3ForcePathStyle: 'true' }),
    ...functionEnvironment('route', { usageQueueUrl, tableName, usageSendBudgetMs: String(usageSendBudgetMs) }),
    ...functionEnvironment('aggregator', {
      tableName,
      claimShards: String(stage.claimShards),
      alertBusName: alertBusName(stage.stageName),
    }),
    ...functionEnvironment('dailyJob', { tableName, archiveBucket, retentionDays: String(stage.retentionDays) }),
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    // With the IAM check, the functions' calls are attributed by the caller stamp (local/iam/caller-identity.ts):
    // their keys name no principal, so a call made outside an invocation is refused instead of passing unchecked.
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamo,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.events,
    // Metrics go to CloudWatch as EMF on stdout in AWS; locally they would only be noise.
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: logLevel,
    AWS_LAMBDA_LOG_LEVEL: logLevel,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

/** The in-process Lambdas' log level: quiet is SILENT (ERROR with a log file to write); else as asked, ERROR by default. */
export function lambdaLogLevel(options: { quiet?: boolean; lambdaLogFile?: string; lambdaLogLevel?: string }): string {
  if (options.quiet) return options.lambdaLogFile ? 'ERROR' : 'SILENT';
  return options.lambdaLogLevel ?? 'ERROR';
}

export type TwinLambdas = Awaited<ReturnType<typeof loadLambdas>>;

/** Every Lambda the twin runs in-process, each warmed with one environment (after setLambdaEnvironment). */
export async function loadLambdas(stage: StageConfig) {
  const fn = <E, R>(id: string, entry: string, maxEnvironments?: number) =>
    new LocalFunction<E, R>({ name: localFunctionName(stage.stageName, id), entry, maxEnvironments, principal: id });
  const routeFunctions = (ROUTES as readonly RouteDefinition[]).map((definition) => ({
    definition,
    fn: fn<APIGatewayProxyEvent, APIGatewayProxyResult>(definition.id, definition.entry),
  }));
  const authorizer = fn<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>('authorizer', WORKERS.authorizer.entry);
  const aggregator = fn<SQSEvent, SQSBatchResponse | undefined>('aggregator', WORKERS.aggregator.entry, stage.aggregatorMaxConcurrency);
  const dailyJob = fn<ScheduledEvent, unknown>('daily-job', WORKERS.dailyJob.entry, 1);
  const alertSweeper = fn<ScheduledEvent, unknown>('alert-sweeper', WORKERS.alertSweeper.entry, 1);
  const functions: Array<{ warm(): Promise<void>; readonly options: { name: string }; readonly stats: FunctionStats }> = [
    ...routeFunctions.map((r) => r.fn),
    authorizer,
    aggregator,
    dailyJob,
    alertSweeper,
  ];
  for (const f of functions) await f.warm();
  const routes: GatewayRoute[] = routeFunctions.map(({ definition, fn: f }) => ({
    definition,
    handler: (event, context) => f.invoke(event, context),
    functionName: f.options.name,
  }));
  return { routes, authorizer, aggregator, dailyJob, alertSweeper, functions };
}
