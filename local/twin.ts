// The local twin: DynamoDB Local and fauxqs as child processes, the stack's resources in them, and
// in this process the gateway emulator, the route handlers, the usage poller and the daily job.
import fs from 'node:fs';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Server } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  SQSBatchResponse,
  SQSEvent,
  ScheduledEvent,
} from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ROUTES, type RouteDefinition } from '../contracts/routes';
import { WORKERS } from '../contracts/workers';
import { functionEnvironment } from '../contracts/function-env';
import { PLAN_NAMES, type PlanName } from '../contracts/plans';
import { addDays, utcDay } from '../capabilities/usage/calendar-days';
import { STAGES, type StageConfig } from '../contracts/stages';
import { CORS_PREFLIGHT } from '../contracts/cors';
import { FAST_START_JVM_OPTIONS, startDynamoDbLocal } from './services/dynamodb-local';
import { startFauxqs } from './services/fauxqs';
import type { RunningService } from './services/child-service';
import { createLocalResources, expectedResources, LOCAL_REGION, type LocalResources } from './resources';
import { freePort } from './services/ports';
import { RequestAuthorizer } from './gateway/authorizer';
import { lambdaContext, localFunctionName, newLocalCredentials, type LocalCredentials } from './fake-aws';
import { createGatewayServer, type AccessLogEntry, type GatewayRoute } from './gateway/server';
import { WebAcl } from './gateway/waf';
import { UsagePlans, type PlanOverrides } from './gateway/usage-plans';
import { scheduleDaily, scheduledEvent, type DailyTimer } from './daily-schedule';
import { startUsagePoller, type UsagePoller } from './usage-poller';
import type { TwinState } from './state-file';
import { LocalFunction, type FunctionStats } from './lambda-runtime';
import { dropSharedScopeWarnings } from './shared-scope-warnings';
import { teeLambdaLogs } from './lambda-log';
import { SQSClient } from '@aws-sdk/client-sqs';
import { dashboardLink, dashboardRoutes, TwinObservations } from './dashboard';
import { ALERTS, alertBusName } from '../contracts/billing';
import { type BusEvent, startLocalEventBus } from './event-bus';
import { generateAdminToken, generateDashboardToken } from './admin/admin-token';
import { adoptExistingKeys, twinAdminRoutes } from './admin/twin-admin';
import { ApiKeys } from './gateway/api-keys';
import { CallerStamps, runAs } from './iam/caller-identity';
import { type Denial, type IamMode, type IamProxy, startIamProxy } from './iam/iam-proxy';
import { loadStackAccess, type StackAccess } from './iam/stack-policies';
import { TABLE_KEYS } from '../contracts/table';
import { STATE_DIR } from './state-file';

/** The stage whose settings the twin uses (batching, cache TTL, stage throttle, schedule). */
export const TWIN_STAGE: StageConfig = STAGES.dev;
/**
 * The route functions' usage send budget here: the twin's one event loop also runs the gateway, the poller, the IAM
 * check and every function, so under load a healthy send can take longer than AWS's 280 ms budget allows (measured:
 * 11 of 400 sends at 8 concurrent requests on a loaded 2-core machine), and a count would wait for a replay.
 * Tests of the budget itself pass `usageSendBudgetMs: USAGE_SEND.budgetMs`.
 */
export const TWIN_USAGE_SEND_BUDGET_MS = 2_000;

export interface TwinOptions {
  /** Gateway port; 0 picks a free one. */
  readonly port: number;
  readonly host?: string;
  /** Use this already-running DynamoDB (a user's own, a fault-injecting proxy) instead of starting
   * DynamoDB Local; the table is created there if missing. */
  readonly dynamoEndpoint?: string;
  /** Use this already-running SQS instead of fauxqs' (queues created if missing); S3 stays fauxqs'. */
  readonly sqsEndpoint?: string;
  /** Keep table, queues, objects, demo keys and quota counters in this folder across restarts. */
  readonly persistDir?: string;
  /** No logs at all (tests, benchmarks). */
  readonly quiet?: boolean;
  /** Append the in-process Lambdas' JSON log lines here (what CloudWatch Logs holds on AWS); with
   * quiet, they go only there, at ERROR level. */
  readonly lambdaLogFile?: string;
  /** Keep the gateway's per-key usage (as API Gateway's GetUsage reports it) in this file, refreshed every second. */
  readonly gatewayUsageFile?: string;
  /** Powertools log level of the in-process Lambdas; default ERROR (quiet: SILENT, or ERROR with a log file). */
  readonly lambdaLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** One line per request, like API Gateway's access log. */
  readonly onAccess?: (entry: AccessLogEntry) => void;
  /** Messages for the operator (service trouble, job runs, integration errors). */
  readonly log?: (line: string) => void;
  /** Overrides of stage settings (tests): authorizer cache TTL, batching window, … */
  readonly stage?: Partial<
    Pick<
      StageConfig,
      'authorizerCacheTtlSeconds' | 'usageBatchSize' | 'usageBatchWindowSeconds' | 'aggregatorMaxConcurrency' | 'stageThrottle' | 'waf'
    >
  >;
  /** Lift the stage-wide throttle (benchmarks of the twin itself). */
  readonly noStageThrottle?: boolean;
  /**
   * Turn off the web ACL emulation (load tests from one address). The twin emulates the stage's web ACL
   * rules (contracts/waf.ts) whatever the stage's `waf.enabled`, because locally they cost nothing.
   */
  readonly noWaf?: boolean;
  /**
   * Test-only plan limits for the emulated gateway alone: the Lambdas (RateLimit headers, GET /v1/usage, alerts)
   * keep the configured ones. To lower the limits every part sees, give the client an override (`keys override`).
   */
  readonly planOverrides?: PlanOverrides;
  /** The route functions' usage send budget in ms; default TWIN_USAGE_SEND_BUDGET_MS (AWS's is USAGE_SEND.budgetMs). */
  readonly usageSendBudgetMs?: number;
  /** Run the daily job on its schedule (default true). */
  readonly dailySchedule?: boolean;
  /** Append quota alert events (what EventBridge receives on AWS) here, one JSON object per line. */
  readonly eventLogFile?: string;
  /** Run the alert sweeper every ALERTS.sweepEveryMinutes (default true). */
  readonly alertSweep?: boolean;
  /** The admin routes' token (`Authorization: Bearer …`); a new random one by default. */
  readonly adminToken?: string;
  /** Append the admin API's audit records here (JSON lines); default: a new file in the OS temp folder. */
  readonly adminAuditFile?: string;
  /**
   * The IAM check of every AWS call (local/iam/): `enforce` (default) refuses what the function's role from the
   * stage's synthesized template does not allow, with AWS's own error; `soft` logs it and lets it through; `off`.
   */
  readonly iam?: IamMode;
  /** Tests: changes the loaded policies (e.g. removes one grant) before any call is checked. */
  readonly iamPolicies?: (access: StackAccess) => StackAccess;
}

export interface DemoKey {
  readonly apiKey: string;
  readonly clientId: string;
  readonly plan: PlanName;
}

export interface Twin {
  readonly baseUrl: string;
  /** The live dashboard page, with its read-only token in the fragment. */
  readonly dashboardUrl: string;
  /** What the state file holds (pid is this process). */
  readonly state: TwinState;
  readonly demoKeys: Record<PlanName, DemoKey>;
  readonly stage: StageConfig;
  readonly resources: LocalResources;
  readonly services: readonly RunningService[];
  readonly usagePlans: UsagePlans;
  readonly authorizer: RequestAuthorizer;
  /** Runs the daily job now, as the schedule would. */
  runDailyJob(at?: Date): Promise<unknown>;
  /** Runs the alert sweeper now, as its schedule would. */
  runAlertSweep(): Promise<unknown>;
  /** Quota alert events put on the twin's event bus so far (the most recent 1,000). */
  alertEvents(): BusEvent[];
  /** Resolves once the usage queue is empty and no batch is in flight. */
  drainUsage(timeoutMs?: number): Promise<void>;
  /** Rejects when a child service dies while the twin runs. */
  readonly serviceFailure: Promise<never>;
  /** Execution environments, cold starts and invocations per function. */
  functionStats(): Record<string, FunctionStats>;
  /** Milliseconds from the start of startTwin to each phase. */
  readonly timings: Readonly<Record<string, number>>;
  /** Every AWS call the IAM check refused (enforce) or would have refused (soft) since start. */
  iamDenials(): readonly Denial[];
  /** The emulators' own endpoints, behind the IAM check (the state file and the functions use the check's). */
  readonly emulators: {
    readonly dynamo: string;
    readonly sqs: string;
    readonly s3: string;
    readonly events: string;
    /** The key the emulators accept (the twin's own; the check forwards every call with it). */
    readonly credentials: LocalCredentials;
  };
  stop(): Promise<void>;
}

/** The Lambdas' environment, set before their modules load (they read it at module scope). */
function setLambdaEnvironment(
  endpoints: { dynamo: string; sqs: string; s3: string; events: string },
  resources: LocalResources,
  options: TwinOptions,
  stage: StageConfig,
  credentials: LocalCredentials,
): void {
  const { tableName, usageQueueUrl, archiveBucket } = resources;
  Object.assign(process.env, {
    // What the stack gives each function (contracts/function-env.ts); they share one process here, so all of it.
    ...functionEnvironment('every', { stage: stage.stageName, s3ForcePathStyle: 'true' }),
    ...functionEnvironment('route', {
      usageQueueUrl,
      tableName,
      usageSendBudgetMs: String(options.usageSendBudgetMs ?? TWIN_USAGE_SEND_BUDGET_MS),
    }),
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
    POWERTOOLS_LOG_LEVEL: lambdaLogLevel(options),
    AWS_LAMBDA_LOG_LEVEL: lambdaLogLevel(options),
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

function lambdaLogLevel(options: TwinOptions): string {
  if (options.quiet) return options.lambdaLogFile ? 'ERROR' : 'SILENT';
  return options.lambdaLogLevel ?? 'ERROR';
}

/** Every Lambda the twin runs in-process, each warmed with one environment (after setLambdaEnvironment). */
async function loadLambdas(stage: StageConfig) {
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

export async function startTwin(options: TwinOptions): Promise<Twin> {
  const host = options.host ?? '127.0.0.1';
  const log = options.quiet ? () => undefined : (options.log ?? ((line: string) => console.error(line)));
  const stage: StageConfig = { ...TWIN_STAGE, ...options.stage };
  const persist = options.persistDir ? path.resolve(options.persistDir) : undefined;
  if (persist) {
    fs.mkdirSync(path.join(persist, 'dynamodb'), { recursive: true });
    fs.mkdirSync(path.join(persist, 'fauxqs'), { recursive: true });
  }

  // 1. Ports and credentials first, so the Lambdas' environment is known before anything starts: their modules
  // read it at load time, and loading them overlaps the emulators' start (DynamoDB Local on Java is the slowest).
  // Whatever HOST the gateway has, the emulators listen on loopback only and accept this start's credentials.
  const credentials = newLocalCredentials();
  const [dynamoPort, fauxqsPort, eventBusPort] = [
    options.dynamoEndpoint ? 0 : await freePort('127.0.0.1'),
    await freePort('127.0.0.1'),
    await freePort('127.0.0.1'),
  ];
  const fauxqsEndpoint = `http://127.0.0.1:${fauxqsPort}`;
  const endpoints = {
    dynamo: options.dynamoEndpoint ?? `http://127.0.0.1:${dynamoPort}`,
    sqs: options.sqsEndpoint ?? fauxqsEndpoint,
    s3: fauxqsEndpoint,
    events: `http://127.0.0.1:${eventBusPort}`,
  };
  const expected = expectedResources(endpoints.sqs);

  // The IAM check sits between every caller and the emulators: functions reach the emulators through it.
  const iamMode: IamMode = options.iam ?? 'enforce';
  const operatorCredentials = newLocalCredentials();
  const stamps = new CallerStamps([]);
  const loadedAccess = iamMode === 'off' ? undefined : loadStackAccess({ stage: 'dev', cacheDir: path.join(STATE_DIR, 'iam') });
  const access = options.iamPolicies && loadedAccess ? loadedAccess.then(options.iamPolicies) : loadedAccess;
  access?.catch(() => undefined);
  let iamProxy: IamProxy | undefined;
  if (access) {
    iamProxy = await startIamProxy({
      mode: iamMode === 'soft' ? 'soft' : 'enforce',
      access,
      stamps,
      credentials: { operator: operatorCredentials.accessKeyId, upstream: credentials.accessKeyId },
      upstreams: { dynamodb: endpoints.dynamo, sqs: endpoints.sqs, s3: endpoints.s3, events: endpoints.events },
      partitionKeyOf: () => TABLE_KEYS.partitionKey,
      log,
    });
    stamps.addHosts(Object.values(iamProxy.endpoints).map((url) => new URL(url).host));
    stamps.install();
  }
  const checked = iamProxy ? { ...iamProxy.endpoints, dynamo: iamProxy.endpoints.dynamodb } : endpoints;
  const checkedExpected = expectedResources(checked.sqs);
  setLambdaEnvironment(checked, checkedExpected, options, stage, iamProxy ? newLocalCredentials() : credentials);

  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const mark = (phase: string) => {
    timings[phase] = Math.round(performance.now() - t0);
  };
  const lambdas = loadLambdas(stage).finally(() => mark('lambdasLoaded'));
  lambdas.catch(() => undefined);
  const started = await Promise.allSettled([
    ...(options.dynamoEndpoint
      ? []
      : [
          startDynamoDbLocal({
            port: dynamoPort,
            persistDir: persist && path.join(persist, 'dynamodb'),
            javaOptions: FAST_START_JVM_OPTIONS,
          }),
        ]),
    startFauxqs({ port: fauxqsPort, persistDir: persist && path.join(persist, 'fauxqs'), accessKeyId: credentials.accessKeyId }),
  ]);
  mark('emulatorsUp');
  const services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(services.map((s) => s.stop()));
    throw failed.reason;
  }

  let stopping = false;
  const serviceFailure = new Promise<never>((_, reject) => {
    for (const service of services) {
      service.process.once('exit', (code, signal) => {
        if (stopping) return;
        stopping = true; // what fails next is a consequence: quiet the poller's complaints
        reject(new Error(`${service.name} exited unexpectedly (${signal ?? `code ${code}`})`));
      });
    }
  });
  serviceFailure.catch(() => undefined);

  const cleanup: Array<() => Promise<void> | void> = [];
  if (options.quiet) cleanup.push(dropSharedScopeWarnings());
  if (options.lambdaLogFile) {
    const tee = teeLambdaLogs(options.lambdaLogFile, { passThrough: !options.quiet });
    cleanup.push(() => tee.stop());
  }
  try {
    // 2. The stack's resources (as the Lambdas were told), and the Lambdas.
    const resources = await createLocalResources(
      { dynamoEndpoint: endpoints.dynamo, sqsEndpoint: endpoints.sqs, s3Endpoint: endpoints.s3 },
      credentials,
    );
    mark('resourcesCreated');
    if (access) await access; // the policies, before the first checked call
    mark('iamPoliciesLoaded');
    if (resources.usageQueueUrl !== expected.usageQueueUrl) {
      throw new Error(`usage queue url differs from the one the Lambdas were given: ${resources.usageQueueUrl}`);
    }
    const { routes, authorizer: authorizerFunction, aggregator, dailyJob, alertSweeper, functions } = await lambdas;
    const eventBus = await startLocalEventBus({
      port: eventBusPort,
      busName: alertBusName(stage.stageName),
      logFile: options.eventLogFile,
      accessKeyId: credentials.accessKeyId,
    });
    cleanup.push(() => eventBus.stop());
    const authorizer = new RequestAuthorizer({
      handler: (event, context) => authorizerFunction.invoke(event, context),
      cacheTtlSeconds: stage.authorizerCacheTtlSeconds,
      makeContext: () => lambdaContext(localFunctionName(stage.stageName, 'authorizer'), WORKERS.authorizer.timeoutSeconds * 1000),
    });
    const usagePlans = new UsagePlans({
      planOverrides: options.planOverrides,
      stageThrottle: options.noStageThrottle ? undefined : stage.stageThrottle,
    });
    const quotaFile = persist && path.join(persist, 'gateway-quotas.json');
    if (quotaFile && fs.existsSync(quotaFile)) usagePlans.importQuotas(JSON.parse(fs.readFileSync(quotaFile, 'utf8')));
    if (quotaFile) cleanup.push(() => fs.writeFileSync(quotaFile, JSON.stringify(usagePlans.exportQuotas())));
    if (options.gatewayUsageFile) {
      const usageFile = options.gatewayUsageFile;
      const writeUsage = () => writeGatewayUsage(usageFile, usagePlans);
      const timer = setInterval(writeUsage, 1_000);
      timer.unref();
      cleanup.push(() => {
        clearInterval(timer);
        writeUsage();
      });
    }

    // 3. The usage pipeline: queue → poller → aggregator, with the stage's batching.
    // Lambda's event source mapping polls with the function's execution role.
    const poller: UsagePoller = await runAs('aggregator', () =>
      startUsagePoller({
        queueUrl: checkedExpected.usageQueueUrl,
        sqsEndpoint: checked.sqs,
        credentials,
        stage,
        handler: (event, context) => aggregator.invoke(event, context),
        log: (line) => {
          if (!stopping) log(line);
        },
      }),
    );
    cleanup.push(() => poller.stop());

    // 4. The daily job on its schedule.
    const observations = new TwinObservations();
    const runDailyJob = async (at = new Date()) => {
      try {
        const result = await dailyJob.invoke(
          scheduledEvent(at),
          lambdaContext(localFunctionName(stage.stageName, 'daily-job'), WORKERS.dailyJob.timeoutSeconds * 1000),
        );
        observations.lastDailyJob = { at: new Date().toISOString(), ok: true, result };
        return result;
      } catch (error) {
        observations.lastDailyJob = { at: new Date().toISOString(), ok: false };
        throw error;
      }
    };
    let timer: DailyTimer | undefined;
    if (options.dailySchedule !== false) {
      timer = scheduleDaily(
        stage.dailyJobSchedule,
        async (event) => {
          log(`daily job: running (${event.time})`);
          const result = await runDailyJob(new Date(event.time));
          log(`daily job: done ${JSON.stringify(result ?? {})}`);
        },
        (error) => log(`daily job failed: ${(error as Error)?.stack ?? String(error)}`),
      );
      cleanup.push(() => timer?.stop());
    }

    // The alert sweeper on its schedule (rate(ALERTS.sweepEveryMinutes minutes) on AWS).
    const runAlertSweep = () =>
      alertSweeper.invoke(
        scheduledEvent(new Date(), 'metered-api-alert-sweeper'),
        lambdaContext(localFunctionName(stage.stageName, 'alert-sweeper'), WORKERS.alertSweeper.timeoutSeconds * 1000),
      );
    if (options.alertSweep !== false) {
      const sweepTimer = setInterval(() => {
        runAlertSweep().catch((error) => log(`alert sweep failed: ${(error as Error)?.stack ?? String(error)}`));
      }, ALERTS.sweepEveryMinutes * 60_000);
      sweepTimer.unref();
      cleanup.push(() => clearInterval(sweepTimer));
    }

    // 5. The gateway, with the dashboard fed from what it answers.
    const dashboardDb = new DynamoDBClient({ endpoint: endpoints.dynamo, region: LOCAL_REGION, credentials });
    const dashboardSqs = new SQSClient({ endpoint: endpoints.sqs, region: LOCAL_REGION, credentials });
    // The admin function's table client: through the IAM check, as the admin role (twin-admin.ts runs it so).
    const adminDb = new DynamoDBClient({
      endpoint: checked.dynamo,
      region: LOCAL_REGION,
      credentials: iamProxy ? newLocalCredentials() : credentials,
    });
    cleanup.push(() => {
      dashboardDb.destroy();
      dashboardSqs.destroy();
      adminDb.destroy();
    });
    const adminToken = options.adminToken ?? generateAdminToken();
    const dashboardToken = generateDashboardToken();
    const apiKeys = new ApiKeys();
    const adminAuditFile = path.resolve(options.adminAuditFile ?? path.join(os.tmpdir(), `metered-twin-${randomUUID()}-admin-audit.log`));
    const onAccess = options.onAccess; // given explicitly: honoured even when quiet (tests count handler answers)
    const server = createGatewayServer({
      routes,
      authorizer,
      usagePlans,
      stage: stage.stageName,
      webAcl: new WebAcl({ ...stage.waf, enabled: !options.noWaf }),
      cors: stage.corsOrigins.length > 0 ? { allowOrigins: stage.corsOrigins, ...CORS_PREFLIGHT } : undefined,
      onAccess: (entry) => {
        observations.record(entry);
        onAccess?.(entry);
      },
      twinRoutes: dashboardRoutes(
        observations,
        {
          db: DynamoDBDocumentClient.from(dashboardDb),
          tableName: resources.tableName,
          sqs: dashboardSqs,
          usageQueueUrl: resources.usageQueueUrl,
          deadLetterQueueUrl: resources.deadLetterQueueUrl,
        },
        { token: dashboardToken, adminToken },
      ),
      adminToken,
      apiKeys,
      adminRoutes: await twinAdminRoutes({
        db: DynamoDBDocumentClient.from(adminDb),
        principal: 'admin',
        tableName: resources.tableName,
        usagePlans,
        authorizer,
        apiKeys,
        token: adminToken,
        auditFile: adminAuditFile,
        stage: stage.stageName,
        functionName: localFunctionName(stage.stageName, 'admin'),
        log,
      }),
      onIntegrationError: (requestId, error) => log(`request ${requestId}: integration error: ${(error as Error)?.stack ?? String(error)}`),
    });
    const port = await listen(server, options.port, host);
    cleanup.push(() => closeServer(server));
    const baseUrl = `http://${host}:${port}`;

    // 6. Demo keys: one per plan (kept in the persist folder, so a restart prints the same ones).
    const demoKeys = await seedDemoKeys(endpoints.dynamo, resources.tableName, persist, credentials);
    await adoptExistingKeys(apiKeys, { db: DynamoDBDocumentClient.from(dashboardDb), tableName: resources.tableName });
    mark('ready');

    const state: TwinState = {
      port,
      host,
      baseUrl,
      pid: process.pid,
      // The CLIs' view: through the IAM check, as the operator role.
      dynamoEndpoint: checked.dynamo,
      sqsEndpoint: checked.sqs,
      s3Endpoint: checked.s3,
      usageQueueUrl: checkedExpected.usageQueueUrl,
      deadLetterQueueUrl: checkedExpected.deadLetterQueueUrl,
      tableName: resources.tableName,
      archiveBucket: resources.archiveBucket,
      // A copy (the SDK marks the credentials objects it is given): the operator's with the IAM check, else the twin's.
      credentials: { ...(iamProxy ? operatorCredentials : credentials) },
      ...(options.lambdaLogFile ? { lambdaLogFile: path.resolve(options.lambdaLogFile) } : {}),
      ...(options.gatewayUsageFile ? { gatewayUsageFile: path.resolve(options.gatewayUsageFile) } : {}),
      ...(options.eventLogFile ? { eventLogFile: path.resolve(options.eventLogFile) } : {}),
      adminToken,
      dashboardToken,
      adminAuditFile,
    };

    let stopped: Promise<void> | undefined;
    return {
      baseUrl,
      dashboardUrl: dashboardLink(baseUrl, dashboardToken),
      state,
      demoKeys,
      stage,
      resources,
      services,
      usagePlans,
      authorizer,
      serviceFailure,
      timings,
      runDailyJob,
      runAlertSweep,
      alertEvents: () => eventBus.events(),
      iamDenials: () => iamProxy?.denials ?? [],
      emulators: { ...endpoints, credentials: { ...credentials } },
      functionStats: () => Object.fromEntries(functions.map((f) => [f.options.name, { ...f.stats }])),
      // Watching the queue is the event source mapping's work: as the aggregator's role.
      drainUsage: (timeoutMs) => runAs('aggregator', () => poller.drain(timeoutMs)),
      stop: () => {
        stopped ??= (async () => {
          stopping = true;
          for (const step of cleanup.reverse()) await step();
          if (iamProxy) recordGrantUses(iamProxy);
          stamps.uninstall();
          await iamProxy?.stop();
          await Promise.all(services.map((s) => s.stop()));
        })();
        return stopped;
      },
    };
  } catch (error) {
    stopping = true;
    for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => undefined);
    stamps.uninstall();
    await iamProxy?.stop();
    await Promise.all(services.map((s) => s.stop()));
    throw error;
  }
}

/**
 * With TWIN_IAM_RECORD=<dir>, each twin writes the access it used (function, action, resource, key family) to a
 * file there when it stops: `npm run iam:manifest` merges them into docs/access-manifest.json.
 */
function recordGrantUses(proxy: IamProxy): void {
  const dir = process.env.TWIN_IAM_RECORD;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `uses-${process.pid}-${randomUUID()}.json`), JSON.stringify([...proxy.grantsUsed.values()]));
}

async function seedDemoKeys(
  dynamoEndpoint: string,
  tableName: string,
  persist: string | undefined,
  credentials: LocalCredentials,
): Promise<Record<PlanName, DemoKey>> {
  const { createClient, getClient } = await import('../capabilities/customers/client-store');
  const { hashApiKey } = await import('../capabilities/customers/api-keys');
  const client = new DynamoDBClient({ endpoint: dynamoEndpoint, region: LOCAL_REGION, credentials });
  const store = { db: DynamoDBDocumentClient.from(client), tableName };
  const file = persist && path.join(persist, 'demo-keys.json');
  try {
    const kept: Partial<Record<PlanName, DemoKey>> = file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    const keys = {} as Record<PlanName, DemoKey>;
    for (const plan of PLAN_NAMES) {
      const previous = kept[plan];
      const record = previous && (await getClient(store, previous.clientId));
      if (previous && record?.status === 'active' && record.keyHash === hashApiKey(previous.apiKey)) {
        keys[plan] = previous;
      } else {
        keys[plan] = await createClient(store, { plan, name: `demo-${plan}` });
      }
    }
    if (file) fs.writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    return keys;
  } finally {
    client.destroy();
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The gateway's per-key usage of the last 90 days, written whole (rename) so a reader never sees half a file. */
function writeGatewayUsage(file: string, usagePlans: UsagePlans): void {
  const today = utcDay(new Date());
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(usagePlans.usage(addDays(today, -90), today)));
  fs.renameSync(`${file}.tmp`, file);
}
