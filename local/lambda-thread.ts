// One worker thread of lambda-threads.ts: holds the module instances of the environments assigned to it and
// runs their invocations. Each environment's first invocation is its cold start: the function's modules are
// loaded afresh (our code re-evaluated, node_modules shared within the thread), as lambda-runtime.ts does.
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { loadHandler } from './lambda-modules';
import { dropSharedScopeWarnings } from './shared-scope-warnings';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const ROOT = path.resolve(__dirname, '..');
const APP_DIRS = ['lambdas', 'lib'].map((dir) => path.join(ROOT, dir) + path.sep);
const environments = new Map<string, Handler>();

dropSharedScopeWarnings();

async function environment(id: string, entry: string): Promise<Handler> {
  let handler = environments.get(id);
  if (!handler) {
    for (const file of Object.keys(require.cache)) {
      if (APP_DIRS.some((dir) => file.startsWith(dir))) delete require.cache[file];
    }
    handler = await loadHandler<Handler>(entry);
    environments.set(id, handler);
  }
  return handler;
}

parentPort?.on(
  'message',
  async (message: { id: number; environment: string; entry: string; event: unknown; context?: Context & { deadline: number } }) => {
    if (!message.context) {
      // Load only: the environment's cold start, ahead of its first invocation.
      try {
        await environment(message.environment, message.entry);
        parentPort?.postMessage({ id: message.id, result: undefined });
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        parentPort?.postMessage({ id: message.id, error: { name: e.name, message: e.message, stack: e.stack } });
      }
      return;
    }
    const { deadline, ...data } = message.context;
    const context: Context = {
      ...data,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      const handler = await environment(message.environment, message.entry);
      const result = await handler(message.event, context);
      parentPort?.postMessage({ id: message.id, result });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      parentPort?.postMessage({ id: message.id, error: { name: e.name, message: e.message, stack: e.stack } });
    }
  },
);
