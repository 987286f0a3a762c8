// Request path benchmark: what the handler chain (validation, logging, metrics, usage event, headers)
// adds per invocation over a bare handler doing the same work, side by side in one run; plus each
// Lambda's bundle size and module init time in a fresh process.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleLikeLambda, type ColdStartEntry, importProfile, measureColdStarts } from './cold-start';
import { QUICK, round, summarize, writeResults } from './support';

const COLD_START_RATIO = 1.15;
const TARGET_P50_US = 100;
const TARGET_P99_US = 300;
const PROFILED_MODULES = [
  '@aws-sdk/client-sqs',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/client-s3',
  'zod',
  'zod/mini',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
];

const ROOT = path.resolve(__dirname, '..');

/** Bundles the harness like a Lambda and runs it in a fresh Node process; returns its samples. */
async function measureOverhead() {
  const { EXTERNAL_MODULES } = await import('../lib/constructs/metered-function');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-harness-'));
  const outfile = path.join(dir, 'harness.js');
  await bundleLikeLambda(path.join(__dirname, 'request-path-harness.ts'), outfile, EXTERNAL_MODULES);
  const out = execFileSync(process.execPath, [outfile], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_PATH: path.join(ROOT, 'node_modules'),
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_METRICS_NAMESPACE: 'MeteredApi',
      POWERTOOLS_SERVICE_NAME: 'metered-api',
      ROUNDS: QUICK ? '4' : '10',
      PER_ROUND: QUICK ? '500' : '2000',
      // Each middleware switched off in turn, beside the full chain (PART=overhead ABLATE= to skip).
      ABLATE: process.env.ABLATE ?? 'logger,metrics,validation,headers,normalizer,errors',
    },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  fs.rmSync(dir, { recursive: true, force: true });
  const { wall, cpuPerCall, cpuUsPerCall, logBytesPerRequest } = JSON.parse(out.trim().split('\n').pop()!) as {
    wall: Record<string, number[]>;
    cpuPerCall: Record<string, number[]>;
    cpuUsPerCall: Record<string, number>;
    logBytesPerRequest: number;
  };
  const bare = summarize(wall.bare);
  const bareCpu = summarize(cpuPerCall.bare);
  // Each side minus the bare handler, percentile by percentile: what that chain adds.
  const sides = Object.entries(wall).map(([side, samples]) => {
    const s = summarize(samples);
    const c = summarize(cpuPerCall[side]);
    return {
      cpuP50: c.p50,
      cpuP99: c.p99,
      addedCpuP50Us: c.p50 - bareCpu.p50,
      addedCpuP99Us: c.p99 - bareCpu.p99,
      side,
      p50: s.p50,
      p90: s.p90,
      p99: s.p99,
      addedP50Us: s.p50 - bare.p50,
      addedP90Us: s.p90 - bare.p90,
      addedP99Us: s.p99 - bare.p99,
      cpuUsPerCall: cpuUsPerCall[side],
      n: s.n,
    };
  });
  const full = sides.find((x) => x.side === 'full')!;
  return {
    sides,
    full,
    bare,
    addedCpuP99Us: full.addedCpuP99Us,
    addedP50Us: full.addedP50Us,
    addedP99Us: full.addedP99Us,
    logBytesPerRequest,
  };
}

/** Every function of the stack, admin included, each with the event of a typical first request where it has one. */
async function lambdaEntries(): Promise<ColdStartEntry[]> {
  const { ROUTES } = await import('../contracts/routes');
  const { WORKERS } = await import('../contracts/workers');
  const { ADMIN_FUNCTION } = await import('../contracts/admin/routes');
  const { apiEvent } = await import('../test/support/api-event');
  const quote = JSON.stringify({ items: [{ sku: 'WIDGET-1', quantity: 3 }], currency: 'EUR' });
  const routeEvent = (method: string, p: string, body?: string) => apiEvent({ method, path: p, body, usedToday: 1 });
  const events: Record<string, unknown> = {
    hello: routeEvent('GET', '/v1/hello'),
    quotes: routeEvent('POST', '/v1/quotes', quote),
    'usage-summary': routeEvent('GET', '/v1/usage'),
    'usage-daily': routeEvent('GET', '/v1/usage/daily'),
    authorizer: {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/v1/hello',
      resource: '/v1/hello',
      path: '/v1/hello',
      httpMethod: 'GET',
      headers: { 'X-Api-Key': `mapi${'EXAMPLE'.repeat(5)}12345` }, // well-formed, unknown: one GetItem, then 401
      requestContext: { requestId: 'bench-auth-1' },
    },
    [ADMIN_FUNCTION.id]: apiEvent({ method: 'GET', path: '/admin/v1/clients', headers: {} }),
  };
  const current: ColdStartEntry[] = [
    ...ROUTES.map((r) => ({ id: r.id, entry: r.entry, event: events[r.id] })),
    ...Object.entries(WORKERS).map(([id, w]) => ({ id, entry: w.entry, event: events[id] })),
    { id: ADMIN_FUNCTION.id, entry: ADMIN_FUNCTION.entry, event: events[ADMIN_FUNCTION.id] },
  ];
  const only = process.env.LAMBDAS?.split(',');
  const chosen = only ? current.filter((e) => only.includes(e.id)) : current;
  // BASELINE_DIR=<a checkout of another commit> measures its bundles in the same interleaved rounds (`<id>@base`).
  const base = process.env.BASELINE_DIR;
  const baseline = base ? chosen.map((e) => ({ ...e, id: `${e.id}@base`, entry: path.join(path.resolve(base), e.entry) })) : [];
  // SOURCE_MAPS=1: each function also with the old --enable-source-maps flag (map not linked, as before the
  // decision) and with its map linked (SourceMapMode.DEFAULT) and the flag on.
  const variants =
    process.env.SOURCE_MAPS === '1'
      ? chosen.flatMap((e) => [
          { ...e, id: `${e.id}~flag`, nodeOptions: '--enable-source-maps' },
          { ...e, id: `${e.id}~linked`, sourceMap: 'linked' as const, nodeOptions: '--enable-source-maps' },
        ])
      : [];
  return [...chosen, ...baseline, ...variants];
}

async function main() {
  // PART=overhead or PART=cold runs one half while iterating.
  const part = process.env.PART;
  const overhead = part === 'cold' ? undefined : await measureOverhead();
  if (overhead) {
    console.log(
      '\nHandler chain overhead: GET /v1/hello, each chain vs the bare handler doing the same work, interleaved in one process (µs per invocation)',
    );
    console.table(
      overhead.sides.map((x) => ({
        handler: x.side === 'bare' ? 'bare (use case + usage event)' : x.side === 'full' ? 'full Middy chain' : `chain ${x.side}`,
        p50: round(x.p50),
        p90: round(x.p90),
        p99: round(x.p99),
        'added p50': round(x.addedP50Us),
        'added p90': round(x.addedP90Us),
        'added p99': round(x.addedP99Us),
        'CPU µs/call': round(x.cpuUsPerCall),
        'added CPU p50': round(x.addedCpuP50Us),
        'added CPU p99': round(x.addedCpuP99Us),
      })),
    );
    console.log(`log + EMF bytes per request: ${overhead.logBytesPerRequest}`);
    console.log(
      `target: ≤ ${TARGET_P50_US} µs added at p50 → ${round(overhead.addedP50Us)} µs → ${overhead.addedP50Us <= TARGET_P50_US ? 'met' : 'NOT met'}`,
    );
    console.log(
      `target: ≤ ${TARGET_P99_US} µs added at p99 → ${round(overhead.addedP99Us)} µs → ${overhead.addedP99Us <= TARGET_P99_US ? 'met' : 'NOT met'} (wall time; bare handler's own p99 ${round(overhead.bare.p99)} µs)`,
    );
    console.log(
      `  same in CPU time per call (leaves out waiting for a core on this shared machine): ${round(overhead.addedCpuP99Us)} µs added at p99 → ${overhead.addedCpuP99Us <= TARGET_P99_US ? 'met' : 'NOT met'}`,
    );
  }

  let coldStarts: Awaited<ReturnType<typeof measureColdStarts>> = [];
  let profile: Awaited<ReturnType<typeof importProfile>> = [];
  if (part !== 'overhead') {
    const { EXTERNAL_MODULES } = await import('../lib/constructs/metered-function');
    coldStarts = await measureColdStarts(await lambdaEntries(), EXTERNAL_MODULES);
    console.log(
      "\nAs deployed (stack bundling, no NODE_OPTIONS), fresh Node process, p50 ms: module init beside its floor (the same SDK packages required alone), and the first request (SDK calls to a local stub) beside the floor's first call of each client, same run",
    );
    console.table(coldStarts);
    const coldMissed = coldStarts.filter((c) => c.ratio > COLD_START_RATIO);
    console.log(
      `target: init ≤ ${COLD_START_RATIO} × floor (as deployed) → ${coldMissed.length === 0 ? 'met by every Lambda' : `NOT met by ${coldMissed.map((c) => `${c.lambda} (${c.ratio}×)`).join(', ')}`}`,
    );
    profile = await importProfile(PROFILED_MODULES);
    console.log('\nPer-module import cost from node_modules, fresh process (p50 ms)');
    console.table(profile);
  }
  const targets = { addedP50Us: TARGET_P50_US, addedP99Us: TARGET_P99_US, coldStartRatio: COLD_START_RATIO };
  console.log(
    `wrote ${writeResults(process.env.RESULTS_NAME ?? (part ? `request-path-${part}` : 'request-path'), { loadAverage: os.loadavg(), overhead, coldStarts, importProfile: profile, targets })}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
