// `npm start -- --lambda-threads 1`: the route functions' environments on a worker thread. Run as the CLI
// (Jest keeps Lambdas in its own module registry, so threads exist only outside it): real HTTP, answers as
// in-process, new environments when all are busy, and every handler answer counted exactly once.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../contracts/table';
import { utcDay } from '../../contracts/usage-event';
import { freePort } from '../../local/services/ports';
import { readTwinState, twinClientConfig } from '../../local/state-file';

const ROOT = path.resolve(__dirname, '..', '..');

test('route functions on a worker thread answer as in-process and every answer is counted once', async () => {
  const port = await freePort();
  const child = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['--require', './local/esm-only-packages.cjs', 'local/start.ts', '--lambda-threads', '1', '--no-stage-throttle'],
    { cwd: ROOT, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // 'close': the process has exited and its output has been read to the end.
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    for (let i = 0; i < 1200 && !/Ctrl-C stops everything/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
    const premium = /^\s+premium\s+(mapi\w+)\s+(cl_\w+)/m.exec(stdout);
    expect(premium).not.toBeNull();
    const [, apiKey, clientId] = premium!;
    const day = utcDay(new Date());
    const base = `http://127.0.0.1:${port}`;

    // 30 at once: more than one environment is needed, each made on the thread.
    const hello = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`${base}/v1/hello`, { headers: { 'x-api-key': apiKey } }).then(async (r) => [r.status, await r.json()]),
      ),
    );
    expect(hello.every(([status, body]) => status === 200 && (body as { clientId: string }).clientId === clientId)).toBe(true);
    // A validation error comes from the Lambda on the thread, as problem+json (and is counted, as in AWS).
    const bad = await fetch(`${base}/v1/quotes`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: '{"items":[]}',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');

    const state = readTwinState(port);
    const db = new DynamoDBClient(twinClientConfig(state, 'dynamodb'));
    try {
      let counted = 0;
      for (let i = 0; i < 60 && counted < 31; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const item = (
          await DynamoDBDocumentClient.from(db).send(
            new GetCommand({ TableName: state.tableName, Key: itemKey.dayCounter(clientId, day), ConsistentRead: true }),
          )
        ).Item;
        counted = Number(item?.requests ?? 0);
      }
      // Wait one more batching window: nothing is counted twice.
      await new Promise((r) => setTimeout(r, 6_000));
      const item = (
        await DynamoDBDocumentClient.from(db).send(
          new GetCommand({ TableName: state.tableName, Key: itemKey.dayCounter(clientId, day), ConsistentRead: true }),
        )
      ).Item;
      expect(item?.requests).toBe(31);
    } finally {
      db.destroy();
    }
  } finally {
    child.kill('SIGINT');
    await exited;
  }
  // The shutdown line: invocations (environments) per function; hello needed more than one environment.
  const hello = /hello (\d+) \((\d+)\)/.exec(stderr);
  expect(Number(hello?.[1])).toBe(30);
  expect(Number(hello?.[2])).toBeGreaterThan(1);
}, 120_000);
