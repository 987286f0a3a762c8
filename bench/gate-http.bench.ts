// `npm run bench -- gate-http`: the gate-plan scale proof over HTTP against a running twin (bench/gate-http.ts), with
// clients made the way an operator makes them:
//   PORT=3417 npm start
//   PORT=3417 npm run keys -- create --local --plan free --name scale --count 100000 --out /tmp/keys.jsonl
//   PORT=3417 KEYS_FILE=/tmp/keys.jsonl npm run bench -- gate-http
// A twin that answers faster than its stage throttle (100 req/s, burst 200) refuses some requests before the gate:
// the run names them as API Gateway's own throttle; start it with `npm start -- --no-stage-throttle` to measure the gate.
// Zipf traffic of GET /v1/hello, then the usage queue drained, every client with traffic checked (counts, gate item,
// limits) and `npm run reconcile -- --local --day <today> --json` run as the command. Load average printed beside.
// Env: KEYS_FILE (required), REQUESTS (20,000; QUICK=1: 2,000), ZIPF_S (1.1), CONCURRENCY (16), SEED (20), RESULTS_NAME.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { portFromEnv, readTwinState, twinClientConfig } from '../local/state-file';
import type { Reconciliation } from '../scripts/support/reconciliation';
import { type GateHttpClient, runGateHttp } from './gate-http';
import { QUICK, round, writeResults } from './support';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const REQUESTS = num('REQUESTS', QUICK ? 2_000 : 20_000);
const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const root = path.resolve(__dirname, '..');

async function main(): Promise<number> {
  const keysFile = process.env.KEYS_FILE;
  if (!keysFile) {
    console.error(
      'gate-http: set KEYS_FILE to the --out file of `npm run keys -- create --local --plan free --count N` (see the top of bench/gate-http.bench.ts)',
    );
    return 2;
  }
  const clients: GateHttpClient[] = fs
    .readFileSync(keysFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const port = portFromEnv();
  const state = readTwinState(port);
  const raw = new DynamoDBClient(twinClientConfig(state, 'dynamodb'));
  const sqs = new SQSClient(twinClientConfig(state, 'sqs'));
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const backlog = async () => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: state.usageQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  };
  try {
    console.log(`gate over HTTP, twin on port ${port}, ${clients.length} clients, commit ${commit}, load average ${load()}`);
    const run = await runGateHttp(
      {
        baseUrl: state.baseUrl,
        db: DynamoDBDocumentClient.from(raw),
        tableName: state.tableName,
        // The usage queue empty twice, 2 s apart, then one more batching window for the last batch's writes.
        drain: async () => {
          let empty = 0;
          while (empty < 2) {
            empty = (await backlog()) === 0 ? empty + 1 : 0;
            await sleep(2_000);
          }
          await sleep(6_000);
        },
        // Events a route function dropped (its send over budget on a loaded machine) are re-sent as an operator would.
        replay: async (since) => {
          const { stdout } = await promisify(execFile)(
            'npm',
            ['run', '-s', 'usage:replay', '--', '--since', since.toISOString(), '--local'],
            { cwd: root, env: { ...process.env, PORT: String(port) }, maxBuffer: 64 * 1024 * 1024 },
          );
          const summary = JSON.parse(stdout) as { sent: number };
          console.log(`usage:replay --local: ${stdout.replace(/\s+/g, ' ').slice(0, 300)}`);
          return summary.sent;
        },
        // The command an operator runs; it exits 1 when the counts differ, and prints the reconciliation either way.
        reconcile: async (day) => {
          await sleep(1_500); // the twin writes its gateway usage file every second
          // To a file, not a pipe: the command exits as soon as it has written, and a pipe would lose the tail.
          const out = path.join(os.tmpdir(), `gate-http-reconcile-${process.pid}.json`);
          await promisify(execFile)('sh', ['-c', `npm run -s reconcile -- --local --day ${day} --json > ${out}`], {
            cwd: root,
            env: { ...process.env, PORT: String(port) },
          }).catch(() => undefined); // exit 1 when the counts differ: the JSON says how
          const stdout = fs.readFileSync(out, 'utf8');
          fs.rmSync(out, { force: true });
          return JSON.parse(stdout) as Reconciliation;
        },
      },
      clients,
      { requests: REQUESTS, zipfS: num('ZIPF_S', 1.1), concurrency: num('CONCURRENCY', 16), seed: num('SEED', 20) },
    );
    const refused = Object.entries(run.refused)
      .map(([slug, n]) => `${slug} ${n}`)
      .join(', ');
    console.log(
      `traffic: ${run.requests} requests from ${run.activeClients} of ${run.clients} clients in ${round(run.trafficSeconds)} s ` +
        `(${round(run.requestsPerSecond)} req/s, p50 ${round(run.latencyMs.p50)} ms, p99 ${round(run.latencyMs.p99)} ms); ` +
        `admitted ${run.admitted}, refused ${refused || 'none'}, other ${run.other}; hottest client sent ${run.hottest.sent}, admitted ${run.hottest.admitted}`,
    );
    console.log(
      `drain ${round(run.drainSeconds)} s; per-client check ${round(run.checkSeconds)} s; reconcile ${round(run.reconcileSeconds)} s`,
    );
    console.log(
      `exact per client: ${run.problems.length === 0 ? 'yes' : `NO, ${run.problems.length} problems: ${run.problems.slice(0, 5).join('; ')}`}`,
    );
    console.log(
      `reconcile --local: ${run.reconciliation.matches ? 'matches' : 'DIFFERS'}; pools ${run.reconciliation.pools
        .map((p) => `${p.plan} metered ${p.metered} gateway ${p.gateway} (${p.kind})`)
        .join(', ')}`,
    );
    console.log(`load average at the end: ${load()}`);
    const file = writeResults(process.env.RESULTS_NAME ?? 'gate-http', {
      commit,
      load: load(),
      ...run,
      problems: run.problems.slice(0, 100),
    });
    console.log(`results: ${path.relative(root, file)}`);
    return run.problems.length === 0 && run.reconciliation.matches ? 0 : 1;
  } finally {
    raw.destroy();
    sqs.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
