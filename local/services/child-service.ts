// Runs a local emulator as a child process and stops it with the parent.
import { spawn, type ChildProcess } from 'node:child_process';
import { waitForPort } from './ports';

export interface RunningService {
  readonly name: string;
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface ChildServiceOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly port: number;
  readonly host?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly readyTimeoutMs?: number;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startChildService(options: ChildServiceOptions): Promise<RunningService> {
  const host = options.host ?? '127.0.0.1';
  const child = spawn(options.command, options.args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
    exited = true;
  });
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });

  try {
    await waitForPort(options.port, host, options.readyTimeoutMs ?? 30_000, () => !exited);
  } catch (error) {
    child.kill('SIGKILL');
    const reason = spawnError ? spawnError.message : (error as Error).message;
    throw new Error(`${options.name} did not start: ${reason}${stderr ? `\n${stderr.trim()}` : ''}`);
  }

  return {
    name: options.name,
    endpoint: `http://${host}:${options.port}`,
    port: options.port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
