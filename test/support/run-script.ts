// Runs one of the CLIs (scripts/<name>.ts) in a child process as `npm run` does, against the twin whose state
// file PORT names: its exit code and output, whether it succeeds or not.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

export interface ScriptRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `script` from the repository root (`scripts/keys.ts`); `env` adds to this process's environment. */
export async function runScript(
  script: string,
  args: readonly string[],
  port: number,
  env: Record<string, string> = {},
): Promise<ScriptRun> {
  try {
    const { stdout, stderr } = await run(TSX, ['--require', './local/esm-only-packages.cjs', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as ScriptRun;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
