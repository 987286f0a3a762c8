// GET /v1/usage and GET /v1/usage/daily through their handlers, against DynamoDB Local and fauxqs' SQS:
// seeded counters in, exact JSON out; every bad query is a 400 problem+json; the routes are metered too.
import fc from 'fast-check';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { startFauxqs } from '../../../local/services/fauxqs';
import type { RunningService } from '../../../local/services/child-service';
import { addDays, utcDay } from '../../../capabilities/usage/calendar-days';
import { dynamoUsageReader } from '../../../capabilities/usage/usage-reader';
import { usageSummaryResponse } from '../../../contracts/routes/usage-summary';
import { usageDailyResponse } from '../../../contracts/routes/usage-daily';
import { apiEvent, lambdaContext } from '../../support/api-event';
import { counters, createUsageTable, credentials, dayItems, documentClient, putItems, region } from './fixtures';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;

const TABLE = 'usage-analytics-test';
const HELLO = 'GET /v1/hello';
const QUOTES = 'POST /v1/quotes';

let dynamoLocal: RunningService;
let fauxqs: RunningService;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let queueUrl: string;
let summaryHandler: Handler;
let dailyHandler: Handler;
const today = utcDay(new Date());

beforeAll(async () => {
  [dynamoLocal, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
  db = documentClient(dynamoLocal.endpoint);
  sqs = new SQSClient({ endpoint: fauxqs.endpoint, region, credentials });
  await createUsageTable(db, TABLE);
  const created = (await sqs.send(new CreateQueueCommand({ QueueName: 'usage-analytics-events' }))).QueueUrl!;
  // fauxqs names queues by a virtual host; the path alone addresses them on its endpoint.
  queueUrl = created.replace(/^https?:\/\/[^/]+/, fauxqs.endpoint);

  // Alice: today, yesterday, 40 days ago (outside the default 30), and 2 days ahead of nothing.
  // Bob: lots of traffic today that Alice must never see.
  await putItems(db, TABLE, [
    ...dayItems('cl_alice', today, {
      [HELLO]: counters(30, { clientErrors: 4, latencySumMs: 600, bucket: 2 }),
      'GET /v1/usage': counters(2, { latencySumMs: 40 }),
    }),
    ...dayItems('cl_alice', addDays(today, -1), {
      [HELLO]: counters(10, { latencySumMs: 100, bucket: 1 }),
      [QUOTES]: counters(8, { serverErrors: 2, latencySumMs: 800, bucket: 5 }),
    }),
    ...dayItems('cl_alice', addDays(today, -40), { [HELLO]: counters(1_000) }),
    ...dayItems('cl_bob', today, { [HELLO]: counters(5_000) }),
  ]);

  process.env.TABLE_NAME = TABLE;
  process.env.USAGE_QUEUE_URL = queueUrl;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoLocal.endpoint;
  process.env.AWS_ENDPOINT_URL_SQS = fauxqs.endpoint;
  summaryHandler = (await import('../../../functions/usage-summary/handler')).handler as unknown as Handler;
  dailyHandler = (await import('../../../functions/usage-daily/handler')).handler as unknown as Handler;
});

afterAll(async () => {
  await Promise.all([dynamoLocal?.stop(), fauxqs?.stop()]);
});

function summary(query?: Record<string, string>, clientId = 'cl_alice', plan = 'standard') {
  return summaryHandler(apiEvent({ method: 'GET', path: '/v1/usage', query, clientId, plan }), lambdaContext('usage-summary'));
}

function daily(query?: Record<string, string>, clientId = 'cl_alice') {
  return dailyHandler(apiEvent({ method: 'GET', path: '/v1/usage/daily', query, clientId }), lambdaContext('usage-daily'));
}

async function drainUsageEvents(): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return events;
    events.push(...Messages.map((m) => JSON.parse(m.Body!)));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

describe('GET /v1/usage', () => {
  it('summarizes the last 30 days of the caller only', async () => {
    const response = await summary();
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    const body = usageSummaryResponse.parse(JSON.parse(response.body));
    expect(body.clientId).toBe('cl_alice');
    expect(body.period).toEqual({ from: addDays(today, -29), to: today, days: 30 });
    // 32 today + 18 yesterday; the day 40 days ago is outside; Bob's 5000 are not Alice's.
    expect(body.totals).toEqual({ requests: 50, units: 50, clientErrors: 4, serverErrors: 2, avgLatencyMs: 30.8, p95LatencyMs: 250 });
    expect(body.averagePerDay).toBe(1.67);
    expect(body.today).toEqual({ requests: 32, quota: 10_000, percentOfQuota: 0.32 });
    expect(body.routes.slice(0, 3)).toEqual([
      { route: HELLO, requests: 40, units: 40, percent: 80, clientErrors: 4, serverErrors: 0 },
      { route: QUOTES, requests: 8, units: 8, percent: 16, clientErrors: 0, serverErrors: 2 },
      { route: 'GET /v1/usage', requests: 2, units: 2, percent: 4, clientErrors: 0, serverErrors: 0 },
    ]);
  });

  it('takes an explicit range, and today from its own item when the range ends earlier', async () => {
    const from = addDays(today, -45);
    const to = addDays(today, -1);
    const body = usageSummaryResponse.parse(JSON.parse((await summary({ from, to }, 'cl_alice', 'premium')).body));
    expect(body.period).toEqual({ from, to, days: 45 });
    expect(body.totals.requests).toBe(1_018);
    expect(body.plan).toEqual({ name: 'premium', ratePerMinute: 1_000, dailyQuota: 100_000, strict: { ratePerMinute: 10 } });
    expect(body.today).toEqual({ requests: 32, quota: 100_000, percentOfQuota: 0.03 });
  });

  it('never takes the client from a parameter', async () => {
    const response = await summary({ clientId: 'cl_bob' });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors).toEqual([{ path: 'query', message: 'has a field that is not allowed' }]);
    const bob = usageSummaryResponse.parse(JSON.parse((await summary(undefined, 'cl_bob')).body));
    expect(bob.totals.requests).toBe(5_000);
  });

  it('is itself metered: one usage event per request, success or failure', async () => {
    await drainUsageEvents();
    await summary();
    await summary({ from: 'nope' });
    await daily({ days: '7' });
    const events = await drainUsageEvents();
    expect(events.map((e) => [e.route, e.status, e.clientId]).sort()).toEqual([
      ['GET /v1/usage', 200, 'cl_alice'],
      ['GET /v1/usage', 400, 'cl_alice'],
      ['GET /v1/usage/daily', 200, 'cl_alice'],
    ]);
  });
});

describe('GET /v1/usage/daily', () => {
  it('returns N days ending today, oldest first, zero-filled', async () => {
    const response = await daily({ days: '3' });
    expect(response.statusCode).toBe(200);
    const body = usageDailyResponse.parse(JSON.parse(response.body));
    expect(body.days).toEqual([
      { date: addDays(today, -2), requests: 0, units: 0, clientErrors: 0, serverErrors: 0, avgLatencyMs: 0 },
      { date: addDays(today, -1), requests: 18, units: 18, clientErrors: 0, serverErrors: 2, avgLatencyMs: 50 },
      { date: today, requests: 32, units: 32, clientErrors: 4, serverErrors: 0, avgLatencyMs: 20 },
    ]);
  });

  it('defaults to 30 days and reaches back 90', async () => {
    const thirty = usageDailyResponse.parse(JSON.parse((await daily()).body));
    expect(thirty.days).toHaveLength(30);
    const ninety = usageDailyResponse.parse(JSON.parse((await daily({ days: '90' })).body));
    expect(ninety.days).toHaveLength(90);
    expect(ninety.days.find((d) => d.date === addDays(today, -40))?.requests).toBe(1_000);
    expect(ninety.days.reduce((a, d) => a + d.requests, 0)).toBe(1_050);
  });
});

describe('invalid queries', () => {
  const tomorrow = addDays(today, 1);
  const cases: [string, 'summary' | 'daily', Record<string, string>, string[]][] = [
    ['impossible date', 'summary', { from: '2026-02-30' }, ['query.from']],
    ['not a leap year', 'summary', { to: '2025-02-29' }, ['query.to']],
    ['not a date', 'summary', { from: 'yesterday' }, ['query.from']],
    ['empty value', 'summary', { to: '' }, ['query.to']],
    ['date-time', 'summary', { from: '2026-01-01T00:00:00Z' }, ['query.from']],
    ['from after to', 'summary', { from: addDays(today, -3), to: addDays(today, -4) }, ['query.from']],
    ['to in the future', 'summary', { to: tomorrow }, ['query.to']],
    ['from in the future', 'summary', { from: tomorrow }, ['query.from']],
    ['both in the future', 'summary', { from: tomorrow, to: addDays(today, 9) }, ['query.from', 'query.to']],
    ['367 days', 'summary', { from: addDays(today, -366), to: today }, ['query.from']],
    ['367 days, default to', 'summary', { from: addDays(today, -366) }, ['query.from']],
    ['unknown parameter', 'summary', { since: today }, ['query']],
    ['days zero', 'daily', { days: '0' }, ['query.days']],
    ['days 91', 'daily', { days: '91' }, ['query.days']],
    ['days negative', 'daily', { days: '-1' }, ['query.days']],
    ['days fraction', 'daily', { days: '1.5' }, ['query.days']],
    ['days word', 'daily', { days: 'ten' }, ['query.days']],
    ['days empty', 'daily', { days: '' }, ['query.days']],
    ['days padded', 'daily', { days: '007' }, ['query.days']],
    ['unknown parameter', 'daily', { from: today }, ['query']],
  ];

  it.each(cases)('%s (%s) → 400 problem+json naming the field', async (_name, route, query, paths) => {
    const response = route === 'summary' ? await summary(query) : await daily(query);
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(response.body);
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request', requestId: expect.any(String) });
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(paths);
    for (const value of Object.values(query).filter((v) => v.length > 1)) expect(JSON.stringify(problem.errors)).not.toContain(value);
  });

  it('answers any query with 200 or 400, never 5xx (property)', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer({ min: -400, max: 400 }).map((n) => addDays(today, n)),
      fc.integer({ min: -5, max: 120 }).map(String),
      fc.constantFrom('2024-02-29', '2023-02-29', '9999-12-31', '0000-01-01', '2026-13-01', ' 7', '1e1'),
    );
    const query = fc.dictionary(fc.constantFrom('from', 'to', 'days', 'clientId', 'x'), value, { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), query, async (isSummary, q) => {
        const response = isSummary ? await summary(q) : await daily(q);
        expect([200, 400]).toContain(response.statusCode);
        if (response.statusCode === 400) expect(response.headers?.['content-type']).toBe('application/problem+json');
      }),
      { numRuns: 120 },
    );
  });
});

describe('read cost', () => {
  it('reads 90 days of a busy client (daily + 4 routes a day) in one Query page', async () => {
    const routes = [HELLO, QUOTES, 'GET /v1/usage', 'GET /v1/usage/daily'];
    const items = Array.from({ length: 90 }, (_, i) =>
      dayItems(
        'cl_busy',
        addDays(today, -i),
        Object.fromEntries(
          routes.map((r) => [r, counters(123_456 + i, { clientErrors: 1_234, serverErrors: 12, latencySumMs: 9_876_543 })]),
        ),
      ),
    ).flat();
    await putItems(db, TABLE, items);
    const reader = dynamoUsageReader({ db, tableName: TABLE });
    const range = await reader.readRange('cl_busy', addDays(today, -89), today);
    expect(range.days.size).toBe(90);
    expect(range.cost.items).toBe(450);
    expect(range.cost.pages).toBe(1);
    const bytes = items.reduce((a, item) => a + itemSize(item), 0);
    const rcu = Math.ceil(bytes / 4096) / 2;
    console.log(
      JSON.stringify({
        readCost90Days: {
          items: range.cost.items,
          pages: range.cost.pages,
          bytes,
          eventuallyConsistentRcu: rcu,
          reportedRcu: range.cost.capacityUnits,
        },
      }),
    );
    expect(rcu).toBeLessThan(30);
  });
});

/** DynamoDB's item size: attribute name bytes + value bytes (strings UTF-8, numbers ~1 byte per 2 digits + 1). */
function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name);
    if (typeof value === 'string') size += Buffer.byteLength(value);
    else if (typeof value === 'number') size += Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').replace(/^0+/, '').length / 2) + 1;
  }
  return size;
}
