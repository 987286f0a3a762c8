// A hung usage queue on the twin, end to end: SendMessage is stalled by a proxy in front of fauxqs; every request
// still answers 200 with its Lambda held at most 300 ms for the send, each event is logged as dropped; events whose
// stalled send landed late are counted by the aggregator, `usage:replay --local` brings in the rest, and no event
// is counted twice (the late copies and the replayed ones share their eventId).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../contracts/table';
import { utcDay } from '../../contracts/usage-event';
import { USAGE_SEND } from '../../contracts/usage-queue';
import { USAGE_EVENT_DROPPED } from '../../capabilities/usage/usage-publisher';
import type { RunningService } from '../../local/services/child-service';
import { startFauxqs } from '../../local/services/fauxqs';
import { twinClientConfig } from '../../local/state-file';
import { startTwin, type Twin } from '../../local/twin';
import { replayLocal } from '../../scripts/usage-replay';
import { type SqsStallProxy, startSqsStallProxy } from '../support/sqs-stall-proxy';

/** The target: the longest a request may hold its Lambda for the usage send. */
const HOLD_MS = 300;
/**
 * The twin runs the gateway, the poller and every function in one event loop, so on a loaded machine a timer can
 * fire late (measured up to 28 ms past the target at load average 15); the unit test holds the 300 ms line alone.
 */
const TWIN_LATENESS_MS = 150;
let fauxqs: RunningService;
let proxy: SqsStallProxy;
let twin: Twin;
let dir: string;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'send-hold-'));
  fauxqs = await startFauxqs();
  proxy = await startSqsStallProxy(fauxqs.endpoint);
  twin = await startTwin({
    port: 0,
    quiet: true,
    dailySchedule: false,
    sqsEndpoint: proxy.endpoint,
    usageSendBudgetMs: USAGE_SEND.budgetMs, // AWS's, not the twin's default
    stage: { usageBatchWindowSeconds: 1 },
    lambdaLogFile: path.join(dir, 'lambda.log'),
  });
  db = DynamoDBDocumentClient.from(new DynamoDBClient(twinClientConfig(twin.state, 'dynamodb')));
}, 90_000);
afterAll(async () => {
  db?.destroy();
  await twin?.stop();
  await proxy?.close();
  await fauxqs?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function dayRequests(clientId: string): Promise<number> {
  const answer = await db.send(new GetCommand({ TableName: twin.state.tableName, Key: itemKey.dayCounter(clientId, utcDay(new Date())) }));
  return Number(answer.Item?.requests ?? 0);
}

function droppedSince(since: Date): Record<string, unknown>[] {
  return fs
    .readFileSync(twin.state.lambdaLogFile as string, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"message":"${USAGE_EVENT_DROPPED}"`))
    .map((line) => JSON.parse(line))
    .filter((line) => Date.parse(line.timestamp) >= since.getTime());
}

const answeredMs: number[] = [];
async function hello(apiKey: string): Promise<number> {
  const started = performance.now();
  const answer = await fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': apiKey } });
  await answer.arrayBuffer();
  answeredMs.push(performance.now() - started);
  return answer.status;
}

test('a hung queue holds no request past 300 ms; late and replayed copies count each event once', async () => {
  const { apiKey, clientId } = twin.demoKeys.standard;
  // Warm the route function and its client (the first send of an environment is measured in bench/cold-start);
  // under load its send may itself be cut off, so the window below starts after it.
  expect(await hello(apiKey)).toBe(200);
  await twin.drainUsage(30_000);
  answeredMs.length = 0;
  const since = new Date();
  const before = await dayRequests(clientId);

  // Act 1: SendMessage accepted and never answered (never lands).
  proxy.stall = { mode: 'hang' };
  const hung = 3;
  for (let i = 0; i < hung; i++) expect(await hello(apiKey)).toBe(200);
  // Act 2: SendMessage answered never, but forwarded to the queue 1 s later (lands after the sender gave up).
  proxy.stall = { mode: 'late', afterMs: 1_000 };
  const late = 3;
  for (let i = 0; i < late; i++) expect(await hello(apiKey)).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  proxy.stall = { mode: 'none' };
  await twin.drainUsage(30_000);

  // Assess: each request held its Lambda at most 300 ms and logged its event; the late ones were counted.
  const dropped = droppedSince(since);
  expect(dropped).toHaveLength(hung + late);
  for (const ms of answeredMs) expect(ms).toBeLessThan(1_000); // was 3.5 s of send budget alone
  for (const line of dropped) {
    expect(line.heldMs as number).toBeLessThanOrEqual(HOLD_MS + TWIN_LATENESS_MS);
    expect(line.cutOff as number).toBeGreaterThanOrEqual(1);
  }
  expect(proxy.held.hung).toBeGreaterThanOrEqual(hung);
  expect(proxy.held.late).toBeGreaterThanOrEqual(late);
  expect(await dayRequests(clientId)).toBe(before + late);

  // Replay: the hung events are counted; the late ones (already counted) are not counted again.
  const window = { since, until: new Date() };
  const first = await replayLocal(twin.state, window);
  expect(first).toMatchObject({ found: hung + late, sent: hung + late, failed: [], invalid: 0 });
  await twin.drainUsage(30_000);
  expect(await dayRequests(clientId)).toBe(before + hung + late);

  const second = await replayLocal(twin.state, window);
  expect(second).toMatchObject({ found: hung + late, sent: hung + late });
  await twin.drainUsage(30_000);
  expect(await dayRequests(clientId)).toBe(before + hung + late);
}, 120_000);
