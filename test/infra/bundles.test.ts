// The one test that bundles: every function of the stack builds with esbuild, loads, exports its
// handler, and stays under the size budget. Sizes go to cdk.out/bundle-sizes.json.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { SERVICE } from '../../contracts/metrics';
import { STAGES } from '../../contracts/stages';
import { MeteredApiStack } from '../../lib/metered-api-stack';
import { CDK_CONTEXT, TEST_ENV } from './support/synth';

/** Minified bundle budget per function (index.js, without its source map). */
const BUNDLE_BUDGET_BYTES = 250 * 1024;
/**
 * Functions off the request path with a budget of their own, by Powertools service name: the scheduled billing push
 * carries the official `stripe` package (its bundle measured 405,094 bytes) and runs once a day, where a cold start
 * costs nothing a client sees.
 */
const OWN_BUDGET_BYTES: Readonly<Record<string, number>> = { 'billing-push': 512 * 1024 };

/**
 * Functions whose cold start carries no zod (bench/README.md "Cold start"): requests are checked by validators compiled
 * from the zod schemas (capabilities/http/validators/, capabilities/admin/validators/), stored records likewise
 * (capabilities/records/), so zod must not come back into their bundles: every function but the billing push.
 */
const ZOD_FREE = new Set<string>([
  SERVICE.authorizer,
  SERVICE.aggregator,
  SERVICE.dailyJob,
  SERVICE.alertSweeper,
  SERVICE.admin,
  SERVICE.api,
]);

const ROOT = path.resolve(__dirname, '..', '..');
// Inside the repository so a bundle's external @aws-sdk imports resolve from node_modules when loaded.
const OUTDIR = path.join(ROOT, 'cdk.out', `bundles-test-${process.pid}`);

afterAll(() => rmSync(OUTDIR, { recursive: true, force: true }));

test('every function bundles, exports handler and stays under the budget', () => {
  // Prepare
  mkdirSync(OUTDIR, { recursive: true });
  // The dev stage with every opt-in function on (the scheduled billing push), so every function the stack can have bundles.
  const app = new App({ outdir: OUTDIR, context: CDK_CONTEXT });
  const stack = new MeteredApiStack(app, 'MeteredApi-bundles', {
    stage: { ...STAGES.dev, billingPush: { stripeSecret: 'metered-api-dev/stripe', schedule: { hour: 6, minute: 0 } } },
    env: { account: TEST_ENV.CDK_DEFAULT_ACCOUNT, region: TEST_ENV.CDK_DEFAULT_REGION },
  });

  // Act
  const assembly = app.synth();

  // Assess
  const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties: any }> };
  const functions = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.STAGE,
  );
  expect(functions.length).toBeGreaterThanOrEqual(8);
  expect(functions.some(([, fn]) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'billing-push')).toBe(true);
  const sizes: Record<string, { bundleBytes: number; sourceMapBytes: number }> = {};
  for (const [logicalId, fn] of functions) {
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const dir = path.join(OUTDIR, `asset.${hash}`);
    const bundle = path.join(dir, 'index.js');
    expect({ logicalId, bundled: existsSync(bundle) }).toEqual({ logicalId, bundled: true });
    const bundleBytes = statSync(bundle).size;
    const sourceMapBytes = existsSync(`${bundle}.map`) ? statSync(`${bundle}.map`).size : 0;
    sizes[logicalId] = { bundleBytes, sourceMapBytes };
    // External modules only from the Lambda runtime (AWS SDK v3), nothing else left unbundled.
    const code = readFileSync(bundle, 'utf8');
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)]
      .map((m) => m[1])
      .filter((name) => !name.startsWith('node:') && !isBuiltin(name));
    expect({ logicalId, external: required.filter((n) => !/^@aws-sdk\/|^@smithy\//.test(n)) }).toEqual({ logicalId, external: [] });
    const service = fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME;
    if (ZOD_FREE.has(service)) {
      const sources = (JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[] }).sources;
      expect({ service, zod: sources.filter((s) => s.includes('node_modules/zod/')).length }).toEqual({ service, zod: 0 });
    }
    // It loads and exports the handler the function names.
    const loaded = require(bundle) as Record<string, unknown>;
    expect({ logicalId, handler: typeof loaded[fn.Properties.Handler.replace(/^index\./, '')] }).toEqual({
      logicalId,
      handler: 'function',
    });
    const budget = OWN_BUDGET_BYTES[fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME] ?? BUNDLE_BUDGET_BYTES;
    expect({ logicalId, underBudget: bundleBytes <= budget, bundleBytes }).toEqual({
      logicalId,
      underBudget: true,
      bundleBytes,
    });
  }
  writeFileSync(
    path.join(ROOT, 'cdk.out', 'bundle-sizes.json'),
    `${JSON.stringify({ budgetBytes: BUNDLE_BUDGET_BYTES, sizes }, null, 2)}\n`,
  );
}, 120_000); // measured 14 s (45 s under load average 14) on 2 cores: seven esbuild runs and a full synth.

function isBuiltin(name: string): boolean {
  return require('node:module').builtinModules.includes(name.split('/')[0]);
}
