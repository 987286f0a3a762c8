// The handler chain, branch by branch, with the SQS client mocked (aws-sdk-client-mock).
import { mockClient } from 'aws-sdk-client-mock';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { handler as hello } from '../../../functions/hello/handler';
import { handler as quotes } from '../../../functions/quotes/handler';
import { helloRoute } from '../../../contracts/routes/hello';
import { createHttpHandler } from '../../../capabilities/http/http-handler';
import { metrics } from '../../../capabilities/aws/powertools';
import { eventIdSecond, usageEventId, usageEventV1 } from '../../../contracts/usage-event';
import { METRIC } from '../../../contracts/metrics';
import { apiEvent, lambdaContext } from '../../support/api-event';

const sqsMock = mockClient(SQSClient);

function sentEvents() {
  return sqsMock.commandCalls(SendMessageCommand).map((call) => usageEventV1.parse(JSON.parse(call.args[0].input.MessageBody!)));
}
function json(result: APIGatewayProxyResult) {
  return JSON.parse(result.body);
}
const validQuote = {
  items: [
    { sku: 'WIDGET-1', quantity: 3 },
    { sku: 'GADGET-22', quantity: 1 },
  ],
  currency: 'EUR',
};
const postQuote = (body: unknown, headers: Record<string, string> = {}) =>
  quotes(
    apiEvent({ method: 'POST', path: '/v1/quotes', body: typeof body === 'string' ? body : JSON.stringify(body), headers }),
    lambdaContext(),
  );

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('success', () => {
  test('GET /v1/hello answers 200 JSON with rate-limit and security headers, and sends one usage event', async () => {
    // Prepare
    const event = apiEvent({
      method: 'GET',
      path: '/v1/hello',
      query: { name: 'Ada' },
      clientId: 'cl_a',
      usedToday: 42,
      requestId: 'req-1',
    });
    // Act
    const result = await hello(event, lambdaContext());
    // Assess
    expect(result.statusCode).toBe(200);
    expect(json(result)).toEqual({ message: 'Hello, Ada!', clientId: 'cl_a' });
    expect(result.headers).toMatchObject({
      'content-type': 'application/json',
      'RateLimit-Policy': '"standard";q=100;w=60, "daily";q=10000;w=86400',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'x-request-id': 'req-1',
    });
    expect(String(result.headers?.RateLimit)).toMatch(/^"daily";r=9958;t=\d+$/);
    const events = sentEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      v: 1,
      eventId: usageEventId(new Date(events[0].requestTime), 'req-1'),
      clientId: 'cl_a',
      plan: 'standard',
      route: 'GET /v1/hello',
      method: 'GET',
      status: 200,
    });
    expect(events[0].day).toBe(events[0].requestTime.slice(0, 10));
  });

  // A caller may set x-amzn-RequestId, and API Gateway then uses it as $context.requestId: in the event id it would
  // let a client send requests that count as one (an event id is claimed once). The extended request id is
  // API Gateway's own, which no caller can set; the request's second before it names the id's claim page.
  test('the usage event id is the request second and API Gateway’s extended request id, not the request id a caller can choose', async () => {
    const at = Date.UTC(2026, 10, 30, 23, 59, 59, 900);
    const withIds = (extendedRequestId: string) => {
      const event = apiEvent({ method: 'GET', path: '/v1/hello', requestId: 'chosen-by-the-caller', requestTimeEpoch: at });
      return { ...event, requestContext: { ...event.requestContext, extendedRequestId } };
    };
    await hello(withIds('BQGojGUAIAMFa1A='), lambdaContext());
    await hello(withIds('BQGojGUAIAMFa2B='), lambdaContext());
    const second = Math.floor(at / 1000).toString(36);
    expect(sentEvents().map((e) => e.eventId)).toEqual([`${second}.BQGojGUAIAMFa1A=`, `${second}.BQGojGUAIAMFa2B=`]);
    expect(sentEvents().map((e) => eventIdSecond(e.eventId))).toEqual([Math.floor(at / 1000), Math.floor(at / 1000)]);
  });

  test('the name is optional', async () => {
    const result = await hello(apiEvent({ method: 'GET', path: '/v1/hello' }), lambdaContext());
    expect(json(result).message).toBe('Hello, world!');
  });

  test('POST /v1/quotes prices the basket and carries the strict policy first', async () => {
    const result = await postQuote(validQuote);
    expect(result.statusCode).toBe(200);
    const body = json(result);
    expect(body.currency).toBe('EUR');
    expect(body.lines).toHaveLength(2);
    expect(body.total).toBeCloseTo(
      body.lines.reduce((s: number, l: { lineTotal: number }) => s + l.lineTotal, 0),
      6,
    );
    expect(result.headers?.['RateLimit-Policy']).toBe('"strict";q=10;w=60, "standard";q=100;w=60, "daily";q=10000;w=86400');
    expect(sentEvents()[0]).toMatchObject({ route: 'POST /v1/quotes', status: 200 });
  });

  test("a premium client sees premium limits; a day-old count is not used as today's", async () => {
    const yesterday = Date.now() - 86_400_000;
    const event = apiEvent({ method: 'GET', path: '/v1/hello', plan: 'premium', usedToday: 500 });
    (event.requestContext.authorizer as Record<string, unknown>).usageDay = new Date(yesterday).toISOString().slice(0, 10);
    const result = await hello(event, lambdaContext());
    expect(result.headers?.['RateLimit-Policy']).toBe('"premium";q=1000;w=60, "daily";q=100000;w=86400');
    expect(String(result.headers?.RateLimit)).toMatch(/^"daily";r=100000;/);
  });
});

describe('client errors are problem+json, listed by field, never echoing input', () => {
  const cases: [string, unknown, string[]][] = [
    ['missing items', { currency: 'USD' }, ['body.items']],
    ['empty items', { items: [], currency: 'USD' }, ['body.items']],
    ['51 items', { items: Array.from({ length: 51 }, () => ({ sku: 'A', quantity: 1 })), currency: 'USD' }, ['body.items']],
    ['sku lowercase', { items: [{ sku: 'secret-value', quantity: 1 }], currency: 'USD' }, ['body.items.0.sku']],
    ['sku too long', { items: [{ sku: 'A'.repeat(33), quantity: 1 }], currency: 'USD' }, ['body.items.0.sku']],
    [
      'sku empty (too short and wrong format)',
      { items: [{ sku: '', quantity: 1 }], currency: 'USD' },
      ['body.items.0.sku', 'body.items.0.sku'],
    ],
    ['quantity 0', { items: [{ sku: 'A', quantity: 0 }], currency: 'USD' }, ['body.items.0.quantity']],
    ['quantity 1001', { items: [{ sku: 'A', quantity: 1001 }], currency: 'USD' }, ['body.items.0.quantity']],
    ['quantity fractional', { items: [{ sku: 'A', quantity: 1.5 }], currency: 'USD' }, ['body.items.0.quantity']],
    ['quantity string', { items: [{ sku: 'A', quantity: '7' }], currency: 'USD' }, ['body.items.0.quantity']],
    ['currency unknown', { items: [{ sku: 'A', quantity: 1 }], currency: 'XTS-SECRET' }, ['body.currency']],
    ['extra field', { items: [{ sku: 'A', quantity: 1 }], currency: 'USD', admin: true }, ['body']],
    ['body is an array', [1, 2], ['body']],
  ];
  test.each(cases)('%s → 400 naming %j', async (_name, body, paths) => {
    const result = await postQuote(body);
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    const problem = json(result);
    expect(problem).toMatchObject({
      status: 400,
      title: 'Bad Request',
      type: expect.stringContaining('/problems/invalid-request'),
      requestId: expect.any(String),
    });
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(paths);
    expect(result.body).not.toContain('secret');
    expect(result.body).not.toContain('SECRET');
    expect(sentEvents()).toEqual([expect.objectContaining({ status: 400, route: 'POST /v1/quotes' })]);
  });

  test('invalid query: name too long, unknown parameter', async () => {
    const tooLong = await hello(apiEvent({ method: 'GET', path: '/v1/hello', query: { name: 'x'.repeat(65) } }), lambdaContext());
    expect(tooLong.statusCode).toBe(400);
    expect(json(tooLong).errors).toEqual([{ path: 'query.name', message: 'must be at most 64 characters' }]);
    const unknown = await hello(apiEvent({ method: 'GET', path: '/v1/hello', query: { debugToken: 'hunter2' } }), lambdaContext());
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).not.toContain('hunter2');
    expect(unknown.body).not.toContain('debugToken');
  });

  test('bad JSON → 400 without echoing the body', async () => {
    const result = await postQuote('{"items": [ {"sku": "TOPSECRET"');
    expect(result.statusCode).toBe(400);
    expect(json(result).errors).toEqual([{ path: 'body', message: 'is not valid JSON' }]);
    expect(result.body).not.toContain('TOPSECRET');
  });

  test('empty body → 400 body is required', async () => {
    const result = await postQuote('');
    expect(result.statusCode).toBe(400);
    expect(json(result).errors).toEqual([{ path: 'body', message: 'is required' }]);
  });

  test('wrong content type → 415', async () => {
    const result = await postQuote(validQuote, { 'Content-Type': 'text/plain' });
    expect(result.statusCode).toBe(415);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(sentEvents()[0].status).toBe(415);
  });

  test('application/json with a charset and vendor +json types are accepted', async () => {
    expect((await postQuote(validQuote, { 'Content-Type': 'application/json; charset=utf-8' })).statusCode).toBe(200);
    expect((await postQuote(validQuote, { 'Content-Type': 'application/vnd.acme+json' })).statusCode).toBe(200);
  });

  test('body over 64 KB → 413', async () => {
    const result = await postQuote(JSON.stringify({ ...validQuote, pad: 'x'.repeat(64 * 1024) }));
    expect(result.statusCode).toBe(413);
    expect(json(result).title).toBe('Payload Too Large');
    expect(sentEvents()[0].status).toBe(413);
  });

  test('base64 bodies are decoded', async () => {
    const result = await quotes(
      apiEvent({
        method: 'POST',
        path: '/v1/quotes',
        body: Buffer.from(JSON.stringify(validQuote)).toString('base64'),
        isBase64Encoded: true,
      }),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(200);
  });

  test('an event for another route → 404; another method → 405 with Allow', async () => {
    const other = await hello(apiEvent({ method: 'GET', path: '/v1/nope' }), lambdaContext());
    expect(other.statusCode).toBe(404);
    expect(other.headers?.['content-type']).toBe('application/problem+json');
    const method = await hello(apiEvent({ method: 'DELETE', path: '/v1/hello' }), lambdaContext());
    expect(method.statusCode).toBe(405);
    expect(method.headers?.Allow).toBe('GET');
  });
});

describe('server errors and the usage queue', () => {
  test('a use case that throws → generic 500 with requestId, no stack or message, and still one usage event', async () => {
    const failing = createHttpHandler(helloRoute, () => {
      throw new Error('database password is swordfish');
    });
    const result = await failing(apiEvent({ method: 'GET', path: '/v1/hello', requestId: 'req-500' }), lambdaContext());
    expect(result.statusCode).toBe(500);
    expect(json(result)).toEqual({
      type: 'https://metered-api.dev/problems/internal-error',
      title: 'Internal Server Error',
      status: 500,
      detail: expect.any(String),
      requestId: 'req-500',
    });
    expect(result.body).not.toContain('swordfish');
    expect(result.body).not.toContain('at ');
    expect(sentEvents()).toEqual([expect.objectContaining({ eventId: expect.stringMatching(/^[0-9a-z]+\.req-500$/), status: 500 })]);
  });

  test('SQS failing after retries: the client still gets 200, the drop is counted', async () => {
    sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' }));
    const addMetric = jest.spyOn(metrics, 'addMetric');
    const result = await hello(apiEvent({ method: 'GET', path: '/v1/hello' }), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(addMetric).toHaveBeenCalledWith(METRIC.usageEventsDropped, 'Count', 1);
    addMetric.mockRestore();
  });

  test('the units metric carries the request’s units beside the request count', async () => {
    const addMetric = jest.spyOn(metrics, 'addMetric');
    await postQuote(validQuote);
    expect(addMetric).toHaveBeenCalledWith(METRIC.units, 'Count', validQuote.items.length);
    addMetric.mockRestore();
  });

  test('request metrics are emitted per route, with ids as metadata only', async () => {
    const addMetric = jest.spyOn(metrics, 'addMetric');
    const addDimension = jest.spyOn(metrics, 'addDimension');
    const addMetadata = jest.spyOn(metrics, 'addMetadata');
    await postQuote({ bad: true });
    expect(addDimension).toHaveBeenCalledWith('route', 'POST /v1/quotes');
    expect(addMetric).toHaveBeenCalledWith(METRIC.requests, 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith(METRIC.units, 'Count', 0); // invalid input: no units to compute
    expect(addMetric).toHaveBeenCalledWith(METRIC.clientErrors, 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith(METRIC.serverErrors, 'Count', 0);
    expect(addDimension).not.toHaveBeenCalledWith('clientId', expect.anything());
    expect(addMetadata).toHaveBeenCalledWith('clientId', 'cl_test');
    jest.restoreAllMocks();
  });
});

describe('fail closed without the authorizer context', () => {
  test.each([
    ['no authorizer object', (ctx: Record<string, unknown>) => delete ctx.authorizer],
    ['no clientId or principalId', (ctx: Record<string, unknown>) => (ctx.authorizer = { plan: 'standard' })],
    ['an empty clientId', (ctx: Record<string, unknown>) => (ctx.authorizer = { clientId: '', principalId: '', plan: 'standard' })],
  ])('%s → generic 500 problem, logged, counted in a metric, and no usage event for anyone', async (_name, strip) => {
    // Prepare
    const event = apiEvent({ method: 'GET', path: '/v1/hello', requestId: 'req-no-client' });
    strip(event.requestContext as unknown as Record<string, unknown>);
    const counted = jest.spyOn(metrics, 'addMetric');
    // Act
    const result = await hello(event, lambdaContext());
    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(json(result)).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(result.body).not.toContain('anonymous');
    expect(counted).toHaveBeenCalledWith(METRIC.missingClientContext, 'Count', 1);
    expect(sentEvents()).toEqual([]);
    counted.mockRestore();
  });
});

describe('non-finite numbers', () => {
  test.each(['1e309', '-1e309'])(
    'quantity %s (Infinity after JSON.parse) → 400 "is not a finite number", not "is required"',
    async (value) => {
      const result = await postQuote(`{"items":[{"sku":"A","quantity":${value}}],"currency":"EUR"}`, {
        'content-type': 'application/json',
      });
      expect(result.statusCode).toBe(400);
      expect(json(result).errors).toEqual([{ path: 'body.items.0.quantity', message: 'is not a finite number' }]);
      expect(result.body).not.toContain('Infinity');
    },
  );
});

describe('the presented key is removed at the start of the chain', () => {
  test.each(['x-api-key', 'X-API-KEY', 'X-Api-Key'])(
    'header %s and requestContext.identity.apiKey are gone before any later middleware',
    async (name) => {
      // Prepare: a middleware run just before the use case records what it can see.
      const secret = `mapi${'S'.repeat(40)}`;
      let seen = '';
      const handler = createHttpHandler(helloRoute, () => ({ body: { ok: true } }), {
        middlewares: [{ before: (request) => void (seen = JSON.stringify(request.event)) }],
      });
      const event = apiEvent({ method: 'GET', path: '/v1/hello', headers: { [name]: secret }, apiKey: secret });
      // Act
      const result = await handler(event, lambdaContext());
      // Assess
      expect(result.statusCode).toBe(200);
      expect(seen).not.toBe('');
      expect(seen).not.toContain(secret);
      expect(seen.toLowerCase()).not.toContain('x-api-key');
      expect(event.requestContext.identity.apiKey).toBeNull();
      expect(JSON.stringify(result)).not.toContain(secret);
    },
  );
});
