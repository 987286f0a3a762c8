// Loads Lambda entry files in this process. Middy publishes ESM only ("import" exports), while tsx
// runs this repository as CommonJS, so its packages are resolved with the "import" condition (Node 24
// can require ESM). In AWS the functions are esbuild bundles, where the question does not arise.
import path from 'node:path';
import { registerHooks } from 'node:module';

const ROOT = path.resolve(__dirname, '..');
const ESM_ONLY = /^@middy\//;
let hooked = false;

function allowEsmOnlyPackages(): void {
  // Jest maps Middy itself (jest.config.js moduleNameMapper) and forbids loader hooks.
  if (hooked || process.env.JEST_WORKER_ID) return;
  hooked = true;
  registerHooks({
    resolve(specifier, context, next) {
      if (!ESM_ONLY.test(specifier)) return next(specifier, context);
      return next(specifier, { ...context, conditions: [...(context.conditions ?? []), 'import'] });
    },
  });
}

type ModuleWithHandler<T> = { handler?: T; default?: { handler?: T } };

/** The `handler` export of an entry file (path relative to the repository root). */
export async function loadHandler<T>(entry: string): Promise<T> {
  allowEsmOnlyPackages();
  const mod = (await import(path.join(ROOT, entry))) as ModuleWithHandler<T>;
  const handler = mod.handler ?? mod.default?.handler;
  if (typeof handler !== 'function') throw new Error(`${entry} exports no handler function`);
  return handler;
}
