// Loads Lambda entry files in this process. In AWS the functions are esbuild bundles; here tsx runs
// them as CommonJS, so Middy's import-only exports need local/esm-only-packages.cjs (which the npm
// scripts preload; requiring it here covers `tsx local/start.ts` run by hand, and loads it only once).
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

type ModuleWithHandler<T> = { handler?: T; default?: { handler?: T } };

/**
 * The `handler` export of an entry file (path relative to the repository root). Outside Jest it is
 * loaded with require(), so a caller that clears require.cache gets a fresh module instance.
 */
export async function loadHandler<T>(entry: string): Promise<T> {
  const file = path.join(ROOT, entry);
  let mod: ModuleWithHandler<T>;
  if (process.env.JEST_WORKER_ID) {
    // Jest maps Middy itself (jest.config.js moduleNameMapper) and forbids loader hooks.
    mod = (await import(file)) as ModuleWithHandler<T>;
  } else {
    require('./esm-only-packages.cjs');
    mod = require(file) as ModuleWithHandler<T>;
  }
  const handler = mod.handler ?? mod.default?.handler;
  if (typeof handler !== 'function') throw new Error(`${entry} exports no handler function`);
  return handler;
}
