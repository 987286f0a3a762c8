// `npm run sim:campaign -- [--minutes M] [--chunk N] [--workers W] [--target T] [--verify]`: seeds toward issue 19's
// "1,000,000 seeds, final code, 0 violations", gathered across sessions, stopping at seed T (default 1,000,000).
// A campaign is the simulated code as committed: every file the simulator can load and the lockfile, hashed into a
// fingerprint (bench/sim-fingerprint.ts). Any commit with the same fingerprint runs the same schedules, so its seeds
// add up; a change to any of those files starts a new campaign. --verify recomputes the fingerprint of every commit
// the record names and fails if one differs.
// Each chunk's summary line (sim/cli.ts) is appended to bench/results/sim-campaign-<fingerprint>.txt with its range
// and the commit it ran on; the next run starts after the last range recorded. A chunk with a failing seed stops
// the campaign so that seed is looked at (it is recorded, and the total says so).
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simFingerprint, simulatedFiles } from './sim-fingerprint';

const ROOT = path.resolve(__dirname, '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

export interface CampaignLine {
  readonly from: number;
  readonly to: number;
  readonly commit: string;
  readonly failing: number;
}

/** One recorded chunk: `<from>..<to> <commit> <sim/cli.ts summary line>`. */
export function parseCampaignLine(line: string): CampaignLine | undefined {
  const m = /^(\d+)\.\.(\d+) ([0-9a-f]+) .*; (\d+) failing seed\(s\)$/.exec(line.trim());
  if (!m) return undefined;
  return { from: Number(m[1]), to: Number(m[2]), commit: m[3], failing: Number(m[4]) };
}

/** Seeds run, failing seeds, and the seed the next chunk starts at (ranges are run in order, none twice). */
export function campaignTotals(lines: readonly CampaignLine[]): { seeds: number; failing: number; next: number } {
  let seeds = 0;
  let failing = 0;
  let next = 1;
  for (const l of lines) {
    if (l.from !== next) {
      throw new Error(`the campaign's ranges are not contiguous: ${l.from}..${l.to} after ${next - 1}`);
    }
    seeds += l.to - l.from + 1;
    failing += l.failing;
    next = l.to + 1;
  }
  return { seeds, failing, next };
}

/** How many seeds the next chunk runs: a full chunk, or what is left before the target; 0 once it is reached. */
export function nextChunkSize(next: number, chunk: number, target: number): number {
  return Math.max(0, Math.min(chunk, target - next + 1));
}

function fingerprint(): string {
  const dirty = git('status', '--porcelain', '--', ...simulatedFiles('HEAD').files);
  if (dirty) throw new Error(`commit the simulated code first (a campaign runs committed code only):\n${dirty}`);
  return simFingerprint('HEAD');
}

/** Every commit the record names has the record's fingerprint (the chunk ran the campaign's code). */
function verify(id: string, lines: readonly CampaignLine[]): number {
  const commits = [...new Set(lines.map((l) => l.commit))];
  const wrong = commits.map((commit) => ({ commit, found: simFingerprint(commit) })).filter(({ found }) => found !== id);
  for (const { commit, found } of wrong) console.error(`commit ${commit} has fingerprint ${found}, not ${id}`);
  console.log(`campaign ${id}: ${lines.length} chunk(s) on ${commits.length} commit(s), ${wrong.length} of another fingerprint`);
  return wrong.length > 0 ? 1 : 0;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} needs a whole number above 0`);
  return value;
}

function main(): number {
  const minutes = option('--minutes', 60);
  const chunk = option('--chunk', 10_000);
  const workers = option('--workers', 2);
  const target = option('--target', 1_000_000);
  const id = fingerprint();
  const commit = git('rev-parse', '--short', 'HEAD');
  const file = path.join(ROOT, 'bench', 'results', `sim-campaign-${id}.txt`);
  const read = () =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .map(parseCampaignLine)
          .filter((l): l is CampaignLine => l !== undefined)
      : [];
  if (process.argv.includes('--verify')) return verify(id, read());
  const stopAt = Date.now() + minutes * 60_000;
  let totals = campaignTotals(read());
  console.log(
    `campaign ${id} (commit ${commit}): ${totals.seeds} seeds so far, ${totals.failing} failing; ` +
      `until seed ${target} or ${new Date(stopAt).toISOString()}`,
  );
  while (totals.failing === 0 && Date.now() < stopAt) {
    const size = nextChunkSize(totals.next, chunk, target);
    if (size === 0) break;
    const run = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        path.join(ROOT, 'sim', 'cli.ts'),
        '--seeds',
        String(size),
        '--from',
        String(totals.next),
        '--workers',
        String(workers),
      ],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const summary = run.stdout.split('\n').find((l) => / seeds \(\d+\.\.\d+\) in /.test(l));
    if (!summary) {
      console.error(`sim/cli.ts ended with ${run.status} and no summary:\n${run.stdout}${run.stderr}`);
      return 2;
    }
    appendFileSync(file, `${totals.next}..${totals.next + size - 1} ${commit} ${summary}\n`);
    console.log(summary);
    if (run.status !== 0) console.log(run.stdout.slice(run.stdout.indexOf(summary) + summary.length).trim());
    totals = campaignTotals(read());
  }
  console.log(`campaign ${id}: ${totals.seeds} seeds, ${totals.failing} failing (${path.relative(ROOT, file)})`);
  return totals.failing > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
