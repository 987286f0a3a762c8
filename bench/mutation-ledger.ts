// The mutation ledger (issue 19: "every survivor explained"): reads Stryker JSON reports (the latest one of each range,
// named on the command line) and bench/mutation-survivors.json, the reasons survivors survive, and prints each file's
// score, the survivors by verdict, and every survivor no reason explains. A reason matches a survivor by file, a piece
// of the mutated line and, when it says so, the mutator and a piece of the replacement: line numbers move, code
// rarely does. The first matching reason wins.
//
//   npm run mutation:ledger -- bench/results/mutation/<report>.json [...] [--latest-source] [--unexplained] [--unused] [--show=<verdict> [--emit=<out.json>]] [--reasons=<file.json> ...] [--coverage=<coverage-final.json>] [--prune]
//
// --coverage takes the simulator's V8 coverage of the mutated files (`npm run mutation:coverage`, many seeds) and says,
// per verdict, how many survivors sit on code the simulation ran: an `unexercised` survivor on code that ran, or a
// `cost` or `gap` survivor on code that never did, has a reason to look at again (listed).
//
// Verdicts: `equivalent` (no output of the program differs: state, results, metrics, logs), `text` (only a log line's
// or an error's words differ, and no check reads them), `cost` (only how many requests, or when: SQS redelivers what
// ran out of time, counts stay exact), `unexercised` (a path no simulated run takes), `gap` (a behaviour the
// simulator should see and does not yet).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface Mutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: {
    readonly start: { readonly line: number; readonly column: number };
    readonly end: { readonly line: number; readonly column: number };
  };
}
interface Report {
  readonly files: Record<string, { readonly source: string; readonly mutants: readonly Mutant[] }>;
}
/** Istanbul's JSON coverage as jest's V8 provider writes it: a statement per line, a branch location per block. */
interface Loc {
  readonly start: { readonly line: number; readonly column: number };
  readonly end: { readonly line: number; readonly column: number };
}
interface FileCoverage {
  readonly statementMap: Record<string, Loc>;
  readonly s: Record<string, number>;
  readonly branchMap: Record<string, { readonly locations: readonly Loc[] }>;
  readonly b: Record<string, readonly number[]>;
}

/** Whether the simulation ran the mutated code: its line ran, and no block that never ran holds its start. */
export function ranInSimulation(file: FileCoverage, at: Mutant['location']['start']): boolean {
  const column = at.column - 1; // Stryker's columns count from 1, istanbul's from 0
  const before = (a: { line: number; column: number }, b: { line: number; column: number }) =>
    a.line < b.line || (a.line === b.line && a.column <= b.column);
  const line = Object.entries(file.statementMap).find(([, loc]) => loc.start.line === at.line);
  if (!line || (file.s[line[0]] ?? 0) === 0) return false;
  for (const [id, { locations }] of Object.entries(file.branchMap))
    for (const [i, loc] of locations.entries())
      if ((file.b[id]?.[i] ?? 0) === 0 && before(loc.start, { line: at.line, column }) && !before(loc.end, { line: at.line, column }))
        return false;
  return true;
}

interface Reason {
  readonly file: string;
  readonly code: string;
  readonly mutator?: string;
  readonly replacement?: string;
  readonly verdict: 'equivalent' | 'text' | 'cost' | 'unexercised' | 'gap';
  readonly reason: string;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const IGNORED = new Set(['Ignored', 'NoCoverage', 'CompileError', 'RuntimeError']);

function main(): void {
  const args = process.argv.slice(2);
  const showUnexplained = args.includes('--unexplained');
  const show = args.find((a) => a.startsWith('--show='))?.slice('--show='.length);
  const reports = args.filter((a) => !a.startsWith('--'));
  const reasonFiles = args.filter((a) => a.startsWith('--reasons=')).map((a) => a.slice('--reasons='.length));
  if (reports.length === 0) {
    console.error('usage: npm run mutation:ledger -- <stryker report.json> [...] [--unexplained]');
    process.exitCode = 2;
    return;
  }
  const reasons = (reasonFiles.length > 0 ? reasonFiles : [path.join(__dirname, 'mutation-survivors.json')]).flatMap(
    (file) => JSON.parse(readFileSync(file, 'utf8')) as Reason[],
  );
  // A mutant is its file, its line's text (and which line of that text), its span, mutator and replacement: a later
  // report of the same mutant (a rerun of its range) replaces an earlier one.
  const latest = new Map<string, { name: string; line: string; m: Mutant; source: string; text: string }>();
  // With --latest-source, a file's mutants count only from the reports of its source as the last report holding it
  // has it: a rewritten file's older reports (whose removed lines would linger) drop out once it is run again whole.
  const parsed = reports.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Report);
  const lastText = new Map<string, string>();
  if (args.includes('--latest-source'))
    for (const report of parsed) for (const [f, { source }] of Object.entries(report.files)) lastText.set(f, source);
  for (const report of parsed) {
    for (const [source, { source: text, mutants }] of Object.entries(report.files)) {
      if (lastText.has(source) && lastText.get(source) !== text) continue;
      const name = path.basename(source);
      const lines = text.split('\n');
      for (const m of mutants) {
        const line = lines[m.location.start.line - 1] ?? '';
        const nth = lines.slice(0, m.location.start.line - 1).filter((l) => l === line).length;
        const { start, end } = m.location;
        const key = [name, line, nth, start.column, end.line - start.line, end.column, m.mutatorName, m.replacement].join('\u0000');
        latest.set(key, { name, line, m, source, text });
      }
    }
  }
  const perFile = new Map<string, { total: number; detected: number; verdicts: Map<string, number> }>();
  const unexplained: string[] = [];
  const shown: string[] = [];
  const emit = args.find((a) => a.startsWith('--emit='))?.slice('--emit='.length);
  const emitted: Report['files'] = {};
  const used = new Set<Reason>();
  const coverageFile = args.find((a) => a.startsWith('--coverage='))?.slice('--coverage='.length);
  const coverage = new Map<string, FileCoverage>(
    coverageFile
      ? Object.entries(JSON.parse(readFileSync(coverageFile, 'utf8')) as Record<string, FileCoverage>).map(([f, c]) => [
          path.basename(f),
          c,
        ])
      : [],
  );
  /** Per verdict: survivors on code the simulation ran, and on code it never ran. */
  const ran = new Map<string, { ran: number; never: number }>();
  const lookAgain: string[] = [];
  for (const { name, line, m, source, text } of latest.values()) {
    const row = perFile.get(name) ?? { total: 0, detected: 0, verdicts: new Map<string, number>() };
    perFile.set(name, row);
    {
      if (IGNORED.has(m.status)) continue;
      row.total += 1;
      if (DETECTED.has(m.status)) {
        row.detected += 1;
        continue;
      }
      const reason = reasons.find(
        (r) =>
          r.file === name &&
          line.includes(r.code) &&
          (r.mutator === undefined || r.mutator === m.mutatorName) &&
          (r.replacement === undefined || (m.replacement ?? '').includes(r.replacement)),
      );
      if (reason) used.add(reason);
      const verdict = reason?.verdict ?? 'unexplained';
      row.verdicts.set(verdict, (row.verdicts.get(verdict) ?? 0) + 1);
      const fileCoverage = coverage.get(name);
      if (fileCoverage) {
        const didRun = ranInSimulation(fileCoverage, m.location.start);
        const tally = ran.get(verdict) ?? { ran: 0, never: 0 };
        ran.set(verdict, { ran: tally.ran + (didRun ? 1 : 0), never: tally.never + (didRun ? 0 : 1) });
        if (didRun === (verdict === 'unexercised') && (verdict === 'unexercised' || verdict === 'cost' || verdict === 'gap'))
          lookAgain.push(
            `${verdict} on code that ${didRun ? 'ran' : 'never ran'}: ${name}:${m.location.start.line} ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? '').slice(0, 50)} | ${line.trim().slice(0, 90)}`,
          );
      }
      if (emit && verdict === show) {
        const file = (emitted[source] ??= { source: text, mutants: [] }) as { source: string; mutants: Mutant[] };
        file.mutants.push(m);
      }
      if (reason && reason.verdict === show) {
        shown.push(
          `${name}:${m.location.start.line} ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? '').slice(0, 50)}: ${reason.reason}`,
        );
      }
      if (!reason) {
        unexplained.push(
          `${name}:${m.location.start.line} ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? '').slice(0, 70)} | ${line.trim().slice(0, 110)}`,
        );
      }
    }
  }
  const verdicts = ['equivalent', 'text', 'cost', 'unexercised', 'gap', 'unexplained'];
  const total = { total: 0, detected: 0, verdicts: new Map<string, number>() };
  console.log(`| file | mutants | detected | score | score without equivalents | ${verdicts.join(' | ')} |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ${verdicts.map(() => '---:').join(' | ')} |`);
  const print = (name: string, r: typeof total) => {
    const equivalent = r.verdicts.get('equivalent') ?? 0;
    const pct = (n: number, d: number) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)} %`);
    console.log(
      `| ${name} | ${r.total} | ${r.detected} | ${pct(r.detected, r.total)} | ${pct(r.detected, r.total - equivalent)} | ${verdicts.map((v) => r.verdicts.get(v) ?? 0).join(' | ')} |`,
    );
  };
  for (const [name, r] of [...perFile].sort()) {
    print(`\`${name}\``, r);
    total.total += r.total;
    total.detected += r.detected;
    for (const [v, n] of r.verdicts) total.verdicts.set(v, (total.verdicts.get(v) ?? 0) + n);
  }
  print('**all**', total);
  if (coverage.size > 0) {
    console.log('\n| verdict | survivors on code the simulation ran | on code it never ran |\n| --- | ---: | ---: |');
    for (const v of verdicts) if (ran.has(v)) console.log(`| ${v} | ${ran.get(v)?.ran} | ${ran.get(v)?.never} |`);
    for (const l of lookAgain) console.log(l);
  }
  // A reason no survivor of these reports uses is stale (its code rewritten or its mutant now killed), or belongs to
  // reports not named here.
  if (used.size < reasons.length)
    console.log(`\n${reasons.length - used.size} of ${reasons.length} reasons explain no survivor of these reports`);
  // --prune: the reasons file keeps only the reasons these reports use (git keeps the others).
  if (args.includes('--prune') && reasonFiles.length === 0) {
    const file = path.join(__dirname, 'mutation-survivors.json');
    writeFileSync(
      file,
      `${JSON.stringify(
        reasons.filter((r) => used.has(r)),
        null,
        2,
      )}\n`,
    );
    console.log(`${reasons.length - used.size} unused reason(s) removed from ${path.relative(process.cwd(), file)}`);
  }
  if (args.includes('--unused'))
    for (const r of reasons) if (!used.has(r)) console.log(`${r.file} | ${r.verdict} | ${r.code.slice(0, 70)} | ${r.reason.slice(0, 90)}`);
  if (showUnexplained) for (const line of unexplained) console.log(line);
  for (const line of shown) console.log(line);
  // The survivors shown, as a report of their own (for sim/mutation-rerun.ts with a larger seed budget).
  if (emit) writeFileSync(emit, JSON.stringify({ files: emitted }));
}

main();
