// `npm run bench -- twin-start`: how long `npm start` takes to be ready, with the IAM check (the default) and
// without it (--iam off) side by side, alternating, and with a cold policy cache (synthesis) once. Each start is
// a real `npm start` child; "ready" is the time its banner reports.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QUICK, round, summarize, writeResults } from './support';

const ROOT = path.resolve(__dirname, '..');
const ROUNDS = Number(process.env.ROUNDS ?? (QUICK ? 2 : 4));

function startOnce(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    // What `npm start` runs (package.json), without npm in between so the signal reaches the twin itself.
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, ['--require', './local/esm-only-packages.cjs', 'local/start.ts', '--no-access-log', ...args], {
      cwd: ROOT,
      env: { ...process.env, PORT: port, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`not ready in 180 s: ${out.slice(-400)}`));
    }, 180_000);
    let seconds: number | undefined;
    child.once('close', () =>
      seconds === undefined ? reject(new Error(`the twin exited before it was ready: ${out.slice(-400)}`)) : resolve(seconds),
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /ready in ([\d.]+) s/.exec(out);
      if (!ready || seconds !== undefined) return;
      seconds = Number(ready[1]);
      clearTimeout(timer);
      child.kill('SIGINT');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

async function main(): Promise<void> {
  const cacheDir = path.join(ROOT, '.local-state', 'iam');
  const enforce: number[] = [];
  const off: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    off.push(await startOnce(['--iam', 'off']));
    enforce.push(await startOnce([]));
  }
  fs.rmSync(cacheDir, { recursive: true, force: true });
  const cold = await startOnce([]);
  const result = {
    load: os.loadavg().map((l) => round(l, 2)),
    enforceWarm: summarize(enforce),
    off: summarize(off),
    enforceColdCache: cold,
    samples: { enforce, off },
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `target: npm start ready ≤ 10 s with the IAM check: p50 ${summarize(enforce).p50} s, max ${Math.max(...enforce)} s ` +
      `(--iam off: p50 ${summarize(off).p50} s; cold policy cache ${cold} s) ${Math.max(...enforce) <= 10 ? 'met' : 'NOT met'}`,
  );
  writeResults('twin-start', result);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
