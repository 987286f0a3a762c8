// Lets require() load packages that publish only an "import" export condition (Middy 7), on Node 24's
// require(esm). tsx compiles our TypeScript to CommonJS, so without this `import middy from
// '@middy/core'` fails to resolve outside jest and esbuild (which both resolve it themselves).
const { registerHooks } = require('node:module');

const ESM_ONLY = /^@middy\//;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (ESM_ONLY.test(specifier) && !context.conditions.includes('import')) {
      return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'import'] });
    }
    return nextResolve(specifier, context);
  },
});
