// The function environment contract (contracts/function-env.ts): what the writer sets, the reader reads back, and
// no other code spells the variables' names (`TABLE_NAME` lives in one file).
import fs from 'node:fs';
import path from 'node:path';
import { ENV_VARIABLES, functionEnvironment, readFunctionEnvironment } from '../../../contracts/function-env';

const ROOT = path.resolve(__dirname, '..', '..', '..');

test('the reader gets back what the writer set; a missing required variable is empty, a missing optional one absent', () => {
  const written = functionEnvironment('aggregator', { tableName: 't', claimShards: '2', alertBusName: 'bus' });
  expect(written).toEqual({ TABLE_NAME: 't', CLAIM_SHARDS: '2', ALERT_BUS_NAME: 'bus' });
  expect(readFunctionEnvironment('aggregator', written)).toEqual({ tableName: 't', claimShards: '2', alertBusName: 'bus' });
  expect(readFunctionEnvironment('aggregator', { TABLE_NAME: 't', ALERT_BUS_NAME: '' })).toEqual({ tableName: 't', claimShards: '' });
  // A value for another function's variable is not written.
  expect(functionEnvironment('authorizer', { tableName: 't', archiveBucket: 'b' } as never)).toEqual({ TABLE_NAME: 't' });
});

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.(ts|js)$/.test(entry.name) ? [rel] : [];
  });
}

test('no code outside the contract reads or sets a function variable by its name', () => {
  const spelled = ['functions', 'capabilities', 'lib', 'local', 'scripts', 'bin', 'bench', 'sim'].flatMap(sourceFiles).flatMap((file) => {
    const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
    return Object.values(ENV_VARIABLES)
      .filter((name) => new RegExp(`(env\\.${name}\\b|['"\`]${name}['"\`]|\\b${name}:)`).test(source))
      .map((name) => `${file}: ${name}`);
  });
  expect(spelled).toEqual([]);
});
