// `npm run bench [-- name …]`: runs every bench/*.bench.ts (or the named ones) one after another, each
// in its own process so they do not disturb each other. QUICK=1 shrinks every workload. At the end it
// prints every `target: …` line the benchmarks printed (each measured side by side within its own run),
// with the machine's load, so one screen says which of issue 13's targets are met.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = __dirname;
const all = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const wanted = process.argv.slice(2);
/** A name selects its own file when there is one (`twin` is twin.bench.ts, not twin-start too), else every file it begins. */
const matches = (file: string, name: string) => (all.includes(`${name}.bench.ts`) ? file === `${name}.bench.ts` : file.startsWith(name));
const selected = wanted.length ? all.filter((f) => wanted.some((w) => matches(f, w))) : all;
if (selected.length === 0) {
  console.error(`bench: nothing matches ${wanted.join(', ')}; available: ${all.map((f) => f.replace('.bench.ts', '')).join(', ')}`);
  process.exit(2);
}

const tsx = path.resolve(dir, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
const hook = path.resolve(dir, '..', 'local', 'esm-only-packages.cjs');

/** Runs one benchmark, echoing its output; resolves with its exit code and its `target:` lines. */
function runOne(file: string): Promise<{ code: number | null; targets: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx, '--require', hook, path.join(dir, file)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    const targets: string[] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (/^\s*(target\b|same in CPU time)/.test(line)) targets.push(line.trim());
    });
    child.once('close', (code) => {
      if (/^\s*(target\b|same in CPU time)/.test(partial)) targets.push(partial.trim());
      resolve({ code, targets });
    });
  });
}

async function main(): Promise<void> {
  let failed = 0;
  const summary: string[] = [];
  for (const file of selected) {
    const name = file.replace('.bench.ts', '');
    console.log(`\n=== ${name} ===`);
    const started = Date.now();
    const { code, targets } = await runOne(file);
    const load = os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ');
    console.log(`(${file}: ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${code})`);
    if (code !== 0) failed += 1;
    summary.push(`${name} (load average at the end: ${load}${code === 0 ? '' : `; exit ${code}`}):`);
    summary.push(...(targets.length ? targets.map((t) => `  ${t}`) : ['  (no target lines)']));
  }
  console.log(`\n=== targets (issue 13), each measured side by side within its benchmark's run ===\n${summary.join('\n')}`);
  process.exit(failed ? 1 : 0);
}

void main();
