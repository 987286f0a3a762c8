// Cold start of every Lambda as deployed, beside its floor, in one run: each bundle is built with the stack's
// bundling options (lib/constructs/metered-function.ts: minified CJS, SDK external, external source map) and run
// with the stack's NODE_OPTIONS (none; SOURCE_MAPS=1 adds a linked map and the old flag as variants); the floor is a file that only requires the same SDK
// packages (the functions create their clients on first use, so the floor creates none). Beside module init, the
// first request (first SDK calls included) against a local stub of SQS and DynamoDB, and the floor's first call of
// each SDK client the function uses.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { QUICK, round, summarize } from './support';
import { ENV_VARIABLES, functionEnvironment } from '../contracts/function-env';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
/** The stack's NODE_OPTIONS for every function (lib/constructs/metered-function.ts sets none since the source-map decision). */
export const DEPLOYED_NODE_OPTIONS = '';

/** A function to measure: its id, entry and (optional) the event of its first request. */
export interface ColdStartEntry {
  readonly id: string;
  /** Relative to the repository root, or absolute (a baseline tree's copy, BASELINE_DIR). */
  readonly entry: string;
  readonly event?: unknown;
  /**
   * How its source map is wired: `external` (the stack's SourceMapMode.EXTERNAL, no sourceMappingURL) or `linked`
   * (SourceMapMode.DEFAULT: the bundle names its map); NODE_OPTIONS as deployed unless `nodeOptions` is given.
   * @default 'external'
   */
  readonly sourceMap?: 'external' | 'linked';
  readonly nodeOptions?: string;
}

/** What a floor does on its first request: the first call of each SDK client, to the same stub. */
const FLOOR_FIRST_CALL: Record<string, string> = {
  '@aws-sdk/client-sqs': `{ const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs'); await new SQSClient({}).send(new SendMessageCommand({ QueueUrl: process.env.${ENV_VARIABLES.usageQueueUrl}, MessageBody: '{}' })); }`,
  '@aws-sdk/client-dynamodb':
    "{ const { DynamoDBClient, GetItemCommand } = require('@aws-sdk/client-dynamodb'); await new DynamoDBClient({}).send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'k' } } })); }",
};

/** Bundles `entry` as the stack bundles a Lambda (lib/constructs/metered-function.ts `bundling`, as CDK passes them to esbuild). */
export async function bundleLikeLambda(
  entry: string,
  outfile: string,
  external: readonly string[],
  sourcemap: 'external' | 'linked' = 'external',
): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    external: [...external],
    // A floor's source lives in a temporary folder; resolve packages from the project.
    nodePaths: [path.join(ROOT, 'node_modules')],
    logLevel: 'silent',
  });
}

/** A local stand-in for SQS and DynamoDB: answers each call with a valid, empty result. */
async function startStub(): Promise<{ endpoint: string; close(): void }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString() || '{}') : {};
      let answer: unknown = {};
      if (target === 'AmazonSQS.SendMessage') {
        answer = { MessageId: 'm-1', MD5OfMessageBody: createHash('md5').update(String(body.MessageBody)).digest('hex') };
      } else if (target.endsWith('.Query') || target.endsWith('.Scan')) answer = { Items: [], Count: 0, ScannedCount: 0 };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'stub' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint, close: () => server.close() };
}

function childEnv(stub: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_PATH: path.join(ROOT, 'node_modules'),
    NODE_OPTIONS: DEPLOYED_NODE_OPTIONS,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_SQS: stub,
    AWS_ENDPOINT_URL_DYNAMODB: stub,
    AWS_ENDPOINT_URL_S3: stub,
    POWERTOOLS_SERVICE_NAME: 'bench',
    POWERTOOLS_METRICS_NAMESPACE: 'Bench',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    ...functionEnvironment('every', { stage: 'prod' }),
    ...functionEnvironment('route', { usageQueueUrl: `${stub}/000000000000/usage`, tableName: 't' }),
    ...functionEnvironment('dailyJob', { tableName: 't', archiveBucket: 'b', retentionDays: '90' }),
    ...functionEnvironment('admin', { tableName: 't', restApiId: 'abcdef1234', auditLogGroup: 'audit' }),
  };
}

/** In a fresh Node process: module init of `file`, then (with an event) its first invocation, in ms. */
async function measureOnce(
  file: string,
  env: NodeJS.ProcessEnv,
  event?: unknown,
  preload: readonly string[] = [],
): Promise<{ initMs: number; initCpuMs: number; firstMs?: number }> {
  const script = `${preload.map((m) => `require(${JSON.stringify(m)});`).join('')}
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const m = require(${JSON.stringify(file)});
const t1 = process.hrtime.bigint();
const c1 = process.cpuUsage(c0);
(async () => {
  let first;
  if (process.env.BENCH_EVENT) {
    const context = { functionName: 'bench', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
      memoryLimitInMB: '512', awsRequestId: 'bench-1', logGroupName: '/aws/lambda/bench', logStreamName: 's', callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => 10000, done() {}, fail() {}, succeed() {} };
    try { await m.handler(JSON.parse(process.env.BENCH_EVENT), context); } catch {}
    first = Number(process.hrtime.bigint() - t1) / 1e6;
  }
  process.stdout.write('\\nBENCH ' + JSON.stringify({ initMs: Number(t1 - t0) / 1e6, initCpuMs: (c1.user + c1.system) / 1e3, firstMs: first }) + '\\n');
})();`;
  const { stdout } = await run(process.execPath, ['-e', script], {
    cwd: ROOT,
    env: { ...env, ...(event ? { BENCH_EVENT: JSON.stringify(event) } : {}) },
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (!line) throw new Error(`no measurement from ${file}: ${stdout.slice(-500)}`);
  return JSON.parse(line.slice('BENCH '.length));
}

export interface ColdStartRow {
  lambda: string;
  /** The SDK packages the bundle requires (external, from the runtime). */
  sdkPackages: string;
  bundleKB: number;
  /** Module init as deployed (the stack's bundling and NODE_OPTIONS), p50. */
  initMs: number;
  /** Requiring the same SDK packages alone, same flags, p50. */
  floorMs: number;
  /** Median of the per-round ratios (each pair ran back to back). */
  ratio: number;
  /**
   * The same ratio in CPU time (user + system, all threads) instead of wall time: on a shared machine a process's
   * wall time includes its waits for a core, its CPU time does not, so this one moves less with the load.
   */
  cpuRatio: number;
  /** Init of the bundle once its SDK packages are already loaded: our code and its libraries alone, p50. */
  ownCodeMs: number;
  /** The first request after init (its SDK calls to a local stub included), p50; absent for scheduled functions. */
  firstRequestMs?: number;
  /** The floor's first call of each SDK client the function uses, p50. */
  floorFirstCallMs?: number;
}

export async function measureColdStarts(entries: readonly ColdStartEntry[], external: readonly string[]): Promise<ColdStartRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cold-'));
  const runs = Number(process.env.ROUNDS) || (QUICK ? 5 : 11);
  const stub = await startStub();
  const env = childEnv(stub.endpoint);
  try {
    const prepared = [];
    for (const entry of entries) {
      const file = path.join(dir, entry.id, 'index.js');
      await bundleLikeLambda(path.resolve(ROOT, entry.entry), file, external, entry.sourceMap);
      const text = fs.readFileSync(file, 'utf8');
      const sdk = [...new Set([...text.matchAll(/require\("((?:@aws-sdk|@smithy)\/[^"]+)"\)/g)].map((m) => m[1]))].sort();
      const floor = path.join(dir, entry.id, 'floor.js');
      const calls = sdk.map((m) => FLOOR_FIRST_CALL[m]).filter(Boolean);
      fs.writeFileSync(
        floor,
        `${sdk.map((m) => `require(${JSON.stringify(m)});`).join('')}\nexports.handler = async () => { ${calls.join('\n')} };\n`,
      );
      const fnEnv = entry.nodeOptions === undefined ? env : { ...env, NODE_OPTIONS: entry.nodeOptions };
      prepared.push({ entry, file, floor, sdk, env: fnEnv, bytes: fs.statSync(file).size });
    }
    // Interleaved: each round measures every function and its floor back to back, so machine noise hits them alike.
    const samples = new Map(
      prepared.map((p) => [
        p.entry.id,
        {
          init: [] as number[],
          floor: [] as number[],
          initCpu: [] as number[],
          floorCpu: [] as number[],
          own: [] as number[],
          first: [] as number[],
          floorFirst: [] as number[],
        },
      ]),
    );
    for (let i = 0; i < runs; i++) {
      for (const p of prepared) {
        const s = samples.get(p.entry.id)!;
        // The floor runs with the function's own NODE_OPTIONS (as deployed unless a variant drops the flag).
        const fn = await measureOnce(p.file, p.env, p.entry.event);
        const fl = await measureOnce(p.floor, p.env, p.entry.event ? {} : undefined);
        s.own.push((await measureOnce(p.file, p.env, undefined, p.sdk)).initMs);
        s.init.push(fn.initMs);
        s.floor.push(fl.initMs);
        s.initCpu.push(fn.initCpuMs);
        s.floorCpu.push(fl.initCpuMs);
        if (fn.firstMs !== undefined) s.first.push(fn.firstMs);
        if (fl.firstMs !== undefined) s.floorFirst.push(fl.firstMs);
      }
    }
    const p50 = (x: number[]) => summarize(x).p50;
    return prepared.map((p) => {
      const s = samples.get(p.entry.id)!;
      return {
        lambda: p.entry.id,
        sdkPackages: p.sdk.map((m) => m.replace('@aws-sdk/', '')).join(' '),
        bundleKB: round(p.bytes / 1024),
        initMs: round(p50(s.init)),
        floorMs: round(p50(s.floor)),
        ratio: round(summarize(s.init.map((x, i) => x / s.floor[i])).p50, 2),
        cpuRatio: round(summarize(s.initCpu.map((x, i) => x / s.floorCpu[i])).p50, 2),
        ownCodeMs: round(p50(s.own)),
        ...(s.first.length ? { firstRequestMs: round(p50(s.first)), floorFirstCallMs: round(p50(s.floorFirst)) } : {}),
      };
    });
  } finally {
    stub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Per-module import cost from node_modules in a fresh process (p50 of a few runs), for the profile table. */
export async function importProfile(modules: readonly string[]): Promise<{ module: string; requireMs: number }[]> {
  const rows = [];
  for (const m of modules) {
    const samples: number[] = [];
    for (let i = 0; i < (QUICK ? 3 : 5); i++) {
      const { stdout } = await run(
        process.execPath,
        [
          '-e',
          `const t=process.hrtime.bigint();require(${JSON.stringify(m)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`,
        ],
        { cwd: ROOT, env: { PATH: process.env.PATH, NODE_PATH: path.join(ROOT, 'node_modules'), NODE_OPTIONS: DEPLOYED_NODE_OPTIONS } },
      );
      samples.push(Number(stdout));
    }
    rows.push({ module: m, requireMs: round(summarize(samples).p50) });
  }
  return rows;
}
