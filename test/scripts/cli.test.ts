// The CLI kit's conventions hold for every command in scripts/: each `npm run` script that runs a scripts/*.ts
// entry answers `--help` with exit 0 and its usage; wrong usage exits 2 with a `<command>: …` line and the usage;
// and the `--local | --stage` choice is the same everywhere (no default, one of them, a known stage).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Command, execute, UsageError } from '../../scripts/support/cli';
import { chooseTarget } from '../../scripts/support/stage-target';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** `npm run <name>` scripts whose command is `tsx [flags] scripts/<entry>.ts`: [name, tsx arguments]. */
const ENTRIES: [string, string[]][] = Object.entries(
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>,
)
  .filter(([, command]) => /^tsx .*\bscripts\/[\w-]+\.ts$/.test(command))
  .map(([name, command]) => [name, command.split(' ').slice(1)]);

test('every scripts/*.ts entry has an npm script', () => {
  const entries = ENTRIES.map(([, args]) => args.at(-1));
  const files = require('node:fs')
    .readdirSync(path.join(ROOT, 'scripts'))
    .filter((file: string) => file.endsWith('.ts'))
    .map((file: string) => `scripts/${file}`);
  expect([...entries].sort()).toEqual([...files].sort());
});

test.concurrent.each(ENTRIES)(
  'npm run %s -- --help: exit 0 and its usage on stdout',
  async (name, args) => {
    const { stdout, stderr } = await run(TSX, [...args, '--help'], { cwd: ROOT, timeout: 30_000 });
    expect(stdout).toMatch(/^usage:/);
    expect(stdout).toContain(`npm run ${name} --`);
    expect(stderr).toBe('');
  },
  40_000,
);

/** The Command an entry exports (its only exported value with a name, a usage and run). */
function commandOf(entry: string): Command {
  const exported = Object.values(require(path.join(ROOT, entry)) as Record<string, unknown>);
  const commands = exported.filter((v): v is Command => typeof v === 'object' && v !== null && 'usage' in v && 'run' in v);
  expect(commands).toHaveLength(1);
  return commands[0];
}

test.each(ENTRIES)('npm run %s with an unknown flag: exit 2, one `<command>: …` line, then the usage', async (name, args) => {
  const command = commandOf(args.at(-1) as string);
  expect(command.name).toBe(name);
  const errors: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
  try {
    expect(await execute(command, ['--no-such-flag'])).toBe(2);
  } finally {
    spy.mockRestore();
  }
  expect(errors[0]).toMatch(new RegExp(`^${name}: Unknown option '--no-such-flag'`));
  expect(errors[1]).toBe(command.usage);
});

test('a failure that is not about usage exits 1 without the usage', async () => {
  const errors: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
  try {
    const failing: Command = { name: 'x', usage: 'usage: npm run x', run: async () => Promise.reject(new Error('no twin')) };
    expect(await execute(failing, [])).toBe(1);
    const refused: Command = {
      name: 'x',
      usage: 'usage: npm run x',
      run: async () => Promise.reject(new UsageError('bad', { withUsage: false })),
    };
    expect(await execute(refused, [])).toBe(2);
  } finally {
    spy.mockRestore();
  }
  expect(errors).toEqual(['x: no twin', 'x: bad']);
});

test('the target: exactly one of --local and --stage <dev|prod>, no default, and only what the command supports', () => {
  expect(chooseTarget({ local: true })).toEqual({ kind: 'local' });
  expect(chooseTarget({ stage: 'prod' })).toEqual({ kind: 'stage', stage: 'prod' });
  expect(() => chooseTarget({})).toThrow(new UsageError('say where: --local (the twin on PORT) or --stage <dev|prod> (a deployed stack)'));
  expect(() => chooseTarget({ local: true, stage: 'dev' })).toThrow('choose one of --local and --stage');
  expect(() => chooseTarget({ stage: 'staging' })).toThrow('--stage must be dev or prod, got "staging"');
  expect(() => chooseTarget({ stage: 'dev' }, ['local'])).toThrow('only --local is supported here');
  expect(() => chooseTarget({ local: true }, ['stage'])).toThrow(UsageError);
});
