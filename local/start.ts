// `npm start`: runs the local twin in the foreground until Ctrl-C. PORT (default 3000) and HOST
// (default 127.0.0.1) choose where the API listens; `--persist DIR` keeps the data between runs.
import path from 'node:path';
import { PLAN_NAMES, PLANS, ROUTE_CLASSES } from '../contracts/plans';
import { planIncludesRoute } from '../contracts/route-access';
import { ROUTES, routeKey } from '../contracts/routes';
import { isPortFree } from './services/ports';
import { javaVersion } from './services/dynamodb-local';
import {
  adminAuditPath,
  DEFAULT_HOST,
  DEFAULT_PORT,
  eventLogPath,
  gatewayUsagePath,
  lambdaLogPath,
  removeStateFile,
  stateFilePath,
  writeStateFile,
} from './state-file';
import { startTwin, TWIN_STAGE, type Twin } from './twin';
import type { AccessLogEntry } from './gateway/server';
import { dropSharedScopeWarnings } from './shared-scope-warnings';
import { IAM_MODES, type IamMode } from './iam/iam-proxy';

const USAGE = `usage: npm start [-- --persist DIR] [--verbose] [--no-stage-throttle] [--no-waf] [--no-access-log] [--iam enforce|soft|off] [--dynamodb-endpoint URL] [--sqs-endpoint URL]
  PORT (default ${DEFAULT_PORT}) and HOST (default ${DEFAULT_HOST}) choose where the API listens.
  --persist DIR        keep table, queues, objects, demo keys and quota counts in DIR
  --verbose            Lambda logs (Powertools JSON) at the stage's level (${TWIN_STAGE.logLevel})
  --no-stage-throttle  lift the stage-wide throttle (${TWIN_STAGE.stageThrottle.ratePerSecond} req/s, burst ${TWIN_STAGE.stageThrottle.burst}), for load tests
  --no-waf             turn off the web ACL emulation (per-IP rate ${TWIN_STAGE.waf.ipRate.limit} requests/${TWIN_STAGE.waf.ipRate.windowSeconds} s, API key format), for load tests
  --no-access-log      do not print one line per request
  --iam MODE           check every AWS call against the stage's IAM (enforce, the default: refuse with AWS's error;
                       soft: log what enforcement would refuse; off)
  --dynamodb-endpoint URL  use this running DynamoDB instead of starting DynamoDB Local (table created if missing)
  --sqs-endpoint URL   use this running SQS instead of fauxqs' (queues created if missing; S3 stays fauxqs')`;

export interface CliOptions {
  readonly port: number;
  readonly host: string;
  readonly persistDir?: string;
  readonly verbose: boolean;
  readonly noStageThrottle: boolean;
  readonly noWaf: boolean;
  readonly accessLog: boolean;
  readonly iam: IamMode;
  readonly dynamoEndpoint?: string;
  readonly sqsEndpoint?: string;
}

/** `  (not in: standard)` for a route some plans do not include. */
function plansWithout(routeId: string): string {
  const without = PLAN_NAMES.filter((plan) => !planIncludesRoute(plan, routeId));
  return without.length > 0 ? `  (not in: ${without.join(', ')})` : '';
}

/** Parses argv and env; throws a one-line error for anything it does not understand. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  let persistDir: string | undefined;
  let verbose = false;
  let noStageThrottle = false;
  let noWaf = false;
  let accessLog = true;
  let iam: IamMode = 'enforce';
  const endpoints: { dynamoEndpoint?: string; sqsEndpoint?: string } = {};
  const endpointFlags = { '--dynamodb-endpoint': 'dynamoEndpoint', '--sqs-endpoint': 'sqsEndpoint' } as const;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--persist') {
      persistDir = argv[++i];
      if (!persistDir || persistDir.startsWith('--')) throw new Error('--persist needs a folder: --persist DIR');
    } else if (arg.startsWith('--persist=')) persistDir = arg.slice('--persist='.length);
    else if (arg === '--verbose') verbose = true;
    else if (arg === '--no-stage-throttle') noStageThrottle = true;
    else if (arg === '--no-waf') noWaf = true;
    else if (arg === '--no-access-log') accessLog = false;
    else if (arg === '--iam' || arg.startsWith('--iam=')) {
      const value = arg.includes('=') ? arg.slice('--iam='.length) : argv[++i];
      if (!IAM_MODES.includes(value as IamMode))
        throw new Error(`--iam takes one of ${IAM_MODES.join(', ')}: got ${JSON.stringify(value ?? '')}`);
      iam = value as IamMode;
    } else if (arg.split('=')[0] in endpointFlags) {
      const flag = arg.split('=')[0] as keyof typeof endpointFlags;
      const value = arg.includes('=') ? arg.slice(flag.length + 1) : argv[++i];
      if (!value || !/^https?:\/\/[^\s/]+/.test(value))
        throw new Error(`${flag} needs an http(s) URL, e.g. ${flag} http://127.0.0.1:8000: got ${JSON.stringify(value ?? '')}`);
      endpoints[endpointFlags[flag]] = value.replace(/\/+$/, '');
    } else throw new Error(`unknown option: ${arg} (try --help)`);
  }
  const portText = env.PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65_535)
    throw new Error(`PORT must be a number from 1 to 65535: got ${JSON.stringify(portText)}`);
  return { port, host: env.HOST || DEFAULT_HOST, persistDir, verbose, noStageThrottle, noWaf, accessLog, iam, ...endpoints };
}

function accessLine(entry: AccessLogEntry): string {
  const time = new Date().toISOString().slice(11, 23);
  const who = entry.clientId ? ` ${entry.clientId}` : '';
  const why = entry.errorType ? ` ${entry.errorType}` : '';
  return `${time} ${entry.method} ${entry.path} ${entry.status} ${entry.latencyMs}ms${who}${why}`;
}

/**
 * Access-log lines are written once per turn of the event loop: stdout to a pipe or file is a
 * synchronous write on Linux, and one write per burst instead of one per request keeps it off the
 * request path under load (bench/README.md, "Local twin").
 */
function batchedLines(write: (text: string) => void): (line: string) => void {
  let pending: string[] = [];
  return (line) => {
    pending.push(line);
    if (pending.length > 1) return;
    setImmediate(() => {
      const text = `${pending.join('\n')}\n`;
      pending = [];
      write(text);
    });
  };
}

function banner(twin: Twin, options: CliOptions, seconds: number): string {
  const { baseUrl } = twin;
  const standard = twin.demoKeys.standard.apiKey;
  const strictRoute = ROUTES.find((r) => ROUTE_CLASSES[r.routeClass]);
  const stateFile = path.relative(process.cwd(), stateFilePath(options.port));
  const lines = [
    `Local twin of the metered API (stage ${twin.stage.stageName}) ready in ${seconds.toFixed(1)} s` +
      (process.env.TWIN_TIMINGS ? ` ${JSON.stringify(twin.timings)}` : ''),
    `  API         ${baseUrl}`,
    `  dashboard   ${twin.dashboardUrl}   (live, offline)`,
    `  DynamoDB    ${twin.state.dynamoEndpoint}  (table ${twin.state.tableName})`,
    `  SQS + S3    ${twin.state.sqsEndpoint}  (queue ${path.basename(twin.state.usageQueueUrl)}, bucket ${twin.state.archiveBucket})`,
    `  State file  ${stateFile}  (this start's AWS credentials and tokens, mode 0600)`,
    `  Lambda logs ${path.relative(process.cwd(), lambdaLogPath(options.port))}  (npm run usage:replay -- --local reads it)`,
    `  Alerts      ${path.relative(process.cwd(), eventLogPath(options.port))}  (npm run events -- --local --follow prints it)`,
    `  Admin API   ${baseUrl}/admin/v1/clients  (loopback only; header Authorization: Bearer ${twin.state.adminToken})`,
    `  Admin audit ${path.relative(process.cwd(), adminAuditPath(options.port))}`,
    `  IAM         ${options.iam === 'off' ? 'off (--iam enforce checks every AWS call)' : `${options.iam}: every AWS call checked against its role in the ${twin.stage.stageName} template (docs/security.md)`}`,
    `  Data        ${options.persistDir ? `kept in ${options.persistDir}` : 'in memory (--persist DIR keeps it)'}`,
    '',
    'Routes:',
    ...ROUTES.map(
      (r) =>
        `  ${routeKey(r).padEnd(22)} ${r.routeClass === 'strict' ? `strict: ${ROUTE_CLASSES.strict.ratePerMinute}/min, burst ${ROUTE_CLASSES.strict.burst} per key` : 'plan limits'}${plansWithout(r.id)}`,
    ),
    '',
    'Demo API keys (one per plan):',
    ...Object.values(twin.demoKeys).map((k) => {
      const p = PLANS[k.plan];
      return `  ${k.plan.padEnd(9)} ${k.apiKey}  ${k.clientId}  ${p.ratePerMinute}/min, burst ${p.burst}, ${p.dailyQuota}/day`;
    }),
    '',
    'Try:',
    `  curl -i ${baseUrl}/v1/hello -H 'x-api-key: ${standard}'`,
    ...(strictRoute?.id === 'quotes'
      ? [
          // A premium route (contracts/plans.ts): the standard key would get 403 there.
          `  curl -i -X POST ${baseUrl}/v1/quotes -H 'x-api-key: ${twin.demoKeys.premium.apiKey}' -H 'content-type: application/json' -d '{"items":[{"sku":"ABC-1","quantity":2}],"currency":"EUR"}'`,
        ]
      : []),
    `  curl -s ${baseUrl}/v1/usage -H 'x-api-key: ${standard}'`,
    `  ${options.port === DEFAULT_PORT ? '' : `PORT=${options.port} `}npm run keys -- create --local --plan standard --name acme --json`,
    `  ${options.port === DEFAULT_PORT ? '' : `PORT=${options.port} `}npm run job:daily -- --local`,
    `  curl -s ${baseUrl}/admin/v1/clients -H 'Authorization: Bearer ${twin.state.adminToken}'`,
    '',
    `Usage counts appear after the batching window (${twin.stage.usageBatchWindowSeconds} s). Ctrl-C stops everything.`,
  ];
  return lines.join('\n');
}

function accessLogger(): (entry: AccessLogEntry) => void {
  const writeLine = batchedLines((text) => process.stdout.write(text));
  return (entry) => writeLine(accessLine(entry));
}

function fail(message: string): never {
  console.error(`error: ${message.split('\n')[0]}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  let options: CliOptions | 'help';
  try {
    options = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const cli = options;

  if (!javaVersion())
    fail('java not found: DynamoDB Local needs Java 17 or later on PATH (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)');
  if (!(await isPortFree(cli.port, cli.host)))
    fail(`port ${cli.port} on ${cli.host} is already in use: stop what runs there or choose another, e.g. PORT=${cli.port + 1} npm start`);

  if (!cli.verbose) dropSharedScopeWarnings();
  let twin: Twin;
  try {
    twin = await startTwin({
      port: cli.port,
      host: cli.host,
      persistDir: cli.persistDir,
      lambdaLogFile: lambdaLogPath(cli.port),
      gatewayUsageFile: gatewayUsagePath(cli.port),
      eventLogFile: eventLogPath(cli.port),
      adminAuditFile: adminAuditPath(cli.port),
      dynamoEndpoint: cli.dynamoEndpoint,
      sqsEndpoint: cli.sqsEndpoint,
      lambdaLogLevel: cli.verbose ? TWIN_STAGE.logLevel : undefined,
      noStageThrottle: cli.noStageThrottle,
      noWaf: cli.noWaf,
      iam: cli.iam,
      onAccess: cli.accessLog ? accessLogger() : undefined,
      log: (line) => console.error(line),
    });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      fail(`port ${cli.port} on ${cli.host} is already in use: choose another, e.g. PORT=${cli.port + 1} npm start`);
    fail(`the local twin did not start: ${err.message}`);
  }

  writeStateFile(twin.state);
  console.log(banner(twin, cli, (performance.now() - t0) / 1000));

  let exiting = false;
  const shutdown = async (code: number, reason?: string) => {
    if (exiting) return;
    exiting = true;
    if (reason) console.error(reason);
    removeStateFile(cli.port);
    const force = setTimeout(() => process.exit(code || 1), 10_000);
    force.unref();
    const used = Object.entries(twin.functionStats()).filter(([, s]) => s.invocations > 0);
    await twin.stop().catch((error: unknown) => console.error(`error while stopping: ${(error as Error).message}`));
    if (used.length > 0) {
      console.error(
        `invocations (execution environments): ${used.map(([name, s]) => `${name.replace(/^metered-api-[a-z]+-/, '')} ${s.invocations} (${s.environments})`).join(', ')}`,
      );
    }
    console.error('local twin stopped');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (exiting) process.exit(130);
      void shutdown(0);
    });
  }
  process.on('exit', () => removeStateFile(cli.port));
  twin.serviceFailure.catch((error: Error) => shutdown(1, `error: ${error.message}; stopping the local twin`));
}

if (require.main === module) void main();
