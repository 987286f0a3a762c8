// `npm run bench [-- name …]`: runs every bench/*.bench.ts (or the named ones) one after another, each
// in its own process so they do not disturb each other. QUICK=1 shrinks every workload.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = __dirname;
const all = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const wanted = process.argv.slice(2);
const selected = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all;
if (selected.length === 0) {
  console.error(`bench: nothing matches ${wanted.join(', ')}; available: ${all.map((f) => f.replace('.bench.ts', '')).join(', ')}`);
  process.exit(2);
}

const tsx = path.resolve(dir, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
const hook = path.resolve(dir, '..', 'local', 'esm-only-packages.cjs');
let failed = 0;
for (const file of selected) {
  console.log(`\n=== ${file.replace('.bench.ts', '')} ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [tsx, '--require', hook, path.join(dir, file)], { stdio: 'inherit', env: process.env });
  console.log(`(${file}: ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${result.status})`);
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
