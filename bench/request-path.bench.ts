// Request path benchmark: what the handler chain (validation, logging, metrics, usage event, headers)
// adds per invocation over a bare handler doing the same work, side by side in one run; plus each
// Lambda's bundle size and module init time in a fresh process.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { importProfile, measureColdStarts } from './cold-start';
import { QUICK, round, summarize, writeResults } from './support';

const COLD_START_RATIO = 1.3;
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
  await build({
    entryPoints: [path.join(__dirname, 'request-path-harness.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    mainFields: ['module', 'main'],
    external: EXTERNAL_MODULES,
    logLevel: 'silent',
  });
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
    },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  fs.rmSync(dir, { recursive: true, force: true });
  const { wall, cpuUsPerCall, logBytesPerRequest } = JSON.parse(out.trim().split('\n').pop()!) as {
    wall: { full: number[]; bare: number[] };
    cpuUsPerCall: { full: number; bare: number };
    logBytesPerRequest: number;
  };
  const full = summarize(wall.full);
  const bare = summarize(wall.bare);
  return {
    full,
    bare,
    addedP50Us: full.p50 - bare.p50,
    addedP99Us: full.p99 - bare.p99,
    ratioP50: full.p50 / bare.p50,
    cpuUsPerCall,
    addedCpuUs: cpuUsPerCall.full - cpuUsPerCall.bare,
    logBytesPerRequest,
  };
}

async function lambdaEntries() {
  const { ROUTES } = await import('../contracts/routes');
  const { WORKERS } = await import('../contracts/workers');
  return [...ROUTES.map((r) => [r.id, r.entry] as const), ...Object.entries(WORKERS).map(([id, w]) => [id, w.entry] as const)];
}

async function main() {
  const overhead = await measureOverhead();
  console.log('\nHandler chain overhead: GET /v1/hello, full chain vs bare handler doing the same work (µs per invocation)');
  console.table([
    {
      handler: 'bare (use case + usage event)',
      p50: round(overhead.bare.p50),
      p90: round(overhead.bare.p90),
      p99: round(overhead.bare.p99),
      n: overhead.bare.n,
    },
    {
      handler: 'full Middy chain',
      p50: round(overhead.full.p50),
      p90: round(overhead.full.p90),
      p99: round(overhead.full.p99),
      n: overhead.full.n,
    },
    {
      handler: 'added by the chain',
      p50: round(overhead.addedP50Us),
      p90: round(overhead.full.p90 - overhead.bare.p90),
      p99: round(overhead.addedP99Us),
      n: 0,
    },
  ]);
  console.log(
    `CPU time per call: full ${round(overhead.cpuUsPerCall.full)} µs, bare ${round(overhead.cpuUsPerCall.bare)} µs, added ${round(overhead.addedCpuUs)} µs; log + EMF bytes per request: ${overhead.logBytesPerRequest}`,
  );
  console.log(
    `ratio full/bare at p50: ${round(overhead.ratioP50, 2)}× — target: ≤ 100 µs added at p50 → ${overhead.addedP50Us <= 100 ? 'met' : 'NOT met'}`,
  );

  const { EXTERNAL_MODULES } = await import('../lib/constructs/metered-function');
  const coldStarts = await measureColdStarts(await lambdaEntries(), EXTERNAL_MODULES);
  console.log(
    '\nModule init in a fresh Node process (p50 ms), each Lambda beside its floor (a bundle that only creates the same SDK clients), same run',
  );
  console.table(coldStarts);
  const coldMissed = coldStarts.filter((c) => c.ratio > COLD_START_RATIO);
  console.log(
    `target: init ≤ ${COLD_START_RATIO} × floor (SDK external, as deployed) → ${coldMissed.length === 0 ? 'met by every Lambda' : `NOT met by ${coldMissed.map((c) => `${c.lambda} (${c.ratio}×)`).join(', ')}`}`,
  );
  const profile = importProfile(PROFILED_MODULES);
  console.log('\nPer-module import cost from node_modules, fresh process (p50 ms)');
  console.table(profile);
  console.log(
    `wrote ${writeResults('request-path', { loadAverage: os.loadavg(), overhead, coldStarts, importProfile: profile, targets: { addedP50Us: 100, addedP99Us: 300, coldStartRatio: COLD_START_RATIO } })}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
