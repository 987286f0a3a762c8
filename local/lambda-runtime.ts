// Lambda's execution model in one process: each function has execution environments, each with its own
// instance of the function's modules (so module-scope state — SDK clients, Powertools Logger keys and
// Metrics buffers — is per environment, as in AWS), and an environment serves one invocation at a time.
// A new environment is made (a cold start) when every existing one is busy, up to a limit.
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { loadHandler } from './lambda-modules';
import { runAs } from './iam/caller-identity';
import { LAMBDA_SYNC_PAYLOAD } from './aws-limits';

const ROOT = path.resolve(__dirname, '..');
/** Our code, re-evaluated per environment; node_modules stay shared (they hold no per-request state). */
const APP_DIRS = ['functions', 'capabilities', 'lib'].map((dir) => path.join(ROOT, dir) + path.sep);

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

export interface LocalFunctionOptions {
  readonly name: string;
  /** Entry file, relative to the repository root. */
  readonly entry: string;
  /** Most environments at once; invocations beyond wait for a free one. @default 50 */
  readonly maxEnvironments?: number;
  /** Whose role its AWS calls are checked against (the twin's IAM check): the function's id in the stack. */
  readonly principal?: string;
}

export interface FunctionStats {
  environments: number;
  coldStarts: number;
  invocations: number;
}

export class LocalFunction<E, R> {
  readonly stats: FunctionStats = { environments: 0, coldStarts: 0, invocations: 0 };
  private readonly idle: Array<Handler<E, R>> = [];
  private readonly waiting: Array<(handler: Handler<E, R>) => void> = [];
  private readonly maxEnvironments: number;

  constructor(readonly options: LocalFunctionOptions) {
    this.maxEnvironments = options.maxEnvironments ?? 50;
  }

  /** Makes the first environment ahead of the first request (so start-up pays for the first cold start). */
  async warm(): Promise<void> {
    if (this.stats.environments > 0) return;
    this.stats.environments += 1;
    this.idle.push(await this.createEnvironment());
  }

  /**
   * One synchronous invocation, as Lambda's Invoke makes it: the event crosses as JSON (so the function gets
   * plain objects of its own, never the caller's), within the synchronous payload limits both ways.
   */
  async invoke(event: E, context: Context): Promise<R> {
    const payload = JSON.stringify(event);
    if (Buffer.byteLength(payload ?? '') > LAMBDA_SYNC_PAYLOAD.requestBytes) throw new InvokeRequestTooLargeError();
    const handler = await this.acquire();
    this.stats.invocations += 1;
    let result: R;
    try {
      const principal = this.options.principal;
      const input = payload === undefined ? event : JSON.parse(payload);
      result = await (principal === undefined ? handler(input, context) : runAs(principal, () => handler(input, context)));
    } finally {
      this.release(handler);
    }
    const response = JSON.stringify(result);
    if (response === undefined) return result;
    if (Buffer.byteLength(response) > LAMBDA_SYNC_PAYLOAD.responseBytes) throw new InvokeResponseTooLargeError();
    return JSON.parse(response) as R;
  }

  private async acquire(): Promise<Handler<E, R>> {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.stats.environments < this.maxEnvironments) {
      this.stats.environments += 1;
      this.stats.coldStarts += 1;
      try {
        return await this.createEnvironment();
      } catch (error) {
        this.stats.environments -= 1;
        throw error;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(handler: Handler<E, R>): void {
    const next = this.waiting.shift();
    if (next) next(handler);
    else this.idle.push(handler);
  }

  private async createEnvironment(): Promise<Handler<E, R>> {
    // Jest has its own module registry (one instance per test file): environments share it there.
    if (process.env.JEST_WORKER_ID) return loadHandler<Handler<E, R>>(this.options.entry);
    for (const file of Object.keys(require.cache)) {
      if (APP_DIRS.some((dir) => file.startsWith(dir))) delete require.cache[file];
    }
    return loadHandler<Handler<E, R>>(this.options.entry);
  }
}

/** Lambda's Invoke refusing an event over the synchronous limit (HTTP 413); the function never runs. */
export class InvokeRequestTooLargeError extends Error {
  readonly statusCode = 413;
  constructor() {
    super(`Request must be smaller than ${LAMBDA_SYNC_PAYLOAD.requestBytes} bytes for the InvokeFunction operation`);
    this.name = 'RequestEntityTooLargeException';
  }
}

/** Lambda's answer when the function returned more than the synchronous limit: the function ran, its result is lost. */
export class InvokeResponseTooLargeError extends Error {
  constructor() {
    super(`Response payload size exceeded maximum allowed payload size (${LAMBDA_SYNC_PAYLOAD.responseBytes} bytes).`);
    this.name = 'Function.ResponseSizeTooLarge';
  }
}
