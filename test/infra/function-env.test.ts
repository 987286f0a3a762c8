// Each function's environment in the template is what contracts/function-env.ts says it is given: its required
// variables, perhaps its optional ones, and besides them only Powertools' and Node's own.
import { ENV_VARIABLES, type EnvField, FUNCTION_ENV, type FunctionKind } from '../../contracts/function-env';
import { SERVICE } from '../../contracts/metrics';
import { templateFor } from './support/synth';
import { functionByService } from './support/template';

const KIND_OF_SERVICE: Record<string, Exclude<FunctionKind, 'every'>> = {
  [SERVICE.api]: 'route',
  [SERVICE.authorizer]: 'authorizer',
  [SERVICE.aggregator]: 'aggregator',
  [SERVICE.alertSweeper]: 'alertSweeper',
  [SERVICE.dailyJob]: 'dailyJob',
  [SERVICE.admin]: 'admin',
};

const names = (fields: readonly EnvField[]) => fields.map((field) => ENV_VARIABLES[field]);
const LIBRARY_VARIABLES = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL', 'NODE_OPTIONS'];

test.each(Object.entries(KIND_OF_SERVICE))('service %s: the variables of its contract, and no other', (service, kind) => {
  const functions = functionByService(templateFor('dev'), service);
  expect(functions.length).toBeGreaterThan(0);
  const required = names([...FUNCTION_ENV.every.required, ...FUNCTION_ENV[kind].required]);
  const allowed = [...required, ...names([...FUNCTION_ENV.every.optional, ...FUNCTION_ENV[kind].optional]), ...LIBRARY_VARIABLES];
  for (const [, fn] of functions) {
    const variables = Object.keys(fn.Properties.Environment.Variables);
    expect(variables).toEqual(expect.arrayContaining(required));
    expect(variables.filter((name) => !allowed.includes(name))).toEqual([]);
  }
});

test('the stack never sets the twin-only variable', () => {
  for (const service of Object.keys(KIND_OF_SERVICE)) {
    for (const [, fn] of functionByService(templateFor('prod'), service)) {
      expect(fn.Properties.Environment.Variables[ENV_VARIABLES.s3ForcePathStyle]).toBeUndefined();
    }
  }
});
