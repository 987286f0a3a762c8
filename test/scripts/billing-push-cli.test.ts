// `npm run billing:push -- --local` as an operator runs it against a running twin (IAM check on, as the operator
// role): the Stripe key read through the twin's Secrets Manager shim, the `stripe` package against the twin's emulator,
// the ledger in DynamoDB Local. A dry run sends nothing; a push sends each settled client-day once and a rerun nothing;
// a late event one delta; a push killed (SIGKILL) while Stripe holds its event, then rerun, ends with Stripe's totals
// equal to the billable units exactly.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTwin, type Twin } from '../../local/twin';
import { removeStateFile, stateFilePath, writeStateFile } from '../../local/state-file';
import { addDays, utcDay } from '../../capabilities/usage/calendar-days';
import type { PushReport } from '../../capabilities/billing/push';
import { counters, dayItems, putItems } from '../capabilities/analytics/fixtures';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../contracts/table';
import { runScript } from '../support/run-script';

const ROOT = path.resolve(__dirname, '..', '..');
let twin: Twin;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  twin = await startTwin({ port: 0, quiet: true, dailySchedule: false, alertSweep: false });
  writeStateFile(twin.state);
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: twin.emulators.dynamo, region: 'us-east-1', credentials: twin.emulators.credentials }),
  );
}, 120_000);

afterAll(async () => {
  if (twin) removeStateFile(twin.state.port);
  await twin?.stop();
});

const push = (args: string[]) => runScript('scripts/billing-push.ts', [...args, '--local'], twin.state.port);
const report = (stdout: string) => JSON.parse(stdout) as PushReport;

async function customerOf(clientId: string): Promise<string> {
  const { Item } = await db.send(new GetCommand({ TableName: twin.state.tableName, Key: itemKey.client(clientId) }));
  return Item?.stripeCustomerId as string;
}

it('dry run, push, rerun, a late delta, a killed push and its rerun: Stripe has the billable units exactly', async () => {
  const standard = twin.demoKeys.standard.clientId;
  const premium = twin.demoKeys.premium.clientId;
  const stripe = twin.stripeEmulator;
  // Five settled days (4 days old and more), billable: standard 9 + i (one 4xx a day), premium 6 (2 quotes of 3 units).
  const today = utcDay(new Date());
  const days = [9, 8, 7, 6, 5].map((n) => addDays(today, -n));
  await putItems(
    db,
    twin.state.tableName,
    days.flatMap((day, i) => [
      ...dayItems(standard, day, { 'GET /v1/hello': counters(10 + i, { clientErrors: 1 }) }),
      ...dayItems(premium, day, { 'POST /v1/quotes': counters(2, { units: 6 }) }),
    ]),
  );
  const billableStandard = days.reduce((sum, _d, i) => sum + 9 + i, 0);

  const dry = await push(['--dry-run']);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toMatch(/would send_days/);
  expect(dry.stdout).toMatch(new RegExp(`${standard}\\s+5\\s+${billableStandard}\\s`));
  expect(stripe.events).toHaveLength(0);

  const first = await push(['--json']);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(report(first.stdout).sent).toHaveLength(10);
  const [cusStandard, cusPremium] = await Promise.all([customerOf(standard), customerOf(premium)]);
  expect(stripe.totals()).toEqual(
    new Map([
      [cusStandard, billableStandard],
      [cusPremium, 30],
    ]),
  );

  // The same push again: nothing sent, the table shows every day unchanged.
  const again = await push([]);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(new RegExp(`${standard}\\s+0\\s+0\\s+0\\s+0\\s+5\\s`));
  expect(stripe.events).toHaveLength(10);

  // Late usage on two days: the first delta reaches Stripe, which never answers; the push is killed there.
  await putItems(db, twin.state.tableName, [
    ...dayItems(standard, days[0], { 'GET /v1/hello': counters(13, { clientErrors: 1 }) }),
    ...dayItems(standard, days[1], { 'GET /v1/hello': counters(15, { clientErrors: 1 }) }),
  ]);
  stripe.injectFault('record-then-hang');
  const child = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['--require', './local/esm-only-packages.cjs', 'scripts/billing-push.ts', '--local'],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: String(twin.state.port) },
      stdio: 'ignore',
    },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  while (stripe.events.length < 11) await new Promise((resolve) => setTimeout(resolve, 50));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  // The rerun reads Stripe's summary for the pending record (found: not resent) and sends the other delta.
  const resumed = await push(['--json']);
  expect(resumed.code).toBe(0);
  const r = report(resumed.stdout);
  expect(r.resolved).toEqual([{ clientId: standard, day: days[0], identifier: `${standard}_${days[0]}_2`, outcome: 'found' }]);
  expect(r.sent).toEqual([{ clientId: standard, day: days[1], identifier: `${standard}_${days[1]}_2`, value: 4 }]);
  expect(stripe.totals()).toEqual(
    new Map([
      [cusStandard, billableStandard + 3 + 4],
      [cusPremium, 30],
    ]),
  );
  const last = await push(['--json']);
  expect(report(last.stdout).sent).toEqual([]);
  expect(stripe.events).toHaveLength(12);
  // The key never reaches the state file.
  expect(readFileSync(stateFilePath(twin.state.port), 'utf8')).not.toMatch(/sk_test_/);
  expect(twin.iamDenials()).toEqual([]);
}, 180_000);
