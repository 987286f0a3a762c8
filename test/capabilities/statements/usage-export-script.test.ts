// `npm run usage:export -- --local` as an operator runs it against a twin's state file: prints CSV,
// JSON lines and Stripe meter events that match the counters, writes the month's files, refuses bad input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { startFauxqs } from '../../../local/services/fauxqs';
import { freePort } from '../../../local/services/ports';
import type { RunningService } from '../../../local/services/child-service';
import { removeStateFile, writeStateFile } from '../../../local/state-file';
import { clientItem, counters, createUsageTable, dayItems, documentClient, putItems, s3Client } from '../analytics/fixtures';
import { runScript } from '../../support/run-script';

let dynamoLocal: RunningService;
let fauxqs: RunningService;
let s3: S3Client;
let port: number;
const TABLE = 'usage-export-script';
const BUCKET = 'archive-export-script';

beforeAll(async () => {
  [dynamoLocal, fauxqs, port] = await Promise.all([startDynamoDbLocal(), startFauxqs(), freePort()]);
  const db = documentClient(dynamoLocal.endpoint);
  s3 = s3Client(fauxqs.endpoint);
  await createUsageTable(db, TABLE);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await putItems(db, TABLE, [
    { ...clientItem('cl_x'), stripeCustomerId: 'cus_X' },
    clientItem('cl_y', 'premium'),
    ...dayItems('cl_x', '2025-11-03', { 'GET /v1/hello': counters(6, { clientErrors: 1 }) }),
    ...dayItems('cl_y', '2025-11-30', { 'POST /v1/quotes': counters(2, { serverErrors: 2 }) }),
  ]);
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
}, 60_000);

afterAll(async () => {
  if (port) removeStateFile(port);
  await Promise.all([dynamoLocal?.stop(), fauxqs?.stop()]);
});

const usageExport = (args: string[]) => runScript('scripts/usage-export.ts', args, port);

it('prints CSV for the month and JSON lines for one client', async () => {
  const [csv, jsonl] = await Promise.all([
    usageExport(['--month', '2025-11', '--local']),
    usageExport(['--month', '2025-11', '--client', 'cl_y', '--format', 'jsonl', '--local']),
  ]);
  expect(csv.code).toBe(0);
  expect(csv.stdout).toBe(
    [
      'month,client_id,day,plan,route,requests,status_2xx_3xx,status_4xx,status_5xx,units,billable_units',
      '2025-11,cl_x,2025-11-03,standard,GET /v1/hello,6,5,1,0,6,5',
      '2025-11,cl_x,2025-11-03,standard,ALL,6,5,1,0,6,5',
      '2025-11,cl_x,ALL,standard,GET /v1/hello,6,5,1,0,6,5',
      '2025-11,cl_x,ALL,standard,ALL,6,5,1,0,6,5',
      '2025-11,cl_y,2025-11-30,premium,POST /v1/quotes,2,0,0,2,2,0',
      '2025-11,cl_y,2025-11-30,premium,ALL,2,0,0,2,2,0',
      '2025-11,cl_y,ALL,premium,POST /v1/quotes,2,0,0,2,2,0',
      '2025-11,cl_y,ALL,premium,ALL,2,0,0,2,2,0',
      '',
    ].join('\n'),
  );
  expect(jsonl.code).toBe(0);
  const lines = jsonl.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toEqual([
    expect.objectContaining({
      clientId: 'cl_y',
      total: { requests: 2, ok: 0, clientErrors: 0, serverErrors: 2, units: 2, billableUnits: 0 },
    }),
  ]);
}, 60_000);

it('prints Stripe meter events of billable units; a client with nothing billable is not named', async () => {
  const stripe = await usageExport(['--month', '2025-11', '--format', 'stripe', '--local']);
  expect(stripe.code).toBe(0);
  expect(
    stripe.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
  ).toEqual([
    {
      event_name: 'api_requests',
      identifier: 'cl_x_2025-11-03_api_requests',
      timestamp: Date.UTC(2025, 10, 3) / 1000,
      payload: { stripe_customer_id: 'cus_X', value: '5' },
    },
  ]);
  // cl_y's two requests are 5xx: nothing billable, nothing to name.
  expect(stripe.stderr).not.toContain('no Stripe customer');
}, 60_000);

it('writes the month to the archive bucket, the same bytes on a rerun', async () => {
  const first = await usageExport(['--month', '2025-11', '--write', '--local']);
  expect(first.code).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ outcome: 'written', manifest: { month: '2025-11', status: 'closed', requests: 8 } });
  const csv = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'statements/month=2025-11/statement.csv' }));
  expect(await csv.Body!.transformToString()).toContain('2025-11,cl_y,ALL,premium,ALL,2,0,0,2,2,0\n');
  const second = await usageExport(['--month', '2025-11', '--write', '--local']);
  expect(JSON.parse(second.stdout)).toMatchObject({ outcome: 'unchanged' });
}, 60_000);

it('refuses a bad month or format with a one-line reason and exit code 2', async () => {
  const [month, format, both] = await Promise.all([
    usageExport(['--month', '2025-13', '--local']),
    usageExport(['--month', '2025-11', '--format', 'xml', '--local']),
    usageExport(['--month', '2025-11', '--write', '--client', 'cl_x', '--local']),
  ]);
  expect([month.code, format.code, both.code]).toEqual([2, 2, 2]);
  expect(month.stderr).toContain('--month must be YYYY-MM, got "2025-13"');
  expect(format.stderr).toContain('--format must be one of csv, jsonl, stripe');
  expect(both.stderr).toContain('--write writes the whole month');
}, 60_000);

it('billing:what-if re-rates the month under another plan or price book, per client, and refuses a bad one', async () => {
  const whatIf = (args: string[]) => runScript('scripts/billing-what-if.ts', args, port);
  const dir = mkdtempSync(path.join(tmpdir(), 'what-if-'));
  writeFileSync(
    path.join(dir, 'flat.json'),
    JSON.stringify({ currency: 'usd', monthlyFeeMinor: 1_000, includedUnits: 0, perUnits: 1, tiers: [{ upTo: null, priceMinor: 2 }] }),
  );
  writeFileSync(
    path.join(dir, 'bad.json'),
    JSON.stringify({ currency: 'usd', monthlyFeeMinor: 9.99, includedUnits: 0, perUnits: 1, tiers: [] }),
  );
  const [premium, flat, bad, plan] = await Promise.all([
    whatIf(['--month', '2025-11', '--plan', 'premium', '--local']),
    whatIf(['--month', '2025-11', '--plan', 'standard', '--prices', path.join(dir, 'flat.json'), '--json', '--local']),
    whatIf(['--month', '2025-11', '--plan', 'standard', '--prices', path.join(dir, 'bad.json'), '--local']),
    whatIf(['--month', '2025-11', '--plan', 'gold', '--local']),
  ]);
  // cl_x: standard, 5 billable units (6 requests, one 4xx), inside the included units: 49.00; as premium 299.00.
  // cl_y: premium, 2 requests both 5xx: 0 billable, 299.00 either way.
  expect(premium.code).toBe(0);
  expect(premium.stdout.split('\n').map((l) => l.split(/\s+/))).toEqual([
    ['2025-11', 're-rated', 'as', 'premium'],
    ['client', 'billable_units', 'billed', 'as_premium', 'difference', 'currency'],
    ['cl_x', '5', '49.00', '299.00', '250.00', 'usd'],
    ['cl_y', '0', '299.00', '299.00', '0.00', 'usd'],
    ['ALL', '5', '348.00', '598.00', '250.00', 'usd'],
    [''],
  ]);
  // Flat 10.00 + 2 minor units per unit: cl_x 10.10 (−38.90); cl_y 10.00 (−289.00).
  expect(
    flat.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((r) => [r.clientId, r.whatIf.totalMinor, r.differenceMinor]),
  ).toEqual([
    ['cl_x', 1_010, -3_890],
    ['cl_y', 1_000, -28_900],
  ]);
  expect([bad.code, plan.code]).toEqual([2, 2]);
  expect(bad.stderr).toContain('monthlyFeeMinor of');
  expect(bad.stderr).toContain('must be a whole number of at least 0 (minor units, no fractions): got 9.99');
  expect(plan.stderr).toContain('--plan must be one of free, payg, standard, premium, got "gold"');
}, 60_000);
