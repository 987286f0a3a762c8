// Lambda execution environments on worker threads (`npm start -- --lambda-threads N`): the gateway stays on
// the main thread and each environment lives on one of N threads, so route functions run in parallel with
// the gateway as they do in AWS (each environment in its own sandbox) instead of sharing one event loop.
// The execution model is unchanged and still decided on the main thread (lambda-runtime.ts): when to make
// an environment (a cold start), one invocation per environment at a time, the limit. A thread holds the
// module instances of its environments, each loaded afresh as lambda-runtime.ts does in-process.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

/** What crosses to the thread: the context's data; its deadline makes getRemainingTimeInMillis. */
interface InvokeMessage {
  readonly id: number;
  readonly environment: string;
  readonly entry: string;
  readonly event: unknown;
  readonly context: Omit<Context, 'getRemainingTimeInMillis' | 'done' | 'fail' | 'succeed'> & { readonly deadline: number };
}

type Reply = { id: number; result: unknown } | { id: number; error: { name: string; message: string; stack?: string } };

export class LambdaThreads {
  private readonly threads: Worker[];
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;
  private nextThread = 0;

  constructor(count: number) {
    const script = path.join(__dirname, 'lambda-thread.ts');
    // The thread inherits this process's execArgv (the TypeScript loader, esm-only-packages.cjs) and a copy of
    // its environment as it is now: create the pool after the Lambdas' environment is set.
    this.threads = Array.from({ length: count }, () => {
      const worker = new Worker(script);
      worker.on('message', (reply: Reply) => this.settle(reply));
      worker.on('error', (error) => {
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
      });
      worker.unref();
      return worker;
    });
  }

  /** The thread a new environment lives on, round robin. */
  assign(): number {
    const thread = this.nextThread;
    this.nextThread = (this.nextThread + 1) % this.threads.length;
    return thread;
  }

  /** Loads an environment's modules on its thread (its cold start). */
  load(thread: number, environment: string, entry: string): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve: () => resolve(), reject });
      this.threads[thread].postMessage({ id, environment, entry });
    });
  }

  invoke<R>(thread: number, environment: string, entry: string, event: unknown, context: Context): Promise<R> {
    const id = this.nextId++;
    const message: InvokeMessage = {
      id,
      environment,
      entry,
      event,
      context: {
        callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
        awsRequestId: context.awsRequestId,
        logGroupName: context.logGroupName,
        logStreamName: context.logStreamName,
        deadline: Date.now() + context.getRemainingTimeInMillis(),
      },
    };
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.threads[thread].postMessage(message);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  private settle(reply: Reply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if ('error' in reply) {
      // The name and message are what callers look at (an authorizer's `Unauthorized`, a timeout).
      const error = new Error(reply.error.message);
      error.name = reply.error.name;
      error.stack = reply.error.stack;
      waiter.reject(error);
    } else waiter.resolve(reply.result);
  }
}
