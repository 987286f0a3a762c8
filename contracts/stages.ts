// Per-stage settings as typed data. bin/app.ts picks one; nothing below it reads env or context.
import { CLAIM_RETENTION_DAYS, MIN_RETENTION_DAYS, usageQueueVisibilitySeconds } from './usage-queue';
import { WAF_DEFAULTS, type WafSettings } from './waf';

export type StageName = 'dev' | 'prod';

/** Where a stage's quota alert events go besides its EventBridge bus (docs/alerts.md, "Targets"). */
export interface AlertTargets {
  /** An SNS topic receives every alert event; with `email`, that address is subscribed (confirm the mail). */
  readonly topic?: { readonly email?: string };
  /**
   * An HTTPS endpoint receives every alert event as JSON (EventBridge API destination). EventBridge
   * connections always authorize: the endpoint gets header `headerName` with the value stored in the
   * Secrets Manager secret `secretName` (created by you; the template holds only a reference).
   */
  readonly webhook?: {
    readonly url: string;
    readonly headerName: string;
    readonly secretName: string;
    /** Field of a JSON secret holding the value. @default the whole secret string */
    readonly secretJsonField?: string;
    /** Most calls per second to the endpoint. @default 10 */
    readonly ratePerSecond?: number;
  };
}

/**
 * Logs and traces of a stage, each a line of the bill (`npm run cost`, docs/scale.md "What it costs"). Every function
 * logs in Lambda's JSON format (its application level is `logLevel`), which is what lets Lambda filter the platform lines.
 */
export interface TelemetrySettings {
  /**
   * Lambda's own lines per invocation: `INFO` writes START and REPORT (duration, memory) for every invocation; `WARN`
   * keeps only Lambda's warnings and errors (timeouts, crashes, out of memory). Duration, errors and throttles stay in
   * Lambda's CloudWatch metrics either way.
   */
  readonly lambdaSystemLogLevel: 'INFO' | 'WARN';
  /**
   * API Gateway's access log, one JSON line per request (never the key). The only record of the requests API Gateway
   * answers itself (401, 403, 429), and the source of the gateway-answer metrics and their alarm
   * (lib/constructs/monitoring.ts): validateStageConfig refuses `false` until those have another source.
   */
  readonly accessLog: boolean;
  /**
   * The `request` line a route function writes per answer: `all`, or `errors` (4xx, 5xx) only. A success's line
   * repeats its access-log line (method, route, client, source IP, status, latency), so `errors` needs `accessLog`.
   */
  readonly routeRequestLog: 'all' | 'errors';
  /**
   * X-Ray traces of API Gateway and every function it invokes: `reservoirPerSecond` requests a second are traced
   * first, then `rate` (0–1) of the rest. Both 0 turns tracing off. Lambda's default is 1 a second and 5 %.
   */
  readonly tracing: { readonly reservoirPerSecond: number; readonly rate: number };
}

/**
 * The Stripe push of a stage (docs/billing.md "From cdk deploy to a first invoice"): the Stripe secret key by reference
 * only, and whether a scheduled function runs the push. Absent: `npm run billing:push -- --stage` refuses to run.
 */
export interface BillingPushSettings {
  /**
   * The Secrets Manager secret holding the Stripe secret key (`sk_test_…` / `sk_live_…` or a restricted `rk_…`), by
   * name or full ARN; created by you (`aws secretsmanager create-secret`), never in the template, env or logs.
   */
  readonly stripeSecret: string;
  /** Field of a JSON secret holding the key. @default the whole secret string */
  readonly stripeSecretJsonField?: string;
  /** A function on an EventBridge Scheduler schedule runs the push daily at this UTC time; absent, only the CLI does. */
  readonly schedule?: { readonly hour: number; readonly minute: number };
}

export interface StageConfig {
  readonly stageName: StageName;
  /** Keep the table and bucket when the stack is deleted, and turn on deletion protection. */
  readonly retainData: boolean;
  readonly pointInTimeRecovery: boolean;
  /** CloudWatch Logs retention for every log group, in days. */
  readonly logRetentionDays: 1 | 3 | 5 | 7 | 14 | 30 | 60 | 90 | 120 | 150 | 180 | 365 | 400 | 545 | 731 | 1827 | 3653;
  /**
   * Log level of every Lambda (Powertools, and Lambda's JSON log filter). DEBUG or INFO only: Lambda's filter treats
   * the EMF metric lines (no level of their own) as INFO, so a stricter level would drop the metrics and their alarms.
   */
  readonly logLevel: 'DEBUG' | 'INFO';
  /** Email subscribed to the alarm topic; none by default. */
  readonly alarmEmail?: string;
  /** Stage-wide throttle: a ceiling above every plan, protecting the account's Lambda concurrency. */
  readonly stageThrottle: { readonly ratePerSecond: number; readonly burst: number };
  /** Aggregator event source: messages per batch and how long to gather them. */
  readonly usageBatchSize: number;
  readonly usageBatchWindowSeconds: number;
  /** Most concurrent aggregator invocations (Lambda SQS maximumConcurrency, ≥ 2). */
  readonly aggregatorMaxConcurrency: number;
  /**
   * Claim pages per request-time second (`CLAIM#<second>#<shard>`), fixed per table: changing it
   * moves where a duplicate's claim is looked up, so change it only with an empty queue.
   * Each claim costs 16 bytes in one append item per batch and page; one partition key takes at
   * most 1,000 WCU/s (about 1 MB/s), so one shard holds roughly 60,000 events/s of request time
   * before its page is throttled, less when many small batches append (≥ 1 WCU each).
   * Derivation: `claimShards = ceil(expected peak events/s × 1.5 / 60,000)`, 1 below 40,000 events/s.
   * See bench/README.md, "Scale ceiling of the claims".
   */
  readonly claimShards: number;
  /**
   * Counter items older than this many days are archived to S3 and deleted from the table. At least
   * `MIN_RETENTION_DAYS` (twice the claim retention, contracts/usage-queue.ts): a shorter one can archive a
   * counter that a resumed journal then adds to again (validateStageConfig refuses it).
   */
  readonly retentionDays: number;
  /** Seconds an authorizer result is cached per key (0 turns caching off, at most 3600). */
  readonly authorizerCacheTtlSeconds: number;
  /**
   * Reserved concurrency of the authorizer: a flood of bad keys can use at most this many executions,
   * so it cannot starve the route functions. None in dev (new accounts may have too small a limit to reserve).
   */
  readonly authorizerReservedConcurrency?: number;
  /** AWS WAF web ACL on the stage (contracts/waf.ts): on in prod, off in dev to keep its cost at zero. */
  readonly waf: WafSettings;
  /** What the stage records about requests besides their counts; each choice is a line of `npm run cost`. */
  readonly telemetry: TelemetrySettings;
  /** Origins allowed by CORS; empty means no CORS headers. Never `*` in prod. */
  readonly corsOrigins: readonly string[];
  /** When the daily job runs (UTC). */
  readonly dailyJobSchedule: { readonly hour: number; readonly minute: number };
  /** Archived objects move to Glacier Instant Retrieval after this many days and expire after `archiveExpireDays`. */
  readonly archiveTransitionDays: number;
  readonly archiveExpireDays: number;
  /** Targets of the quota alert events; none: the events stay on the stage's bus for your own rules. */
  readonly alertTargets?: AlertTargets;
  /**
   * Who may call the admin API (`/admin/v1/…`): IAM role names of the stack's account, or principal ARNs
   * (wildcards allowed, e.g. an SSO permission set's role). The API's resource policy denies every other
   * principal, even one whose identity policy allows execute-api:Invoke.
   * @default the stage's operator role only (`metered-api-<stage>-operator`, contracts/deployment.ts)
   */
  readonly adminPrincipals?: readonly string[];
  /** The Stripe push (the secret by reference, the opt-in schedule); none by default. */
  readonly billingPush?: BillingPushSettings;
}

const common = {
  // Batch size: counter writes are one per distinct (client, day, route) in a batch, so larger batches cost
  // fewer WCU per event (realistic traffic, measured: 0.296 at 1,000, 0.108 at 5,000, 0.068 at 10,000).
  // The cap is Lambda's 6 MB invocation payload: a usage event is ~261 B, ~1.2 KB with the SQS record
  // envelope (receipt handle ~400 chars), so ~5,300 records fit (~3,500 with 1,024-char handles; Lambda
  // trims a batch to what fits). 5,000 takes ~1–2 s on DynamoDB Local, far inside the aggregator's 60 s
  // timeout and the 360 s visibility timeout. Sizes above 10 need a window ≥ 1 s. See bench/README.md.
  usageBatchSize: 5_000,
  usageBatchWindowSeconds: 5,
  aggregatorMaxConcurrency: 5,
  // Peak ≤ 1,000 events/s (the prod stage throttle) needs one shard; see the derivation above.
  claimShards: 1,
  retentionDays: 90,
  authorizerCacheTtlSeconds: 300,
  dailyJobSchedule: { hour: 0, minute: 5 },
  archiveTransitionDays: 30,
  archiveExpireDays: 730,
} as const;

export const STAGES: Record<StageName, StageConfig> = {
  dev: {
    ...common,
    stageName: 'dev',
    retainData: false,
    pointInTimeRecovery: true,
    logRetentionDays: 14,
    logLevel: 'DEBUG',
    stageThrottle: { ratePerSecond: 100, burst: 200 },
    waf: WAF_DEFAULTS,
    // Everything recorded: dev is where requests are followed one by one.
    telemetry: { lambdaSystemLogLevel: 'INFO', accessLog: true, routeRequestLog: 'all', tracing: { reservoirPerSecond: 1, rate: 0.05 } },
    corsOrigins: ['http://localhost:3000'],
  },
  prod: {
    ...common,
    stageName: 'prod',
    retainData: true,
    pointInTimeRecovery: true,
    logRetentionDays: 365,
    logLevel: 'INFO',
    stageThrottle: { ratePerSecond: 1_000, burst: 2_000 },
    // Lambda polls with 5 concurrent batches, so a batch fills to rate × window / 5: at the 1,000/s throttle a
    // 30 s window fills 5,000-event batches (5 s would give ~1,000). Counts and RateLimit's `r` lag by up to
    // the window; dev keeps 5 s (the twin, tests). See bench/README.md, "Aggregation".
    usageBatchWindowSeconds: 30,
    authorizerReservedConcurrency: 50,
    // WAF logs only what a rule blocked: every allowed request is in the access log already (same source IP,
    // user agent, status); counts by rule stay in WAF's metrics and sampled requests.
    waf: { ...WAF_DEFAULTS, enabled: true, logging: 'blocked' },
    // Platform lines off (their facts are Lambda's metrics); access log on (the record of every request, including
    // those API Gateway answers itself), so route functions log only their errors; 1 % of requests traced, no
    // per-second reservoir (1 a second alone is ~2.6 M traces, $13 a month).
    telemetry: {
      lambdaSystemLogLevel: 'WARN',
      accessLog: true,
      routeRequestLog: 'errors',
      tracing: { reservoirPerSecond: 0, rate: 0.01 },
    },
    corsOrigins: [],
  },
};

/** The most days counters may be kept (the daily job's `RETENTION_DAYS` takes the same range). */
export const MAX_RETENTION_DAYS = 3_660;

/** The stage's config, checked (validateStageConfig). */
export function stageConfig(name: string): StageConfig {
  if (name !== 'dev' && name !== 'prod') {
    throw new Error(`unknown stage: expected dev or prod, got ${JSON.stringify(name)}`);
  }
  return validateStageConfig(STAGES[name]);
}

/** Refuses settings that would break a promise of the stack (exact counts, no `*` origin in prod); returns the config. */
export function validateStageConfig(config: StageConfig): StageConfig {
  const retention = config.retentionDays;
  if (!Number.isInteger(retention) || retention < MIN_RETENTION_DAYS || retention > MAX_RETENTION_DAYS) {
    throw new Error(
      `retentionDays of stage ${config.stageName} must be a whole number of days from ${MIN_RETENTION_DAYS} (twice the claim retention of ${CLAIM_RETENTION_DAYS} days) to ${MAX_RETENTION_DAYS}: got ${retention}`,
    );
  }
  const { reservoirPerSecond, rate } = config.telemetry.tracing;
  if (!Number.isInteger(reservoirPerSecond) || reservoirPerSecond < 0 || !(rate >= 0 && rate <= 1)) {
    throw new Error(
      `telemetry.tracing of stage ${config.stageName} needs a whole reservoirPerSecond ≥ 0 and a rate from 0 to 1: got ${JSON.stringify(config.telemetry.tracing)}`,
    );
  }
  if (!config.telemetry.accessLog) {
    throw new Error(
      `telemetry.accessLog of stage ${config.stageName} must stay on: the gateway-answer metrics (throttles, refusals) and their alarm are counted from it`,
    );
  }
  if (config.telemetry.routeRequestLog === 'errors' && !config.telemetry.accessLog) {
    throw new Error(
      `telemetry.routeRequestLog errors of stage ${config.stageName} needs telemetry.accessLog: a successful request would be recorded nowhere`,
    );
  }
  const push = config.billingPush;
  if (push && /^(sk|rk)_(test|live)_/.test(push.stripeSecret)) {
    // Not echoed: the value is a key.
    throw new Error(`billingPush.stripeSecret of stage ${config.stageName} is a Stripe key: put it in Secrets Manager and name the secret`);
  }
  if (
    push &&
    (!/^(arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:)?[\w/+=.@-]{1,512}$/.test(push.stripeSecret) || push.stripeSecret === '')
  ) {
    throw new Error(
      `billingPush.stripeSecret of stage ${config.stageName} must be a Secrets Manager secret name or ARN: got ${JSON.stringify(push.stripeSecret)}`,
    );
  }
  if (push?.schedule && !(isHour(push.schedule.hour) && isMinute(push.schedule.minute))) {
    throw new Error(
      `billingPush.schedule of stage ${config.stageName} needs a UTC hour 0–23 and minute 0–59: got ${JSON.stringify(push.schedule)}`,
    );
  }
  if (config.stageName === 'prod' && config.corsOrigins.includes('*')) {
    throw new Error('cors origins must not contain * in prod');
  }
  return config;
}

const isHour = (n: number) => Number.isInteger(n) && n >= 0 && n <= 23;
const isMinute = (n: number) => Number.isInteger(n) && n >= 0 && n <= 59;

/** The dev stage's (and the twin's) usage queue visibility timeout (usageQueueVisibilitySeconds). */
export const USAGE_QUEUE_VISIBILITY_SECONDS = usageQueueVisibilitySeconds(STAGES.dev);
