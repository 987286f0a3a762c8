// Each deployed function's environment, defined once: the stack sets it from here (the `environment:` of each
// function construct in lib/), the function's code reads it from here (capabilities/aws/resources.ts), and the twin
// sets the same variables for the Lambdas it runs (local/twin.ts). Powertools' own variables (POWERTOOLS_*) and the
// SDK's (AWS_*) follow their libraries' contracts and are not repeated here.

/** Every variable a function may be given, by what it holds. */
export const ENV_VARIABLES = {
  /** The stage's name (`dev`, `prod`): every function. */
  stage: 'STAGE',
  tableName: 'TABLE_NAME',
  usageQueueUrl: 'USAGE_QUEUE_URL',
  archiveBucket: 'ARCHIVE_BUCKET',
  /** Whole days of counters kept in the table (the daily job archives older ones). */
  retentionDays: 'RETENTION_DAYS',
  /** Claim shards per client-day (contracts/stages.ts `claimShards`). */
  claimShards: 'CLAIM_SHARDS',
  /** The quota alerts' EventBridge bus. */
  alertBusName: 'ALERT_BUS_NAME',
  restApiId: 'REST_API_ID',
  auditLogGroup: 'AUDIT_LOG_GROUP',
  /** `errors`: a route function logs only the requests it answers 4xx/5xx (contracts/stages.ts telemetry.routeRequestLog). */
  requestLog: 'REQUEST_LOG',
  /** `true` where S3 is an emulator that serves path-style URLs only (the twin); never set by the stack. */
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  /**
   * A route function's usage send budget in ms where it is not AWS's (the twin, whose one event loop also runs the
   * gateway, the poller and every function); never set by the stack, whose functions use `USAGE_SEND.budgetMs`.
   */
  usageSendBudgetMs: 'USAGE_SEND_BUDGET_MS',
  /** The Secrets Manager secret (name or ARN) holding the Stripe key: the reference, never the key. */
  stripeSecretId: 'STRIPE_SECRET_ID',
  /** Field of a JSON Stripe secret holding the key. */
  stripeSecretJsonField: 'STRIPE_SECRET_JSON_FIELD',
} as const;

export type EnvField = keyof typeof ENV_VARIABLES;

const spec = <Required extends EnvField, Optional extends EnvField = never>(
  required: readonly Required[],
  optional: readonly Optional[] = [],
) => ({ required, optional });

/** Per function: the variables it is always given, then those it may be given. */
export const FUNCTION_ENV = {
  /** Every function, from the one function construct (lib/constructs/metered-function.ts). */
  every: spec(['stage'], ['s3ForcePathStyle']),
  /** A route function: it sends usage events; only the routes that read usage (`readsUsage`) get the table. */
  route: spec(['usageQueueUrl'], ['tableName', 'usageSendBudgetMs', 'requestLog']),
  authorizer: spec(['tableName']),
  /** The bus is added where quota alerts are wired (lib/constructs/quota-alerts.ts); without it, no alerts. */
  aggregator: spec(['tableName', 'claimShards'], ['alertBusName']),
  alertSweeper: spec(['tableName', 'alertBusName']),
  /** The bus is added where quota alerts are wired: corrections of closed statements are announced on it. */
  dailyJob: spec(['tableName', 'archiveBucket', 'retentionDays'], ['alertBusName']),
  admin: spec(['tableName', 'restApiId', 'auditLogGroup']),
  /** The scheduled Stripe push (opt-in per stage): the ledger and counters, the archive, the key's secret by name. */
  billingPush: spec(['tableName', 'archiveBucket', 'stripeSecretId'], ['stripeSecretJsonField']),
} as const;

export type FunctionKind = keyof typeof FUNCTION_ENV;
type RequiredOf<F extends FunctionKind> = (typeof FUNCTION_ENV)[F]['required'][number];
type OptionalOf<F extends FunctionKind> = (typeof FUNCTION_ENV)[F]['optional'][number];

/** A function's environment by field: its required variables, and those optional ones it has. */
export type FunctionEnv<F extends FunctionKind> = { readonly [K in RequiredOf<F>]: string } & {
  readonly [K in OptionalOf<F>]?: string;
};

/** The writer: `{ TABLE_NAME: …, … }` for a function's construct (values may be CDK tokens) or for the twin. */
export function functionEnvironment<F extends FunctionKind>(kind: F, values: FunctionEnv<F>): Record<string, string> {
  const fields: readonly EnvField[] = [...FUNCTION_ENV[kind].required, ...FUNCTION_ENV[kind].optional];
  const given = values as Partial<Record<EnvField, string>>;
  return Object.fromEntries(fields.flatMap((field) => (given[field] === undefined ? [] : [[ENV_VARIABLES[field], given[field]]])));
}

/**
 * The reader: a function's environment by field. A missing required variable reads as '' (modules load in unit
 * tests without one; the first call that needs it fails naming the empty resource); a missing or empty optional one is absent.
 */
export function readFunctionEnvironment<F extends FunctionKind>(
  kind: F,
  env: Readonly<Record<string, string | undefined>>,
): FunctionEnv<F> {
  const read: Partial<Record<EnvField, string>> = {};
  for (const field of FUNCTION_ENV[kind].required as readonly EnvField[]) read[field] = env[ENV_VARIABLES[field]] ?? '';
  for (const field of FUNCTION_ENV[kind].optional as readonly EnvField[]) {
    const value = env[ENV_VARIABLES[field]];
    if (value) read[field] = value;
  }
  return read as FunctionEnv<F>;
}
