// Cold start of every Lambda bundle beside its floor, in the same run: the floor is a bundle that only
// creates the SDK clients the function loads. Each bundle is measured with the SDK external (as the
// stack deploys it, taken from the runtime) and bundled in, and split into SDK time and own code time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { QUICK, round, summarize } from './support';
import { functionEnvironment } from '../contracts/function-env';

const ROOT = path.resolve(__dirname, '..');
const NODE_ENV = {
  ...process.env,
  NODE_PATH: path.join(ROOT, 'node_modules'),
  ...functionEnvironment('route', { usageQueueUrl: 'q', tableName: 't' }),
  ...functionEnvironment('dailyJob', { tableName: 't', archiveBucket: 'b', retentionDays: '90' }),
};

/** What each SDK package's floor does: create the client the function creates. */
const FLOOR_CODE: Record<string, string> = {
  '@aws-sdk/client-sqs': "import { SQSClient } from '@aws-sdk/client-sqs'; export const c1 = new SQSClient({});",
  '@aws-sdk/client-dynamodb': "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; export const c2 = new DynamoDBClient({});",
  '@aws-sdk/lib-dynamodb':
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; export const c3 = DynamoDBDocumentClient.from(new DynamoDBClient({}));",
  '@aws-sdk/client-s3': "import { S3Client } from '@aws-sdk/client-s3'; export const c4 = new S3Client({});",
};

/** Bundles `entry` as the stack bundles a Lambda (Node 24, CJS, minified), leaving `external` to the runtime. */
export async function bundleLikeLambda(entry: string, outfile: string, external: readonly string[]): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    mainFields: ['module', 'main'],
    external: [...external],
    // The floor's source lives in a temporary folder; resolve packages from the project.
    nodePaths: [path.join(ROOT, 'node_modules')],
    logLevel: 'silent',
  });
}

/** Module init of `file` in a fresh Node process, in ms; `preload` modules are required first and not timed. */
function initMs(file: string, preload: readonly string[] = []): number {
  const pre = preload.map((m) => `require(${JSON.stringify(m)});`).join('');
  const out = execFileSync(
    process.execPath,
    [
      '-e',
      `${pre}const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`,
    ],
    { cwd: ROOT, env: NODE_ENV, encoding: 'utf8' },
  );
  return Number(out);
}

export interface ColdStartRow {
  lambda: string;
  sdkPackages: string;
  bundleKB: number;
  bundledSdkKB: number;
  /** As deployed: SDK external (from the runtime). */
  initMs: number;
  floorMs: number;
  ratio: number;
  /** SDK bundled into the function and into the floor alike. */
  initBundledSdkMs: number;
  floorBundledSdkMs: number;
  ratioBundledSdk: number;
  /** Init of the bundle once its SDK packages are already loaded: our code and libraries only. */
  ownCodeMs: number;
}

export async function measureColdStarts(
  entries: readonly (readonly [string, string])[],
  external: readonly string[],
): Promise<ColdStartRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cold-'));
  const runs = QUICK ? 5 : 11;
  const rows: ColdStartRow[] = [];
  try {
    for (const [id, entry] of entries) {
      const ext = path.join(dir, id, 'external.js');
      const inl = path.join(dir, id, 'bundled.js');
      await bundleLikeLambda(path.join(ROOT, entry), ext, external);
      await bundleLikeLambda(path.join(ROOT, entry), inl, []);
      const sdk = [...new Set([...fs.readFileSync(ext, 'utf8').matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]))].sort();
      const floorSrc = path.join(dir, id, 'floor.ts');
      fs.writeFileSync(floorSrc, sdk.map((m) => FLOOR_CODE[m] ?? `import ${JSON.stringify(m)};`).join('\n') || 'export {};');
      const floorExt = path.join(dir, id, 'floor-external.js');
      const floorInl = path.join(dir, id, 'floor-bundled.js');
      await bundleLikeLambda(floorSrc, floorExt, external);
      await bundleLikeLambda(floorSrc, floorInl, []);
      // Interleaved: each round measures all five, so machine noise hits them alike.
      const samples = { ext: [] as number[], floorExt: [] as number[], inl: [] as number[], floorInl: [] as number[], own: [] as number[] };
      for (let i = 0; i < runs; i++) {
        samples.ext.push(initMs(ext));
        samples.floorExt.push(initMs(floorExt));
        samples.inl.push(initMs(inl));
        samples.floorInl.push(initMs(floorInl));
        samples.own.push(initMs(ext, sdk));
      }
      const p50 = (s: number[]) => summarize(s).p50;
      // Ratio per round, then the median: each pair ran back to back, so drift in load cancels out.
      const pairedRatio = (a: number[], b: number[]) => summarize(a.map((x, i) => x / b[i])).p50;
      rows.push({
        lambda: id,
        sdkPackages: sdk.map((m) => m.replace('@aws-sdk/', '')).join(' '),
        bundleKB: round(fs.statSync(ext).size / 1024),
        bundledSdkKB: round(fs.statSync(inl).size / 1024),
        initMs: round(p50(samples.ext)),
        floorMs: round(p50(samples.floorExt)),
        ratio: round(pairedRatio(samples.ext, samples.floorExt), 2),
        initBundledSdkMs: round(p50(samples.inl)),
        floorBundledSdkMs: round(p50(samples.floorInl)),
        ratioBundledSdk: round(pairedRatio(samples.inl, samples.floorInl), 2),
        ownCodeMs: round(p50(samples.own)),
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Per-module import cost from node_modules in a fresh process (p50 of a few runs), for the profile table. */
export function importProfile(modules: readonly string[]): { module: string; requireMs: number }[] {
  return modules.map((m) => {
    const samples: number[] = [];
    for (let i = 0; i < (QUICK ? 3 : 5); i++) {
      const out = execFileSync(
        process.execPath,
        [
          '-e',
          `const t=process.hrtime.bigint();require(${JSON.stringify(m)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`,
        ],
        { cwd: ROOT, env: NODE_ENV, encoding: 'utf8' },
      );
      samples.push(Number(out));
    }
    return { module: m, requireMs: round(summarize(samples).p50) };
  });
}
