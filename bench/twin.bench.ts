// Local twin benchmark: cold start of `npm start` to the first 200, then load from another process
// (autocannon) on GET /v1/hello with 50 premium keys, then exact counting: once the usage queue has
// drained, DynamoDB's counters must equal the answers the handlers gave. A second, shorter load runs
// against a twin with the dev stage's own throttle (100 req/s, burst 200), to show what a user sees.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createClient } from '../lambdas/shared/client-store';
import { itemKey } from '../contracts/table';
import { STAGES } from '../contracts/stages';
import { freePort } from '../local/services/ports';
import { readTwinState, twinClientConfig, type TwinState } from '../local/state-file';
import { QUICK, round, writeResults } from './support';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const HOOK = path.join(ROOT, 'local', 'esm-only-packages.cjs');
const KEYS = 50;
const CONNECTIONS = 50;
const LOAD_SECONDS = QUICK ? 10 : 60;
const THROTTLED_LOAD_SECONDS = QUICK ? 5 : 15;
const TARGETS = { coldStartS: 10, reqPerSec: 500, p99Ms: 50 };

// ---------------------------------------------------------------------------------------------
// Worker mode: the load generator, in its own process.
// ---------------------------------------------------------------------------------------------

interface LoadConfig {
  url: string;
  keys: string[];
  seconds: number;
  connections: number;
}
interface LoadResult {
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  durationS: number;
}

async function runWorker(): Promise<void> {
  const config = JSON.parse(process.env.TWIN_LOAD_CONFIG ?? '{}') as LoadConfig;
  // autocannon ships no types; this is the part of its API used here.
  const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<{
    requests: { average: number };
    latency: { p50: number; p90: number; p99: number; max: number };
    statusCodeStats?: Record<string, { count: number }>;
    errors: number;
    timeouts: number;
    duration: number;
  }>;
  let next = 0;
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    duration: config.seconds,
    setupClient: (client: { setHeaders(h: Record<string, string>): void }) => {
      client.setHeaders({ 'x-api-key': config.keys[next++ % config.keys.length] });
    },
  });
  const statusCounts: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = stats.count;
  const out: LoadResult = {
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Main mode.
// ---------------------------------------------------------------------------------------------

interface RunningTwin {
  readonly child: ChildProcess;
  readonly port: number;
  readonly standardKey: string;
  readonly coldStartMs: number;
  readonly selfReportedReadyS: number;
  /** Status → count, from the twin's access log (what the gateway answered). */
  readonly answered: Map<number, number>;
  stop(): Promise<void>;
}

async function startTwinProcess(extraArgs: string[]): Promise<RunningTwin> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [TSX, '--require', HOOK, path.join(ROOT, 'local', 'start.ts'), ...extraArgs], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const answered = new Map<number, number>();
  let stdout = '';
  let stderr = '';
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (stdout.length < 20_000) stdout += text;
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      // `12:00:00.000 GET /v1/hello 200 3ms cl_… [ErrorType]`
      const match = /^\d\d:\d\d:\d\d\.\d{3} [A-Z]+ \S+ (\d{3}) \d+ms/.exec(line);
      if (match) answered.set(Number(match[1]), (answered.get(Number(match[1])) ?? 0) + 1);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  const deadline = Date.now() + 120_000;
  let key: string | undefined;
  while (!key) {
    if (exited || Date.now() > deadline) throw new Error(`twin did not start:\n${stdout}\n${stderr}`);
    key = /^\s+standard\s+(mapi\w+)/m.exec(stdout)?.[1];
    if (!key) await sleep(20);
  }
  for (;;) {
    if (exited || Date.now() > deadline) throw new Error(`twin never answered 200:\n${stderr}`);
    const answer = await fetch(`http://127.0.0.1:${port}/v1/hello`, { headers: { 'x-api-key': key } }).catch(() => undefined);
    if (answer?.status === 200) break;
    await sleep(20);
  }
  const coldStartMs = performance.now() - t0;
  const selfReportedReadyS = Number(/ready in ([\d.]+) s/.exec(stdout)?.[1] ?? NaN);
  return {
    child,
    port,
    standardKey: key,
    coldStartMs,
    selfReportedReadyS,
    answered,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

function runLoad(config: LoadConfig): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = spawn(process.execPath, [TSX, __filename, '--worker'], {
      cwd: ROOT,
      env: { ...process.env, TWIN_LOAD_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    worker.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    worker.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) return reject(new Error(`load worker failed (exit ${code}): ${out}`));
      resolve(JSON.parse(last) as LoadResult);
    });
  });
}

async function createKeys(state: TwinState, n: number): Promise<Array<{ apiKey: string; clientId: string }>> {
  const client = new DynamoDBClient(twinClientConfig(state, 'dynamodb'));
  const store = { db: DynamoDBDocumentClient.from(client), tableName: state.tableName };
  try {
    const keys = [];
    for (let i = 0; i < n; i++) keys.push(await createClient(store, { plan: 'premium', name: `bench-${i}` }));
    return keys;
  } finally {
    client.destroy();
  }
}

/** Waits until the usage queue is empty twice in a row, one batching window apart. */
async function waitForDrain(state: TwinState, timeoutMs: number): Promise<number> {
  const sqs = new SQSClient(twinClientConfig(state, 'sqs'));
  const started = Date.now();
  try {
    let quiet = 0;
    while (Date.now() - started < timeoutMs) {
      const a =
        (
          await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: state.usageQueueUrl,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          )
        ).Attributes ?? {};
      const left = Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
      quiet = left === 0 ? quiet + 1 : 0;
      if (quiet >= 2) return Date.now() - started;
      await sleep(left === 0 ? STAGES.dev.usageBatchWindowSeconds * 1000 : 500);
    }
    throw new Error(`usage queue not drained within ${timeoutMs} ms`);
  } finally {
    sqs.destroy();
  }
}

async function countedRequests(state: TwinState, clientIds: readonly string[], days: readonly string[]): Promise<number> {
  const client = new DynamoDBClient(twinClientConfig(state, 'dynamodb'));
  const db = DynamoDBDocumentClient.from(client);
  try {
    let total = 0;
    for (const clientId of clientIds) {
      for (const day of days) {
        const item = (
          await db.send(new GetCommand({ TableName: state.tableName, Key: itemKey.dayCounter(clientId, day), ConsistentRead: true }))
        ).Item;
        total += typeof item?.requests === 'number' ? item.requests : 0;
      }
    }
    return total;
  } finally {
    client.destroy();
  }
}

/**
 * The ceiling the twin sits under: every handled request sends one SQS message, so fauxqs's SendMessage
 * rate from another process, with the same concurrency, on the same machine and in the same run.
 */
async function sqsSendCeiling(state: TwinState, messages: number, concurrency: number): Promise<number> {
  const sqs = new SQSClient(twinClientConfig(state, 'sqs'));
  try {
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'bench-send-ceiling' }))).QueueUrl!;
    const url = `${state.sqsEndpoint}/000000000000/${queueUrl.split('/').pop()}`;
    const body = JSON.stringify({
      v: 1,
      eventId: '00000000-0000-4000-8000-000000000000',
      clientId: 'cl_bench',
      plan: 'premium',
      route: 'GET /v1/hello',
      method: 'GET',
      status: 200,
      latencyMs: 1.5,
      requestTime: new Date().toISOString(),
      day: utcDay(new Date()),
    });
    let sent = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (sent++ < messages) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
      }),
    );
    return (messages / (performance.now() - t0)) * 1000;
  } finally {
    sqs.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (m: Map<number, number>, pick: (status: number) => boolean) => [...m].filter(([s]) => pick(s)).reduce((a, [, n]) => a + n, 0);
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

async function loadPhase(label: string, args: string[], seconds: number, measureCeiling = false) {
  const twin = await startTwinProcess(args);
  try {
    const state = readTwinState(twin.port);
    const keys = await createKeys(state, KEYS);
    const dayBefore = utcDay(new Date());
    twin.answered.clear();
    const load = await runLoad({ url: `${state.baseUrl}/v1/hello`, keys: keys.map((k) => k.apiKey), seconds, connections: CONNECTIONS });
    await sleep(500); // the last access-log lines
    const drainMs = await waitForDrain(state, 120_000);
    const days = [...new Set([dayBefore, utcDay(new Date())])];
    const dynamo = await countedRequests(
      state,
      keys.map((k) => k.clientId),
      days,
    );
    const sqsSendsPerSec = measureCeiling ? await sqsSendCeiling(state, QUICK ? 1_000 : 3_000, CONNECTIONS) : undefined;
    // Gateway 429s (throttle, quota) never reach a Lambda, so they are never counted, as in AWS.
    const gateway429 = twin.answered.get(429) ?? 0;
    const answered2xx = sum(twin.answered, (s) => s >= 200 && s < 300);
    const answered4xx = sum(twin.answered, (s) => s >= 400 && s < 500);
    const handlerAnswers = answered2xx + answered4xx - gateway429;
    return {
      label,
      coldStartMs: twin.coldStartMs,
      selfReportedReadyS: twin.selfReportedReadyS,
      load,
      answered: Object.fromEntries(twin.answered),
      handlerAnswers,
      gateway429,
      dynamoRequests: dynamo,
      countsMatch: dynamo === handlerAnswers,
      drainMs,
      sqsSendsPerSec,
    };
  } finally {
    await twin.stop();
  }
}

async function main(): Promise<void> {
  console.log(
    `twin bench: ${KEYS} premium keys, ${CONNECTIONS} connections, ${LOAD_SECONDS} s (then ${THROTTLED_LOAD_SECONDS} s with the stage throttle)${QUICK ? ' [QUICK]' : ''}`,
  );
  const free = await loadPhase(
    'stage throttle lifted (--no-stage-throttle --no-waf)',
    ['--no-stage-throttle', '--no-waf'],
    LOAD_SECONDS,
    true,
  );
  const throttled = await loadPhase(
    `dev stage throttle (${STAGES.dev.stageThrottle.ratePerSecond}/s, burst ${STAGES.dev.stageThrottle.burst})`,
    // One source address: the web ACL's per-IP rule would block the load, which is not what this phase measures.
    ['--no-waf'],
    THROTTLED_LOAD_SECONDS,
  );

  const coldStarts = [free.coldStartMs, throttled.coldStartMs];
  const rows = [free, throttled].map((r) => ({
    run: r.label,
    'cold start s': round(r.coldStartMs / 1000, 2),
    'req/s': round(r.load.reqPerSec, 0),
    'p50 ms': r.load.p50,
    'p99 ms': r.load.p99,
    '2xx': sum(new Map(Object.entries(r.load.statusCounts).map(([k, v]) => [Number(k), v])), (s) => s < 300),
    '429s': r.load.statusCounts['429'] ?? 0,
    'handler answers': r.handlerAnswers,
    'counted in DynamoDB': r.dynamoRequests,
    exact: r.countsMatch ? 'yes' : 'NO',
  }));
  console.table(rows);
  console.log(
    `baseline, same run: fauxqs SendMessage alone from another process, ${CONNECTIONS} concurrent: ${round(free.sqsSendsPerSec ?? NaN, 0)} msg/s (each handled request sends one usage event); load average ${os
      .loadavg()
      .map((v) => round(v, 1))
      .join(' ')} on ${os.cpus().length} cores`,
  );
  const verdict = {
    coldStart: Math.max(...coldStarts) / 1000 <= TARGETS.coldStartS,
    throughput: free.load.reqPerSec >= TARGETS.reqPerSec,
    p99: free.load.p99 <= TARGETS.p99Ms,
    exactCounts: free.countsMatch && throttled.countsMatch,
  };
  console.log(
    `targets: cold start ≤ ${TARGETS.coldStartS} s: ${verdict.coldStart ? 'met' : 'MISSED'}; ≥ ${TARGETS.reqPerSec} req/s: ${verdict.throughput ? 'met' : 'MISSED'}; p99 ≤ ${TARGETS.p99Ms} ms: ${verdict.p99 ? 'met' : 'MISSED'}; exact counts: ${verdict.exactCounts ? 'yes' : 'NO'}`,
  );
  const file = writeResults('twin', {
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((v) => round(v, 2)) },
    config: {
      keys: KEYS,
      connections: CONNECTIONS,
      loadSeconds: LOAD_SECONDS,
      throttledLoadSeconds: THROTTLED_LOAD_SECONDS,
      plan: 'premium',
      route: 'GET /v1/hello',
    },
    targets: TARGETS,
    verdict,
    runs: [free, throttled],
  });
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
  if (!verdict.exactCounts) process.exitCode = 1;
}

if (process.argv.includes('--worker')) void runWorker();
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
