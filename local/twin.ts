// The local twin: DynamoDB Local and fauxqs as child processes, the stack's resources in them, and
// in this process the gateway emulator, the route handlers, the usage poller and the daily job.
import fs from 'node:fs';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { WORKERS } from '../contracts/workers';
import type { PlanName } from '../contracts/plans';
import { addDays, utcDay } from '../capabilities/usage/calendar-days';
import { STAGES, type StageConfig } from '../contracts/stages';
import { CORS_PREFLIGHT } from '../contracts/cors';
import { ALERTS, alertBusName } from '../contracts/billing';
import { TABLE_KEYS } from '../contracts/table';
import { FAST_START_JVM_OPTIONS, startDynamoDbLocal } from './services/dynamodb-local';
import { startFauxqs } from './services/fauxqs';
import type { RunningService } from './services/child-service';
import { freePort } from './services/ports';
import { createLocalResources, expectedResources, LOCAL_REGION, type LocalResources } from './resources';
import { lambdaContext, localFunctionName, newLocalCredentials, type LocalCredentials } from './fake-aws';
import { RequestAuthorizer } from './gateway/authorizer';
import { createGatewayServer, type AccessLogEntry } from './gateway/server';
import { WebAcl } from './gateway/waf';
import { UsagePlans, type PlanOverrides } from './gateway/usage-plans';
import { ApiKeys } from './gateway/api-keys';
import { scheduleDaily, scheduledEvent, type DailyTimer } from './daily-schedule';
import { startUsagePoller, type UsagePoller } from './usage-poller';
import { STATE_DIR, type TwinState } from './state-file';
import type { FunctionStats } from './lambda-runtime';
import { dropSharedScopeWarnings } from './shared-scope-warnings';
import { teeLambdaLogs } from './lambda-log';
import { type FunctionEndpoints, lambdaLogLevel, loadLambdas, setLambdaEnvironment, type TwinLambdas } from './twin-lambdas';
import { type DemoKey, seedDemoKeys } from './demo-keys';
import { dashboardLink, dashboardRoutes, TwinObservations } from './dashboard';
import { type BusEvent, type LocalEventBus, startLocalEventBus } from './event-bus';
import { startTwinStripe, type TwinStripe } from './stripe/twin-stripe';
import type { StripeEmulator } from './stripe/stripe-emulator';
import { generateAdminToken, generateDashboardToken } from './admin/admin-token';
import { adoptExistingKeys, twinAdminRoutes } from './admin/twin-admin';
import { CallerStamps, runAs } from './iam/caller-identity';
import { type Denial, type IamMode, type IamProxy, startIamProxy } from './iam/iam-proxy';
import { connectInProcess } from './iam/in-process-hop';
import { loadStackAccess, type StackAccess } from './iam/stack-policies';

export type { DemoKey } from './demo-keys';

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
  /** The Stripe emulator (its key is in this process only; the push reads it through the Secrets Manager shim). */
  readonly stripeEmulator: StripeEmulator;
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

export function startTwin(options: TwinOptions): Promise<Twin> {
  return new LocalTwin(options).start();
}

/**
 * One twin, from its start to its stop. `start()` reads as the start's script, one method per step; what a step
 * makes is a field the later steps and the running twin use, and `cleanup` undoes the steps in reverse.
 */
class LocalTwin implements Twin {
  readonly stage: StageConfig;
  readonly timings: Record<string, number> = {};
  services: RunningService[] = [];
  serviceFailure!: Promise<never>;
  resources!: LocalResources;
  usagePlans!: UsagePlans;
  authorizer!: RequestAuthorizer;
  baseUrl!: string;
  dashboardUrl!: string;
  state!: TwinState;
  demoKeys!: Record<PlanName, DemoKey>;
  emulators!: Twin['emulators'];

  private readonly host: string;
  private readonly log: (line: string) => void;
  private readonly persist: string | undefined;
  private readonly iamMode: IamMode;
  /** This start's key: the emulators accept it and no other (with the IAM check, only the check uses it). */
  private readonly credentials = newLocalCredentials();
  /** The CLIs' key with the IAM check: the operator role. */
  private readonly operatorCredentials = newLocalCredentials();
  private readonly stamps = new CallerStamps([]);
  /** What undoes each step taken so far; run last first. */
  private readonly cleanup: Array<() => Promise<void> | void> = [];
  private readonly observations = new TwinObservations();
  /** Set when stopping, or when a service died: what fails next is a consequence, so the poller's complaints are quiet. */
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private t0 = 0;
  private ports!: { readonly dynamo: number; readonly fauxqs: number; readonly eventBus: number };
  /** The emulators' own endpoints. */
  private endpoints!: FunctionEndpoints;
  /** What the functions and the CLIs call: the IAM check's endpoints, or the emulators' without it. */
  private checked!: FunctionEndpoints;
  private checkedExpected!: LocalResources;
  private access: Promise<StackAccess> | undefined;
  private iamProxy: IamProxy | undefined;
  private lambdas!: TwinLambdas;
  private eventBus!: LocalEventBus;
  private stripe!: TwinStripe;
  private poller!: UsagePoller;
  private dashboardDb!: DynamoDBClient;
  private port!: number;
  private adminToken!: string;
  private dashboardToken!: string;
  private adminAuditFile!: string;
  private readonly apiKeys = new ApiKeys();

  constructor(private readonly options: TwinOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.log = options.quiet ? () => undefined : (options.log ?? ((line: string) => console.error(line)));
    this.stage = { ...TWIN_STAGE, ...options.stage };
    this.persist = options.persistDir ? path.resolve(options.persistDir) : undefined;
    this.iamMode = options.iam ?? 'enforce';
  }

  async start(): Promise<Twin> {
    this.preparePersistDir();
    await this.reservePorts();
    await this.startIamCheck();
    setLambdaEnvironment(
      this.checked,
      this.checkedExpected,
      this.stage,
      this.iamProxy ? newLocalCredentials() : this.credentials,
      lambdaLogLevel(this.options),
      this.options.usageSendBudgetMs ?? TWIN_USAGE_SEND_BUDGET_MS,
    );
    this.t0 = performance.now();
    // Loading the Lambdas overlaps the emulators' start (DynamoDB Local on Java is the slowest).
    const lambdas = loadLambdas(this.stage).finally(() => this.mark('lambdasLoaded'));
    lambdas.catch(() => undefined);
    try {
      await this.startEmulators();
      this.watchServices();
      this.teeLambdaLogs();
      await this.createResources();
      this.lambdas = await lambdas;
      await this.startEventBus();
      await this.startStripe();
      this.emulateGatewayLimits();
      await this.startUsagePipeline();
      this.scheduleDailyJob();
      this.scheduleAlertSweep();
      await this.startGateway();
      await this.seedDemoKeys();
      await this.stripe.mapClients(
        this.endpoints.dynamo,
        this.resources.tableName,
        this.credentials,
        Object.values(this.demoKeys).map((k) => k.clientId),
      );
      this.mark('ready');
      this.describeState();
      return this;
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  runDailyJob = async (at = new Date()): Promise<unknown> => {
    try {
      const result = await this.lambdas.dailyJob.invoke(
        scheduledEvent(at),
        lambdaContext(localFunctionName(this.stage.stageName, 'daily-job'), WORKERS.dailyJob.timeoutSeconds * 1000),
      );
      this.observations.lastDailyJob = { at: new Date().toISOString(), ok: true, result };
      return result;
    } catch (error) {
      this.observations.lastDailyJob = { at: new Date().toISOString(), ok: false };
      throw error;
    }
  };

  runAlertSweep = (): Promise<unknown> =>
    this.lambdas.alertSweeper.invoke(
      scheduledEvent(new Date(), 'metered-api-alert-sweeper'),
      lambdaContext(localFunctionName(this.stage.stageName, 'alert-sweeper'), WORKERS.alertSweeper.timeoutSeconds * 1000),
    );

  alertEvents = (): BusEvent[] => this.eventBus.events();

  iamDenials = (): readonly Denial[] => this.iamProxy?.denials ?? [];

  get stripeEmulator(): StripeEmulator {
    return this.stripe.emulator;
  }

  functionStats = (): Record<string, FunctionStats> =>
    Object.fromEntries(this.lambdas.functions.map((f) => [f.options.name, { ...f.stats }]));

  /** Watching the queue is the event source mapping's work: as the aggregator's role. */
  drainUsage = (timeoutMs?: number): Promise<void> => runAs('aggregator', () => this.poller.drain(timeoutMs));

  stop = (): Promise<void> => {
    this.stopped ??= (async () => {
      this.stopping = true;
      for (const step of this.cleanup.reverse()) await step();
      if (this.iamProxy) recordGrantUses(this.iamProxy);
      await this.releaseIamCheckAndServices();
    })();
    return this.stopped;
  };

  /** A start that failed: undoes what it did, ignoring what fails while undoing. */
  private async abort(): Promise<void> {
    this.stopping = true;
    for (const step of this.cleanup.reverse()) await Promise.resolve(step()).catch(() => undefined);
    await this.releaseIamCheckAndServices();
  }

  private async releaseIamCheckAndServices(): Promise<void> {
    this.stamps.uninstall();
    await this.iamProxy?.stop();
    await Promise.all(this.services.map((s) => s.stop()));
  }

  private mark(phase: string): void {
    this.timings[phase] = Math.round(performance.now() - this.t0);
  }

  private preparePersistDir(): void {
    if (!this.persist) return;
    fs.mkdirSync(path.join(this.persist, 'dynamodb'), { recursive: true });
    fs.mkdirSync(path.join(this.persist, 'fauxqs'), { recursive: true });
  }

  /**
   * 1. Ports first, so the Lambdas' environment is known before anything starts: their modules read it at load
   * time. Whatever HOST the gateway has, the emulators listen on loopback only and accept this start's credentials.
   */
  private async reservePorts(): Promise<void> {
    const { dynamoEndpoint, sqsEndpoint } = this.options;
    this.ports = {
      dynamo: dynamoEndpoint ? 0 : await freePort('127.0.0.1'),
      fauxqs: await freePort('127.0.0.1'),
      eventBus: await freePort('127.0.0.1'),
    };
    const fauxqsEndpoint = `http://127.0.0.1:${this.ports.fauxqs}`;
    this.endpoints = {
      dynamo: dynamoEndpoint ?? `http://127.0.0.1:${this.ports.dynamo}`,
      sqs: sqsEndpoint ?? fauxqsEndpoint,
      s3: fauxqsEndpoint,
      events: `http://127.0.0.1:${this.ports.eventBus}`,
    };
    this.emulators = { ...this.endpoints, credentials: { ...this.credentials } };
  }

  /** The IAM check sits between every caller and the emulators: functions reach the emulators through it. */
  private async startIamCheck(): Promise<void> {
    const loaded = this.iamMode === 'off' ? undefined : loadStackAccess({ stage: 'dev', cacheDir: path.join(STATE_DIR, 'iam') });
    this.access = this.options.iamPolicies && loaded ? loaded.then(this.options.iamPolicies) : loaded;
    this.access?.catch(() => undefined);
    if (this.access) {
      const { endpoints } = this;
      this.iamProxy = await startIamProxy({
        mode: this.iamMode === 'soft' ? 'soft' : 'enforce',
        access: this.access,
        stamps: this.stamps,
        credentials: { operator: this.operatorCredentials.accessKeyId, upstream: this.credentials.accessKeyId },
        upstreams: { dynamodb: endpoints.dynamo, sqs: endpoints.sqs, s3: endpoints.s3, events: endpoints.events },
        partitionKeyOf: () => TABLE_KEYS.partitionKey,
        log: this.log,
      });
      this.stamps.addHosts(Object.values(this.iamProxy.endpoints).map((url) => new URL(url).host));
      this.stamps.install();
      // The SDK clients of this process (the functions', the poller's, the admin's) reach the check without the kernel.
      this.cleanup.push(connectInProcess(this.iamProxy.inProcess));
    }
    this.checked = this.iamProxy ? { ...this.iamProxy.endpoints, dynamo: this.iamProxy.endpoints.dynamodb } : this.endpoints;
    this.checkedExpected = expectedResources(this.checked.sqs);
  }

  /** DynamoDB Local (unless one was given) and fauxqs; if either fails, neither is left running. */
  private async startEmulators(): Promise<void> {
    const { options, persist, ports } = this;
    const started = await Promise.allSettled([
      ...(options.dynamoEndpoint
        ? []
        : [
            startDynamoDbLocal({
              port: ports.dynamo,
              persistDir: persist && path.join(persist, 'dynamodb'),
              javaOptions: FAST_START_JVM_OPTIONS,
            }),
          ]),
      startFauxqs({ port: ports.fauxqs, persistDir: persist && path.join(persist, 'fauxqs'), accessKeyId: this.credentials.accessKeyId }),
    ]);
    this.mark('emulatorsUp');
    this.services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** serviceFailure rejects when a child service exits while the twin runs. */
  private watchServices(): void {
    this.serviceFailure = new Promise<never>((_, reject) => {
      for (const service of this.services) {
        service.process.once('exit', (code, signal) => {
          if (this.stopping) return;
          this.stopping = true; // what fails next is a consequence: quiet the poller's complaints
          reject(new Error(`${service.name} exited unexpectedly (${signal ?? `code ${code}`})`));
        });
      }
    });
    this.serviceFailure.catch(() => undefined);
  }

  private teeLambdaLogs(): void {
    if (this.options.quiet) this.cleanup.push(dropSharedScopeWarnings());
    if (this.options.lambdaLogFile) {
      const tee = teeLambdaLogs(this.options.lambdaLogFile, { passThrough: !this.options.quiet });
      this.cleanup.push(() => tee.stop());
    }
  }

  /** 2. The stack's resources, as the Lambdas were told; then the policies, before the first checked call. */
  private async createResources(): Promise<void> {
    const { endpoints } = this;
    this.resources = await createLocalResources(
      { dynamoEndpoint: endpoints.dynamo, sqsEndpoint: endpoints.sqs, s3Endpoint: endpoints.s3 },
      this.credentials,
    );
    this.mark('resourcesCreated');
    if (this.access) await this.access;
    this.mark('iamPoliciesLoaded');
    const expected = expectedResources(endpoints.sqs);
    if (this.resources.usageQueueUrl !== expected.usageQueueUrl) {
      throw new Error(`usage queue url differs from the one the Lambdas were given: ${this.resources.usageQueueUrl}`);
    }
  }

  private async startEventBus(): Promise<void> {
    this.eventBus = await startLocalEventBus({
      port: this.ports.eventBus,
      busName: alertBusName(this.stage.stageName),
      logFile: this.options.eventLogFile,
      accessKeyId: this.credentials.accessKeyId,
    });
    this.cleanup.push(() => this.eventBus.stop());
  }

  /** The Stripe emulator, its key in memory only, served by the Secrets Manager shim to the twin's and the operator's keys. */
  private async startStripe(): Promise<void> {
    this.stripe = await startTwinStripe({ accessKeyIds: [this.credentials.accessKeyId, this.operatorCredentials.accessKeyId] });
    this.cleanup.push(() => this.stripe.stop());
  }

  /** The gateway's authorizer (with its cache) and usage plans, their quotas kept in the persist folder. */
  private emulateGatewayLimits(): void {
    const { options, stage, persist } = this;
    this.authorizer = new RequestAuthorizer({
      handler: (event, context) => this.lambdas.authorizer.invoke(event, context),
      cacheTtlSeconds: stage.authorizerCacheTtlSeconds,
      makeContext: () => lambdaContext(localFunctionName(stage.stageName, 'authorizer'), WORKERS.authorizer.timeoutSeconds * 1000),
    });
    const usagePlans = new UsagePlans({
      planOverrides: options.planOverrides,
      stageThrottle: options.noStageThrottle ? undefined : stage.stageThrottle,
    });
    this.usagePlans = usagePlans;
    const quotaFile = persist && path.join(persist, 'gateway-quotas.json');
    if (quotaFile && fs.existsSync(quotaFile)) usagePlans.importQuotas(JSON.parse(fs.readFileSync(quotaFile, 'utf8')));
    if (quotaFile) this.cleanup.push(() => fs.writeFileSync(quotaFile, JSON.stringify(usagePlans.exportQuotas())));
    if (options.gatewayUsageFile) {
      const usageFile = options.gatewayUsageFile;
      const writeUsage = () => writeGatewayUsage(usageFile, usagePlans);
      const timer = setInterval(writeUsage, 1_000);
      timer.unref();
      this.cleanup.push(() => {
        clearInterval(timer);
        writeUsage();
      });
    }
  }

  /**
   * 3. The usage pipeline: queue → poller → aggregator, with the stage's batching. Lambda's event source mapping
   * polls with the function's execution role.
   */
  private async startUsagePipeline(): Promise<void> {
    this.poller = await runAs('aggregator', () =>
      startUsagePoller({
        queueUrl: this.checkedExpected.usageQueueUrl,
        sqsEndpoint: this.checked.sqs,
        credentials: this.credentials,
        stage: this.stage,
        handler: (event, context) => this.lambdas.aggregator.invoke(event, context),
        log: (line) => {
          if (!this.stopping) this.log(line);
        },
      }),
    );
    this.cleanup.push(() => this.poller.stop());
  }

  /** 4. The daily job on its schedule. */
  private scheduleDailyJob(): void {
    if (this.options.dailySchedule === false) return;
    const timer: DailyTimer = scheduleDaily(
      this.stage.dailyJobSchedule,
      async (event) => {
        this.log(`daily job: running (${event.time})`);
        const result = await this.runDailyJob(new Date(event.time));
        this.log(`daily job: done ${JSON.stringify(result ?? {})}`);
      },
      (error) => this.log(`daily job failed: ${(error as Error)?.stack ?? String(error)}`),
    );
    this.cleanup.push(() => timer.stop());
  }

  /** The alert sweeper on its schedule (rate(ALERTS.sweepEveryMinutes minutes) on AWS). */
  private scheduleAlertSweep(): void {
    if (this.options.alertSweep === false) return;
    const sweepTimer = setInterval(() => {
      this.runAlertSweep().catch((error) => this.log(`alert sweep failed: ${(error as Error)?.stack ?? String(error)}`));
    }, ALERTS.sweepEveryMinutes * 60_000);
    sweepTimer.unref();
    this.cleanup.push(() => clearInterval(sweepTimer));
  }

  /** 5. The gateway, with the dashboard fed from what it answers and the admin routes. */
  private async startGateway(): Promise<void> {
    const { options, stage, resources, observations } = this;
    const credentials = this.credentials;
    const dashboardDb = new DynamoDBClient({ endpoint: this.endpoints.dynamo, region: LOCAL_REGION, credentials });
    const dashboardSqs = new SQSClient({ endpoint: this.endpoints.sqs, region: LOCAL_REGION, credentials });
    // The admin function's table client: through the IAM check, as the admin role (twin-admin.ts runs it so).
    const adminDb = new DynamoDBClient({
      endpoint: this.checked.dynamo,
      region: LOCAL_REGION,
      credentials: this.iamProxy ? newLocalCredentials() : credentials,
    });
    this.dashboardDb = dashboardDb;
    this.cleanup.push(() => {
      dashboardDb.destroy();
      dashboardSqs.destroy();
      adminDb.destroy();
    });
    this.adminToken = options.adminToken ?? generateAdminToken();
    this.dashboardToken = generateDashboardToken();
    this.adminAuditFile = path.resolve(options.adminAuditFile ?? path.join(os.tmpdir(), `metered-twin-${randomUUID()}-admin-audit.log`));
    const onAccess = options.onAccess; // given explicitly: honoured even when quiet (tests count handler answers)
    const server = createGatewayServer({
      routes: this.lambdas.routes,
      authorizer: this.authorizer,
      usagePlans: this.usagePlans,
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
        { token: this.dashboardToken, adminToken: this.adminToken },
      ),
      adminToken: this.adminToken,
      apiKeys: this.apiKeys,
      adminRoutes: await twinAdminRoutes({
        db: DynamoDBDocumentClient.from(adminDb),
        principal: 'admin',
        tableName: resources.tableName,
        usagePlans: this.usagePlans,
        authorizer: this.authorizer,
        apiKeys: this.apiKeys,
        token: this.adminToken,
        auditFile: this.adminAuditFile,
        stage: stage.stageName,
        functionName: localFunctionName(stage.stageName, 'admin'),
        log: this.log,
      }),
      onIntegrationError: (requestId, error) =>
        this.log(`request ${requestId}: integration error: ${(error as Error)?.stack ?? String(error)}`),
    });
    this.port = await listen(server, options.port, this.host);
    this.cleanup.push(() => closeServer(server));
    this.baseUrl = `http://${this.host}:${this.port}`;
    this.dashboardUrl = dashboardLink(this.baseUrl, this.dashboardToken);
  }

  /** 6. Demo keys: one per plan (kept in the persist folder, so a restart prints the same ones); the gateway learns every key. */
  private async seedDemoKeys(): Promise<void> {
    const { tableName } = this.resources;
    this.demoKeys = await seedDemoKeys(this.endpoints.dynamo, tableName, this.persist, this.credentials);
    await adoptExistingKeys(this.apiKeys, { db: DynamoDBDocumentClient.from(this.dashboardDb), tableName });
  }

  /** What the state file holds: the CLIs' view, through the IAM check, as the operator role. */
  private describeState(): void {
    const { options, checked, checkedExpected, resources } = this;
    this.state = {
      port: this.port,
      host: this.host,
      baseUrl: this.baseUrl,
      pid: process.pid,
      dynamoEndpoint: checked.dynamo,
      sqsEndpoint: checked.sqs,
      s3Endpoint: checked.s3,
      usageQueueUrl: checkedExpected.usageQueueUrl,
      deadLetterQueueUrl: checkedExpected.deadLetterQueueUrl,
      tableName: resources.tableName,
      archiveBucket: resources.archiveBucket,
      // A copy (the SDK marks the credentials objects it is given): the operator's with the IAM check, else the twin's.
      credentials: { ...(this.iamProxy ? this.operatorCredentials : this.credentials) },
      ...(options.lambdaLogFile ? { lambdaLogFile: path.resolve(options.lambdaLogFile) } : {}),
      ...(options.gatewayUsageFile ? { gatewayUsageFile: path.resolve(options.gatewayUsageFile) } : {}),
      ...(options.eventLogFile ? { eventLogFile: path.resolve(options.eventLogFile) } : {}),
      adminToken: this.adminToken,
      dashboardToken: this.dashboardToken,
      adminAuditFile: this.adminAuditFile,
      stripe: { ...this.stripe.state },
    };
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
