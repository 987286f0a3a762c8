// `npm run job:daily -- --local` as an operator runs it: finds the twin by PORT through its state file,
// runs the job against the twin's DynamoDB and S3, prints the report; clear one-line errors otherwise.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { startFauxqs } from '../../../local/services/fauxqs';
import { freePort } from '../../../local/services/ports';
import type { RunningService } from '../../../local/services/child-service';
import { removeStateFile, writeStateFile } from '../../../local/state-file';
import { addDays, utcDay } from '../../../capabilities/usage/calendar-days';
import { clientItem, counters, createUsageTable, dayItems, documentClient, putItems, s3Client } from '../analytics/fixtures';
import { runScript } from '../../support/run-script';

let dynamoLocal: RunningService;
let fauxqs: RunningService;
let db: DynamoDBDocumentClient;
let port: number;
const TABLE = 'usage-job-script';
const BUCKET = 'archive-job-script';

beforeAll(async () => {
  [dynamoLocal, fauxqs, port] = await Promise.all([startDynamoDbLocal(), startFauxqs(), freePort()]);
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
  await s3Client(fauxqs.endpoint).send(new CreateBucketCommand({ Bucket: BUCKET }));
  // A state file as `npm start` writes it, naming these emulators; this test process stands in for the twin.
  writeStateFile({
    port,
    host: '127.0.0.1',
    baseUrl: `http://127.0.0.1:${port}`,
    pid: process.pid,
    dynamoEndpoint: dynamoLocal.endpoint,
    sqsEndpoint: fauxqs.endpoint,
    s3Endpoint: fauxqs.endpoint,
    tableName: TABLE,
    usageQueueUrl: `${fauxqs.endpoint}/000000000000/usage`,
    deadLetterQueueUrl: `${fauxqs.endpoint}/000000000000/usage-dlq`,
    archiveBucket: BUCKET,
  });
});

afterAll(async () => {
  if (port) removeStateFile(port);
  await Promise.all([dynamoLocal?.stop(), fauxqs?.stop()]);
});

const jobDaily = (args: string[], env: Record<string, string> = {}) => runScript('scripts/job-daily.ts', args, port, env);

it('runs the job for a named day on the twin, then again with nothing left to do', async () => {
  const day = addDays(utcDay(new Date()), -2);
  await putItems(db, TABLE, [
    clientItem('cl_s'),
    ...dayItems('cl_s', day, { 'GET /v1/hello': counters(11) }),
    ...dayItems('cl_s', addDays(day, -50), { 'GET /v1/hello': counters(3) }),
  ]);
  const first = await jobDaily(['--day', day, '--local'], { RETENTION_DAYS: '46' });
  expect(first.code).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({
    day,
    retentionDays: 46,
    activeClients: 1,
    requests: 11,
    itemsArchived: 2,
    itemsDeleted: 2,
  });
  const left = (await db.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
  expect(left.filter((item) => String(item.sk).startsWith(`DAY#${addDays(day, -50)}`))).toEqual([]);

  const second = await jobDaily(['--day', day, '--local'], { RETENTION_DAYS: '46' });
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ day, activeClients: 1, itemsArchived: 0, itemsDeleted: 0 });
});

it.each([
  [['--local'], { PORT: '1' }, 1, /^job:daily: no local twin on port 1: /],
  [['--day', '2026-02-30'], {}, 2, /^job:daily: --day must be a real date as YYYY-MM-DD, got "2026-02-30"$/],
  [['--day', addDays(utcDay(new Date()), 1)], {}, 2, /^job:daily: --day must be a closed UTC day, before /],
  [['--local', '--stage', 'dev'], {}, 2, /^job:daily: choose one of --local and --stage$/],
  [['--day', '2026-01-01'], {}, 2, /^job:daily: say where: --local \(the twin on PORT\) or --stage <dev\|prod>/],
])('%j fails with one clear line', async (args, env, code, message) => {
  const result = await jobDaily(args, env);
  expect(result.code).toBe(code);
  expect(result.stderr.split('\n')[0]).toMatch(message);
  expect(result.stdout).toBe('');
});
