// The fingerprint of what a seed campaign runs (bench/sim-campaign.ts): every file of the repository the simulator
// can load, found by following its imports from sim/cli.ts, as committed, plus the lockfile (the packages) and the
// loader hook the commands run with. Read from git objects, so any commit's fingerprint can be computed and a
// recorded chunk checked against the commit it names. Code the simulator cannot load (the gate, the admin API, the
// CDK app) is not in it, so changing that code keeps the campaign.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const ENTRY = 'sim/cli.ts';
/** Not imported, yet part of every run: the packages, and the hook that lets require() load ESM-only ones. */
const ALWAYS = ['package-lock.json', 'local/esm-only-packages.cjs'];

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** Path → blob id of every file in the commit. */
function blobs(commit: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of git('ls-tree', '-r', commit).split('\n')) {
    const m = /^\d+ blob ([0-9a-f]{40})\t(.+)$/.exec(line);
    if (m) map.set(m[2], m[1]);
  }
  return map;
}

/** The repository file a relative import names, as TypeScript resolves it here (a .ts file, a folder's index, a file as named). */
function resolve(from: string, specifier: string, files: ReadonlyMap<string, string>): string | undefined {
  const base = path.posix.join(path.posix.dirname(from), specifier);
  return [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => files.has(candidate));
}

/** The files the simulator can load: sim/cli.ts and everything it imports, transitively (type-only imports too). */
export function simulatedFiles(commit: string): { files: string[]; blobIds: Map<string, string> } {
  const blobIds = blobs(commit);
  const seen = new Set<string>();
  const queue = [ENTRY];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.ts')) continue;
    const text = git('cat-file', 'blob', blobIds.get(file) as string);
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue; // a package: the lockfile stands for it
      const target = resolve(file, fileName, blobIds);
      if (target === undefined) throw new Error(`${file} imports ${fileName}, which is not in the repository`);
      queue.push(target);
    }
  }
  return { files: [...seen, ...ALWAYS].sort(), blobIds };
}

/** The campaign's fingerprint at a commit: 12 hex digits of a hash of each simulated file's path and content. */
export function simFingerprint(commit: string): string {
  const { files, blobIds } = simulatedFiles(commit);
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file} ${blobIds.get(file) ?? 'absent'}\n`);
  return hash.digest('hex').slice(0, 12);
}
