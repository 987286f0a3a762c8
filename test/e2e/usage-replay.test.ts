// Replay on the twin, end to end: sends to the usage queue fail (the route functions point at a
// queue that does not exist), requests still succeed, the dropped events are in the twin's Lambda
// log file; `usage:replay --local` re-sends them and the counts become exact; a second replay
// changes nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../contracts/table';
import { utcDay } from '../../contracts/usage-event';
import { startTwin, type Twin } from '../../local/twin';
import { twinClientConfig } from '../../local/state-file';
import { replayLocal } from '../../scripts/usage-replay';

let twin: Twin;
let dir: string;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
  twin = await startTwin({ port: 0, quiet: true, dailySchedule: false, lambdaLogFile: path.join(dir, 'lambda.log') });
  db = DynamoDBDocumentClient.from(new DynamoDBClient(twinClientConfig(twin.state, 'dynamodb')));
}, 90_000);
afterAll(async () => {
  db?.destroy();
  await twin?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function dayRequests(clientId: string): Promise<number> {
  const answer = await db.send(new GetCommand({ TableName: twin.state.tableName, Key: itemKey.dayCounter(clientId, utcDay(new Date())) }));
  return Number(answer.Item?.requests ?? 0);
}

test('dropped events are replayed into exact counts, and a second replay changes nothing', async () => {
  const { apiKey, clientId } = twin.demoKeys.standard;
  const since = new Date(Date.now() - 1000);
  const before = await dayRequests(clientId);

  // Prepare: the route functions' usage queue is gone. (The twin's Lambdas share this test's module
  // registry; the module is loaded only after the twin set the Lambdas' environment.)
  const { functionEnv } = require('../../capabilities/aws/resources') as typeof import('../../capabilities/aws/resources');
  const resources = functionEnv('route') as { usageQueueUrl: string };
  const queueUrl = resources.usageQueueUrl;
  resources.usageQueueUrl = queueUrl.replace(/[^/]+$/, 'no-such-queue');
  const n = 6;
  try {
    for (let i = 0; i < n; i++) {
      const answer = await fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': apiKey } });
      expect(answer.status).toBe(200);
    }
  } finally {
    resources.usageQueueUrl = queueUrl;
  }
  await twin.drainUsage(30_000);
  expect(await dayRequests(clientId)).toBe(before); // nothing counted: the events were dropped

  const logged = fs.readFileSync(twin.state.lambdaLogFile as string, 'utf8');
  expect(logged.split('\n').filter((line) => line.includes('"message":"usage event dropped"'))).toHaveLength(n);
  expect(logged).not.toContain(apiKey);

  // Act: replay.
  const window = { since, until: new Date() };
  const first = await replayLocal(twin.state, window);
  expect(first).toMatchObject({ found: n, sent: n, failed: [], invalid: 0 });
  await twin.drainUsage(30_000);
  expect(await dayRequests(clientId)).toBe(before + n);

  // Replay again: the same events are sent again and not counted again.
  const second = await replayLocal(twin.state, window);
  expect(second).toMatchObject({ found: n, sent: n });
  await twin.drainUsage(30_000);
  expect(await dayRequests(clientId)).toBe(before + n);
}, 120_000);
