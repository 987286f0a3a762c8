// Runs again, with a larger seed budget, the mutants a Stryker report says survived (issue 19: Stryker gives each
// mutant a bounded slice of seeds; a mutant the simulator finds only later is the simulator's catch all the same,
// at a cost the report then states). Each survivor is planted in a checkout of its own (a git worktree, never the
// one being worked in: the file is rewritten while the slice runs), sim/mutation-slice.ts runs it, and the file is
// put back. The output is the report's files rerun, each survivor's status updated, for bench/mutation-ledger.ts.
//
//   npx tsx sim/mutation-rerun.ts <report.json> <checkout> <seeds> <out.json> [file-substring]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface Position {
  readonly line: number;
  readonly column: number;
}
interface Mutant {
  status: string;
  statusReason?: string;
  readonly replacement?: string;
  readonly location: { readonly start: Position; readonly end: Position };
}
interface Report {
  readonly files: Record<string, { readonly source: string; readonly mutants: Mutant[] }>;
}

/** Seconds a slice may run beyond 2 s per seed before its mutant counts as a timeout. */
const TIMEOUT_S = 60;

/** The offset of a 1-based line and column in `text`. */
function offsetOf(text: string, at: Position): number {
  let offset = 0;
  for (let line = 1; line < at.line; line++) offset = text.indexOf('\n', offset) + 1;
  return offset + at.column - 1;
}

function main(): void {
  const [reportFile, checkout, seedsArg, out, only = ''] = process.argv.slice(2);
  const seeds = Number(seedsArg);
  if (!reportFile || !checkout || !Number.isInteger(seeds) || seeds < 1 || !out) {
    console.error('usage: npx tsx sim/mutation-rerun.ts <report.json> <checkout> <seeds> <out.json> [file-substring]');
    process.exitCode = 2;
    return;
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  // The output holds only the files rerun, so it replaces nothing else when the ledger reads it after the report.
  for (const file of Object.keys(report.files)) if (!file.includes(only)) delete report.files[file];
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const target = path.join(checkout, file);
    if (readFileSync(target, 'utf8') !== source) throw new Error(`${target} is not the source the report mutated`);
    const survivors = mutants.filter((m) => m.status === 'Survived');
    console.log(`${file}: ${survivors.length} survivor(s), ${seeds} seeds each`);
    try {
      for (const [i, m] of survivors.entries()) {
        const from = offsetOf(source, m.location.start);
        const to = offsetOf(source, m.location.end);
        writeFileSync(target, source.slice(0, from) + (m.replacement ?? '') + source.slice(to));
        let verdict: string;
        try {
          // A mutant that never lets the slice end is detected, as Stryker's timeout counts it: GNU timeout ends the
          // slice's whole process group after TIMEOUT_S plus 2 s per seed.
          const limit = String(TIMEOUT_S + 2 * seeds);
          execFileSync(
            'timeout',
            ['-s', 'KILL', limit, 'npx', 'tsx', '--require', './local/esm-only-packages.cjs', 'sim/mutation-slice.ts'],
            {
              cwd: checkout,
              env: { ...process.env, SIM_MUTATION_SEEDS: String(seeds) },
              stdio: 'pipe',
            },
          );
          verdict = `survived ${seeds} seeds`;
        } catch (error) {
          const output = `${(error as { stdout?: Buffer }).stdout ?? ''}${(error as { stderr?: Buffer }).stderr ?? ''}`.trim().split('\n');
          m.status = (error as { status?: number }).status === 137 ? 'Timeout' : 'Killed';
          m.statusReason = `rerun with ${seeds} seeds: ${output[output.length - 1] ?? ''}`.slice(0, 300);
          verdict = m.statusReason;
        }
        console.log(
          `  ${i + 1}/${survivors.length} line ${m.location.start.line} → ${JSON.stringify(m.replacement ?? '').slice(0, 50)}: ${verdict}`,
        );
        writeFileSync(out, JSON.stringify(report));
      }
    } finally {
      writeFileSync(target, source);
    }
  }
  writeFileSync(out, JSON.stringify(report));
}

main();
