// Request path benchmark: what the handler chain (validation, logging, metrics, usage event, headers)
// adds per invocation over a bare handler doing the same work, side by side in one run; plus each
// Lambda's bundle size and module init time in a fresh process.
import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { build } from 'esbuild';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { QUICK, round, summarize, writeResults } from './support';

process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'MeteredApi';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.USAGE_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/usage';

/** Answers SendMessage in-process, with a correct MD5 so the SDK's checksum validation runs as in AWS. */
const localSqs = new SQSClient({
  requestHandler: {
    handle: async (request: { body?: string }) => {
      const body = JSON.parse(String(request.body ?? '{}')) as { MessageBody?: string };
      const md5 = createHash('md5').update(body.MessageBody ?? '').digest('hex');
      const payload = JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: md5 });
      return { response: { statusCode: 200, reason: 'OK', headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from(payload)]) } };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  } as never,
});

const ROOT = path.resolve(__dirname, '..');

function helloEvent(i: number): APIGatewayProxyEvent {
  return {
    resource: '/v1/hello', path: '/v1/hello', httpMethod: 'GET',
    headers: { 'X-Api-Key': 'mapiBENCHBENCHBENCHBENCHBENCHBENCHBENCHBENC', 'User-Agent': 'bench', Accept: 'application/json' },
    multiValueHeaders: {}, queryStringParameters: { name: `user${i % 100}` }, multiValueQueryStringParameters: null,
    pathParameters: null, stageVariables: null, body: null, isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012', apiId: 'api', httpMethod: 'GET', path: '/dev/v1/hello', protocol: 'HTTP/1.1', stage: 'dev',
      requestId: randomUUID(), requestTimeEpoch: Date.now(), resourceId: 'r', resourcePath: '/v1/hello',
      authorizer: { principalId: 'cl_bench', clientId: 'cl_bench', plan: 'standard', usedToday: 10, usageDay: new Date().toISOString().slice(0, 10) },
      identity: { sourceIp: '203.0.113.9' } as never,
    },
  };
}

const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 10_000 } as never;

async function measureOverhead() {
  const { createHttpHandler } = await import('../lambdas/shared/http-handler');
  const { hello } = await import('../lambdas/hello/hello');
  const full = createHttpHandler<{ name?: string }>('hello', ({ query, clientId }) => ({ body: hello(query, clientId) }), {
    telemetry: { sqs: () => localSqs, queueUrl: () => process.env.USAGE_QUEUE_URL! },
  });
  // The same work without the chain: read the query, run the use case, send the usage event, answer.
  const bare = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const started = process.hrtime.bigint();
    const authorizer = event.requestContext.authorizer as Record<string, string>;
    const body = JSON.stringify(hello({ name: event.queryStringParameters?.name }, authorizer.clientId));
    const requestTime = new Date(event.requestContext.requestTimeEpoch);
    await localSqs.send(new SendMessageCommand({ QueueUrl: process.env.USAGE_QUEUE_URL, MessageBody: JSON.stringify({
      v: 1, eventId: event.requestContext.requestId, clientId: authorizer.clientId, plan: authorizer.plan, route: 'GET /v1/hello', method: 'GET',
      status: 200, latencyMs: Number(process.hrtime.bigint() - started) / 1e6, requestTime: requestTime.toISOString(), day: requestTime.toISOString().slice(0, 10),
    }) }));
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
  };

  // Logs and EMF metrics are serialised as in Lambda but written to a sink, not the terminal.
  const realWrite = process.stdout.write.bind(process.stdout);
  let sunkBytes = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => { sunkBytes += chunk.length; return true; }) as typeof process.stdout.write;
  const rounds = QUICK ? 4 : 10;
  const perRound = QUICK ? 500 : 2_000;
  const samples = { full: [] as number[], bare: [] as number[] };
  try {
    for (let warm = 0; warm < 500; warm++) { await full(helloEvent(warm), context); await bare(helloEvent(warm)); }
    // Interleave rounds so drift and noise from other processes hit both sides alike.
    for (let r = 0; r < rounds; r++) {
      for (const [name, fn] of [['full', (e: APIGatewayProxyEvent) => full(e, context)], ['bare', bare]] as const) {
        for (let i = 0; i < perRound; i++) {
          const event = helloEvent(i);
          const t = process.hrtime.bigint();
          const result = await fn(event);
          samples[name].push(Number(process.hrtime.bigint() - t) / 1_000);
          if (result.statusCode !== 200) throw new Error(`unexpected status ${result.statusCode}`);
        }
      }
    }
  } finally {
    process.stdout.write = realWrite;
  }
  const full_ = summarize(samples.full);
  const bare_ = summarize(samples.bare);
  return { full: full_, bare: bare_, addedP50Us: full_.p50 - bare_.p50, addedP99Us: full_.p99 - bare_.p99, ratioP50: full_.p50 / bare_.p50, logAndMetricBytesPerRequest: Math.round(sunkBytes / (samples.full.length + 1000)) };
}

async function measureBundles() {
  const { ROUTES, WORKERS } = await import('../lib/config/routes');
  const { EXTERNAL_MODULES } = await import('../lib/constructs/metered-function');
  const entries = [...ROUTES.map((r) => [r.id, r.entry] as const), ...Object.entries(WORKERS).map(([id, w]) => [id, w.entry] as const)];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundles-'));
  const nodeBin = process.execPath;
  const rows = [];
  for (const [id, entry] of entries) {
    const outfile = path.join(dir, id, 'index.js');
    // The bundling options of lib/constructs/metered-function.ts.
    await build({ entryPoints: [path.join(ROOT, entry)], outfile, bundle: true, platform: 'node', target: 'node24', format: 'cjs', minify: true, mainFields: ['module', 'main'], external: EXTERNAL_MODULES, logLevel: 'silent' });
    const bytes = fs.statSync(outfile).size;
    const initMs: number[] = [];
    for (let i = 0; i < (QUICK ? 3 : 7); i++) {
      const out = execFileSync(nodeBin, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(outfile)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`], {
        cwd: ROOT, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), TABLE_NAME: 't', USAGE_QUEUE_URL: 'q', ARCHIVE_BUCKET: 'b' }, encoding: 'utf8',
      });
      initMs.push(Number(out));
    }
    rows.push({ lambda: id, bundleKB: round(bytes / 1024), initMsP50: round(summarize(initMs).p50, 1), initMsMax: round(Math.max(...initMs), 1) });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return rows;
}

async function main() {
  const overhead = await measureOverhead();
  console.log('\nHandler chain overhead: GET /v1/hello, full chain vs bare handler doing the same work (µs per invocation)');
  console.table([
    { handler: 'bare (use case + usage event)', p50: round(overhead.bare.p50), p90: round(overhead.bare.p90), p99: round(overhead.bare.p99), n: overhead.bare.n },
    { handler: 'full Middy chain', p50: round(overhead.full.p50), p90: round(overhead.full.p90), p99: round(overhead.full.p99), n: overhead.full.n },
    { handler: 'added by the chain', p50: round(overhead.addedP50Us), p90: round(overhead.full.p90 - overhead.bare.p90), p99: round(overhead.addedP99Us), n: 0 },
  ]);
  console.log(`ratio full/bare at p50: ${round(overhead.ratioP50, 2)}× — target: ≤ 100 µs added at p50 → ${overhead.addedP50Us <= 100 ? 'met' : 'NOT met'}`);

  const bundles = await measureBundles();
  console.log('\nBundles (esbuild, minified, @aws-sdk external as in the stack) and module init in a fresh Node process');
  console.table(bundles);
  const overBudget = bundles.filter((b) => b.bundleKB > 250 || b.initMsP50 > 60);
  console.log(`targets: ≤ 250 KB and ≤ 60 ms init → ${overBudget.length === 0 ? 'met by every Lambda' : `NOT met by ${overBudget.map((b) => b.lambda).join(', ')}`}`);
  console.log(`wrote ${writeResults('request-path', { overhead, bundles, targets: { addedP50Us: 100, bundleKB: 250, initMs: 60 } })}`);
}

main().catch((error) => { console.error(error); process.exit(1); });
