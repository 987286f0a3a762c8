// `npm run sim -- --seeds N [--seed S] [--from F] [--workers W] [--trace] [--mutant NAME] [--until-caught]`: runs
// seeds of the counting simulation, prints schedules/s and violations; a failing seed prints the command that
// replays it with a trace of its interleaving and every knob its seed drew. Seeds are split across worker processes
// (one per core by default). --mutant NAME runs the same in a copy of the tree with that historical bug planted
// (sim/historical-mutants.ts), to show it is caught.
import { fork, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { HISTORICAL_MUTANTS, type HistoricalMutant, isHistoricalMutant, plantedTree } from './historical-mutants';
import { type RunResult, runSeed } from './simulation';
import { createSimStore } from './sim-store';

interface Args {
  seeds: number;
  from: number;
  seed?: number;
  workers: number;
  trace: boolean;
  json: boolean;
  mutant?: HistoricalMutant;
  /** Stop at the first failing seed (with --mutant: how many seeds it takes to catch it). */
  untilCaught: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seeds: 1_000, from: 1, workers: os.availableParallelism(), trace: false, json: false, untilCaught: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${flag} needs a whole number, got ${argv[i]}`);
      return v;
    };
    if (flag === '--seeds') args.seeds = value();
    else if (flag === '--from') args.from = value();
    else if (flag === '--seed') args.seed = value();
    else if (flag === '--workers') args.workers = Math.max(1, value());
    else if (flag === '--trace') args.trace = true;
    else if (flag === '--json') args.json = true;
    else if (flag === '--until-caught') args.untilCaught = true;
    else if (flag === '--mutant') {
      const name = argv[++i];
      if (!isHistoricalMutant(name)) throw new Error(`--mutant needs one of ${Object.keys(HISTORICAL_MUTANTS).join(', ')}, got ${name}`);
      args.mutant = name;
    } else
      throw new Error(`unknown flag ${flag}; use --seeds N [--from F] [--seed S] [--workers W] [--trace] [--mutant NAME] [--until-caught]`);
  }
  return args;
}

type RunStats = RunResult['stats'];
type Summary = { seeds: number; failed: { seed: number; violations: string[] }[] } & RunStats;

const NO_STATS: RunStats = {
  steps: 0,
  invocations: 0,
  crashes: 0,
  timeouts: 0,
  redrives: 0,
  events: 0,
  alerts: 0,
  alertRedeliveries: 0,
  planRuns: 0,
  creditAlerts: 0,
  dailyJobs: 0,
  archivedRows: 0,
  corrections: 0,
  s3Faults: 0,
  dropped: 0,
  droppedButLanded: 0,
  replayed: 0,
  withheld: 0,
  lost: 0,
  refusedTooOld: 0,
  refusedFuture: 0,
};

/** Each run statistic of a and b added up. */
function addStats(a: RunStats, b: RunStats): RunStats {
  return Object.fromEntries(Object.keys(NO_STATS).map((k) => [k, a[k as keyof RunStats] + b[k as keyof RunStats]])) as RunStats;
}

/** Runs seeds [from, from + count), many at a time in one process: each run has its own virtual clock and
 *  state, so interleaving runs changes nothing inside any of them, and one event-loop turn serves many. */
async function runRange(from: number, count: number, args: Args): Promise<Summary> {
  const summary: Summary = { seeds: 0, failed: [], ...NO_STATS };
  const maxFailures = args.untilCaught ? 1 : 20;
  let next = from;
  const lane = async () => {
    while (next < from + count && summary.failed.length < maxFailures) {
      const seed = next++;
      const result = await runSeed({ seed, store: createSimStore });
      summary.seeds += 1;
      Object.assign(summary, addStats(summary, result.stats));
      if (result.violations.length > 0) summary.failed.push({ seed, violations: result.violations.map((v) => `${v.kind}: ${v.detail}`) });
    }
  };
  await Promise.all(Array.from({ length: 32 }, lane));
  summary.failed.sort((a, b) => a.seed - b.seed);
  return summary;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.mutant !== undefined) {
    process.exitCode = runPlanted(args.mutant);
    return;
  }
  if (process.env.SIM_WORKER) {
    const [from, count] = process.env.SIM_WORKER.split(':').map(Number);
    process.send?.(await runRange(from, count, args));
    return;
  }
  if (args.seed !== undefined) {
    const result = await runSeed({ seed: args.seed, store: createSimStore, trace: true });
    console.log(result.trace);
    console.log(
      `\nseed ${args.seed}: ${result.stats.events} events, ${result.stats.invocations} invocations, ${result.stats.crashes} crashes, ${result.stats.timeouts} timeouts, ${result.stats.alerts} alerts (${result.stats.alertRedeliveries} redelivered), ${result.stats.dailyJobs} daily jobs (${result.stats.s3Faults} S3 faults), ${result.stats.dropped} usage events dropped (${result.stats.droppedButLanded} landed anyway, ${result.stats.replayed} replayed copies)`,
    );
    if (result.violations.length === 0) console.log('no violations');
    for (const v of result.violations) console.log(`VIOLATION ${v.kind}: ${v.detail}`);
    process.exitCode = result.violations.length > 0 ? 1 : 0;
    return;
  }
  const started = process.hrtime.bigint();
  const workers = Math.min(args.workers, args.seeds);
  const share = Math.ceil(args.seeds / workers);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const from = args.from + w * share;
      const count = Math.min(share, args.from + args.seeds - from);
      return new Promise<Summary>((resolve, reject) => {
        const child = fork(__filename, process.argv.slice(2), {
          env: { ...process.env, SIM_WORKER: `${from}:${count}` },
          execArgv: process.execArgv,
        });
        child.once('message', (m) => resolve(m as Summary));
        child.once('error', reject);
        child.once('exit', (code) => code !== 0 && reject(new Error(`sim worker exited with ${code}`)));
      });
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const total: Summary = parts.reduce((a, p) => ({ seeds: a.seeds + p.seeds, failed: [...a.failed, ...p.failed], ...addStats(a, p) }));
  const rate = total.seeds / seconds;
  const line = `${total.seeds} seeds (${args.from}..${args.from + args.seeds - 1}) in ${seconds.toFixed(1)} s: ${rate.toFixed(0)} schedules/s, ${workers} workers; ${total.events} events, ${total.invocations} batches, ${total.crashes} crashes, ${total.timeouts} timeouts, ${total.redrives} DLQ redrives, ${total.alerts} quota alerts (${total.alertRedeliveries} redelivered with the same eventId), ${total.planRuns} runs with client plans (${total.creditAlerts} low-balance alerts), ${total.dailyJobs} daily jobs (${total.archivedRows} archive rows, ${total.corrections} statement corrections, ${total.s3Faults} S3 faults), ${total.dropped} usage events dropped by the publisher (${total.droppedButLanded} of them landed anyway; ${total.replayed} replayed copies), ${total.withheld} messages withheld for good (${total.lost} events lost with them), ${total.refusedTooOld} records refused as too old and ${total.refusedFuture} as from the future, ${total.steps} scheduler steps; ${total.failed.length} failing seed(s)`;
  if (args.json) console.log(JSON.stringify({ ...total, seconds, schedulesPerSecond: rate, workers, from: args.from }));
  else console.log(line);
  for (const f of total.failed.slice(0, 10)) {
    console.log(
      `\nseed ${f.seed} violates:\n  ${f.violations.slice(0, 5).join('\n  ')}\n  replay: npm run sim -- --seed ${f.seed}${process.env.SIM_MUTANT ? ` --mutant ${process.env.SIM_MUTANT}` : ''}`,
    );
  }
  process.exitCode = total.failed.length > 0 ? 1 : 0;
}

/** Runs this command again, without --mutant, in a copy of the tree with the mutant planted; its exit code. */
function runPlanted(mutant: HistoricalMutant): number {
  const tree = plantedTree(mutant);
  try {
    const argv = process.argv.slice(2);
    const at = argv.indexOf('--mutant');
    argv.splice(at, 2);
    const child = spawnSync(process.execPath, [...process.execArgv, 'sim/cli.ts', ...argv], {
      cwd: tree.dir,
      stdio: 'inherit',
      env: { ...process.env, SIM_MUTANT: mutant },
    });
    return child.status ?? 2;
  } finally {
    tree.remove();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
