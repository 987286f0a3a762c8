// The route chain with the gate, against DynamoDB Local (SQS mocked): a free-plan client is admitted by its gate item
// with exact RateLimit headers on every response, refused 429 (rate, daily) or 402 (credits) as problem+json with a true
// Retry-After, can still read GET /v1/usage (0 units) once its quota is spent; a gateway-plan client never touches the gate.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { helloRoute } from '../../../contracts/routes/hello';
import { quotesRoute } from '../../../contracts/routes/quotes';
import { usageSummaryRoute } from '../../../contracts/routes/usage-summary';
import { itemKey } from '../../../contracts/table';
import { PROBLEM_CONTENT_TYPE } from '../../../contracts/gateway-responses';
import { createHttpHandler } from '../../../capabilities/http/http-handler';
import { topUpCredits } from '../../../capabilities/gate/credits';
import { apiEvent, lambdaContext } from '../../support/api-event';
import { createUsageTable, documentClient } from '../analytics/fixtures';

const sqsMock = mockClient(SQSClient);
let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
const TABLE = 'gate-chain';
let clock = Date.UTC(2026, 10, 15, 20, 0, 0, 100);

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

const gate = { store: () => ({ db, tableName: TABLE }), now: () => new Date(clock) };
const telemetry = { queueUrl: () => 'https://sqs.local/queue' };
const hello = createHttpHandler(helloRoute, ({ clientId }) => ({ body: { clientId } }), { gate, telemetry });
const usage = createHttpHandler(usageSummaryRoute, () => ({ body: { ok: true } }), { gate, telemetry });
const quotes = createHttpHandler(quotesRoute, () => ({ body: { ok: true } }), { gate, telemetry });

const call = (handler: typeof hello, clientId: string, plan = 'free', path = '/v1/hello', method = 'GET', body?: unknown) =>
  handler(
    apiEvent({ method, path, clientId, plan, body: body === undefined ? null : JSON.stringify(body) }),
    lambdaContext(),
  ) as Promise<APIGatewayProxyResult>;

function sentEvents() {
  return sqsMock.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody!));
}

it('admits a free-plan client through the gate with exact RateLimit headers, then refuses the 6th request of a second', async () => {
  const answers: APIGatewayProxyResult[] = [];
  for (let i = 0; i < 6; i++) answers.push(await call(hello, 'cl_free_burst'));
  expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200, 429]);
  expect(answers[0].headers).toMatchObject({
    'RateLimit-Policy': '"burst";q=5;w=1, "free";q=10;w=60, "daily";q=100;w=86400, "monthly";q=1000;w=2592000',
    RateLimit: '"burst";r=4;t=1, "free";r=9;t=60, "daily";r=99;t=14400, "monthly";r=999;t=1310400',
  });
  const refused = answers[5];
  expect(refused.headers).toMatchObject({
    'content-type': PROBLEM_CONTENT_TYPE,
    'Retry-After': '1',
    RateLimit: '"burst";r=0;t=1, "free";r=5;t=60, "daily";r=95;t=14400, "monthly";r=995;t=1310400',
  });
  expect(JSON.parse(refused.body)).toMatchObject({ type: 'https://metered-api.dev/problems/rate-limited', status: 429 });
  // Refused, not billable: its usage event says 429 like any refusal.
  expect(sentEvents().map((e) => e.status)).toEqual([200, 200, 200, 200, 200, 429]);
});

it('refuses on the daily quota with Retry-After = seconds to 00:00 UTC; GET /v1/usage (0 units) still answers', async () => {
  const clientId = 'cl_free_daily';
  let admitted = 0;
  // 100 requests a day, 10 a minute, 5 a second: walk the clock a minute per 10 requests.
  for (let minute = 0; admitted < 100; minute++) {
    clock = Date.UTC(2026, 10, 15, 20, minute, 0, 100);
    for (let i = 0; i < 10; i++) {
      clock += i === 5 ? 1000 : 0;
      if ((await call(hello, clientId)).statusCode === 200) admitted++;
    }
  }
  clock = Date.UTC(2026, 10, 15, 23, 0, 0, 0);
  const refused = await call(hello, clientId);
  expect(refused.statusCode).toBe(429);
  expect(refused.headers?.['Retry-After']).toBe('3600');
  expect(JSON.parse(refused.body)).toMatchObject({
    type: 'https://metered-api.dev/problems/quota-exceeded',
    title: 'Daily Quota Exceeded',
  });
  const summary = await call(usage, clientId, 'free', '/v1/usage');
  expect(summary.statusCode).toBe(200);
  expect(summary.headers?.RateLimit).toContain('"daily";r=0;t=3600');
});

it('answers 402 credits-exhausted, without Retry-After, when the prepaid balance does not cover the units', async () => {
  clock = Date.UTC(2026, 10, 16, 9, 0, 0, 0);
  await topUpCredits({ db, tableName: TABLE }, { clientId: 'cl_free_credit', units: 1, by: 'test', now: new Date(clock) });
  expect((await call(hello, 'cl_free_credit')).statusCode).toBe(200);
  clock += 1000;
  const refused = await call(hello, 'cl_free_credit');
  expect(refused.statusCode).toBe(402);
  expect(refused.headers?.['Retry-After']).toBeUndefined();
  expect(JSON.parse(refused.body)).toEqual({
    type: 'https://metered-api.dev/problems/credits-exhausted',
    title: 'Payment Required',
    status: 402,
    detail: "The API key's prepaid credit balance does not cover this request; top up to continue.",
    requestId: expect.any(String),
  });
});

it('takes a computed cost: a 3-item quote costs 3 units', async () => {
  clock = Date.UTC(2026, 10, 16, 10, 0, 0, 0);
  const body = { currency: 'EUR', items: ['A', 'B', 'C'].map((sku) => ({ sku, quantity: 1 })) };
  const answer = await call(quotes, 'cl_free_quote', 'free', '/v1/quotes', 'POST', body);
  expect(answer.statusCode).toBe(200);
  expect(answer.headers?.RateLimit).toContain('"burst";r=2;t=1');
  const item = await db.send(new GetCommand({ TableName: TABLE, Key: itemKey.gate('cl_free_quote') }));
  expect(item.Item).toMatchObject({ s: 3, m: 3, d: 3, mo: 3 });
});

it('leaves gateway plans to API Gateway: no gate item, the plan policy and the daily count as before', async () => {
  const answer = await call(hello, 'cl_standard', 'standard');
  expect(answer.statusCode).toBe(200);
  expect(answer.headers?.['RateLimit-Policy']).toBe('"standard";q=100;w=60, "daily";q=10000;w=86400');
  const item = await db.send(new GetCommand({ TableName: TABLE, Key: itemKey.gate('cl_standard') }));
  expect(item.Item).toBeUndefined();
});
