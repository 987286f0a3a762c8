// `npm run cost` as a user runs it: the bill of a stage at a volume from this repository's bench results, the total
// equal to the sum of its lines, the JSON form, and usage errors with exit 2.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseVolume } from '../../scripts/cost';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const cost = (...args: string[]) => run(TSX, ['scripts/cost.ts', ...args], { cwd: ROOT, timeout: 60_000 });

test('prints the prod bill at 100M a month, line by line, with its total per million and the metering share', async () => {
  const { stdout, stderr } = await cost('--stage', 'prod', '--requests-per-month', '100M');
  expect(stderr).toBe('');
  expect(stdout).toContain('Bill of stage prod at 100,000,000 requests a month');
  for (const service of [
    'API Gateway',
    'WAF',
    'Lambda',
    'SQS',
    'DynamoDB',
    'CloudWatch Logs',
    'X-Ray',
    'CloudWatch',
    'Data transfer',
    'EventBridge',
    'S3',
  ]) {
    expect(stdout).toMatch(new RegExp(`^[ *] ${service} `, 'm'));
  }
  expect(stdout).toMatch(/REST API calls\s+100,000,000 calls\s+\$350\.00\s+\$3\.5000/);
  expect(stdout).toMatch(/^per million requests: \$\d+\.\d{3} {2}\(REST API calls alone, the floor: \$3\.500\)$/m);
  expect(stdout).toMatch(/^metering's own share \(lines marked \*\): \$0\.\d{3} per million above the REST floor/m);
  expect(stdout).toContain('waf.logging blocked');
}, 90_000);

test('--json: the lines add up to the total, to the micro-dollar', async () => {
  const { stdout } = await cost('--stage', 'dev', '--requests-per-month', '1M', '--json');
  const bill = JSON.parse(stdout) as { lines: { usdPerMonth: string }[]; usdPerMonth: string; requestsPerMonth: number };
  expect(bill.requestsPerMonth).toBe(1_000_000);
  const micro = (usd: string) => BigInt(usd.replace('.', ''));
  const total = bill.lines.reduce((acc, line) => acc + micro(line.usdPerMonth), 0n);
  // each line is rounded to the micro-dollar for printing: the sum is within half a micro-dollar per line
  expect(Number(total - micro(bill.usdPerMonth))).toBeLessThanOrEqual(bill.lines.length);
  expect(Number(micro(bill.usdPerMonth) - total)).toBeLessThanOrEqual(bill.lines.length);
}, 90_000);

test.each([
  [['--requests-per-month', '1M'], /^cost: --stage is required \(dev or prod\)/],
  [['--stage', 'staging'], /^cost: --stage: unknown stage: expected dev or prod, got "staging"/],
  [['--stage', 'prod', '--requests-per-month', 'lots'], /^cost: a volume must be a whole number above 0 like 100M, got "lots"/],
])(
  'wrong usage %j: exit 2 and one line',
  async (args, message) => {
    await expect(cost(...args)).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
  },
  90_000,
);

test('volumes', () => {
  expect(parseVolume('100M')).toBe(100_000_000);
  expect(parseVolume('1B')).toBe(1_000_000_000);
  expect(parseVolume('250k')).toBe(250_000);
  expect(parseVolume('1,000,000')).toBe(1_000_000);
  expect(parseVolume('1.5M')).toBe(1_500_000);
  expect(() => parseVolume('0')).toThrow();
  expect(() => parseVolume('1.5')).toThrow();
});
