// Quota alerts on the twin, end to end with real HTTP: a client pushed past 80 % and 100 % of a small daily
// quota (its own override, which the gateway and the alert detector both hold it to) gets exactly two `Usage Threshold Crossed` events in the twin's event log, as
// `npm run events -- --local` prints them (and `--follow` streams them); usage events delivered three
// times over SQS still raise one event per threshold; the alert sweeper adds nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ALERTS } from '../../contracts/billing';
import { utcDay, type UsageEvent } from '../../contracts/usage-event';
import { overrideCaps } from '../../contracts/overrides';
import { setClientOverride } from '../../capabilities/customers/client-override';
import { createClient, type CreatedClient } from '../../capabilities/customers/client-store';
import { removeStateFile, twinClientConfig, writeStateFile } from '../../local/state-file';
import { startTwin, type Twin } from '../../local/twin';

jest.setTimeout(90_000);

const ROOT = path.resolve(__dirname, '..', '..');
/** The daily quota of this file's clients (a per-client override): 80 % is the 4th request, 100 % the 5th. */
const QUOTA = 5;

let twin: Twin;
let dir: string;
let dynamoClient: DynamoDBClient;
let sqs: SQSClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-'));
  twin = await startTwin({
    port: 0,
    quiet: true,
    dailySchedule: false,
    alertSweep: false,
    eventLogFile: path.join(dir, 'events.log'),
  });
  dynamoClient = new DynamoDBClient(twinClientConfig(twin.state, 'dynamodb'));
  sqs = new SQSClient(twinClientConfig(twin.state, 'sqs'));
  writeStateFile(twin.state); // how `npm run events -- --local` finds this twin (PORT)
}, 90_000);

afterAll(async () => {
  if (twin) removeStateFile(twin.state.port);
  dynamoClient?.destroy();
  sqs?.destroy();
  await twin?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function eventsCli(args: string[]): ChildProcess {
  return spawn(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['--require', './local/esm-only-packages.cjs', 'scripts/events.ts', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: String(twin.state.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

async function runEventsCli(args: string[]): Promise<string[]> {
  const child = eventsCli(args);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(0);
  return out.split('\n').filter((line) => line !== '');
}

const detailOf = (line: string) => JSON.parse(line).detail as Record<string, unknown>;

/** A standard client whose own daily quota is QUOTA (`keys override --daily-quota`), set before its first request. */
async function lowQuotaClient(name: string): Promise<CreatedClient> {
  const store = { db: DynamoDBDocumentClient.from(dynamoClient), tableName: twin.state.tableName };
  const client = await createClient(store, { plan: 'standard', name });
  await setClientOverride(store, client.clientId, { dailyQuota: QUOTA }, { caps: overrideCaps(twin.stage.stageThrottle) });
  return client;
}

test('80 % and 100 % of the daily quota raise exactly two events, printed by npm run events (and --follow)', async () => {
  const client = await lowQuotaClient('alerts-e2e');
  // --follow started before the traffic prints the events as they arrive.
  const follower = eventsCli(['--local', '--follow', '--json']);
  let followed = '';
  follower.stdout?.on('data', (chunk: Buffer) => {
    followed += chunk.toString('utf8');
  });
  try {
    const hello = () => fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': client.apiKey } });
    for (let i = 1; i <= QUOTA; i++) {
      expect((await hello()).status).toBe(200);
      if (i === 3) {
        await twin.drainUsage(30_000);
        expect(twin.alertEvents()).toEqual([]); // 3 of 5 is 60 %: nothing yet
      }
    }
    expect((await hello()).status).toBe(429); // past the quota: refused by the gateway, not counted
    await twin.drainUsage(30_000);
    // The aggregator sent them; the sweeper finds nothing missing.
    expect(twin.alertEvents().filter((e) => (e.detail as { clientId: string }).clientId === client.clientId)).toHaveLength(2);
    expect(await twin.runAlertSweep()).toMatchObject({ recovered: 0, resent: 0 });

    const lines = await runEventsCli(['--local', '--json']);
    const mine = lines.filter((line) => detailOf(line).clientId === client.clientId);
    expect(mine).toHaveLength(2);
    const day = utcDay(new Date());
    expect(mine.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ source: ALERTS.source, 'detail-type': ALERTS.detailType }),
      expect.objectContaining({ source: ALERTS.source, 'detail-type': ALERTS.detailType }),
    ]);
    expect(mine.map(detailOf).map((d) => [d.threshold, d.quota, d.day, d.plan, d.eventId])).toEqual([
      [80, QUOTA, day, 'standard', `usage-threshold:${client.clientId}:${day}:80`],
      [100, QUOTA, day, 'standard', `usage-threshold:${client.clientId}:${day}:100`],
    ]);
    expect(Number(detailOf(mine[0]).used)).toBeGreaterThanOrEqual(4);
    expect(detailOf(mine[1]).used).toBe(QUOTA);
    // The readable form names the same events.
    const readable = (await runEventsCli(['--local'])).filter((line) => line.includes(client.clientId));
    expect(readable).toEqual([
      expect.stringContaining(`${client.clientId} standard 80% on ${day}`),
      expect.stringContaining(`${client.clientId} standard 100% on ${day}: ${QUOTA} of ${QUOTA}`),
    ]);
    const deadline = Date.now() + 10_000;
    while (followed.split('\n').filter((l) => l.includes(client.clientId)).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(followed.split('\n').filter((l) => l.includes(client.clientId))).toEqual(mine);
  } finally {
    follower.kill('SIGTERM');
  }
});

test('usage events delivered three times over SQS still raise one event per threshold', async () => {
  const client = await lowQuotaClient('alerts-dup');
  const now = Date.now();
  const events: UsageEvent[] = Array.from({ length: QUOTA }, (_, i) => ({
    v: 1,
    eventId: `alerts-dup-${client.clientId}-${i}`,
    clientId: client.clientId,
    plan: 'standard',
    route: 'GET /v1/hello',
    method: 'GET',
    status: 200,
    latencyMs: 3,
    requestTime: new Date(now).toISOString(),
    day: utcDay(new Date(now)),
  }));
  for (let copy = 0; copy < 3; copy++) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: twin.state.usageQueueUrl,
        Entries: events.map((e, i) => ({ Id: `c${copy}-${i}`, MessageBody: JSON.stringify(e) })),
      }),
    );
    await twin.drainUsage(30_000);
  }
  expect(await twin.runAlertSweep()).toMatchObject({ recovered: 0, resent: 0 });
  const mine = twin.alertEvents().filter((e) => (e.detail as { clientId: string }).clientId === client.clientId);
  expect(mine.map((e) => (e.detail as { threshold: number }).threshold)).toEqual([80, 100]);
  const logged = fs.readFileSync(twin.state.eventLogFile as string, 'utf8');
  expect(logged.split('\n').filter((l) => l.includes(client.clientId))).toHaveLength(2);
});
