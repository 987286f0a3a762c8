// Parameter and header names fuzzed through the whole chain, over HTTP: the twin's gateway builds the events,
// Lambda's runtime hands them over as JSON, and the real route handlers (their Middy chains) answer. Names like
// `constructor`, `__proto__`, `toString` or `hasOwnProperty` used to crash the event builder (an empty 500 on
// every route); API Gateway passes them on, and the function's validation answers 400. Whatever the names:
// never a 5xx, never an empty answer, every 4xx problem+json. Bounded to a few seconds (FUZZ_RUNS).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { mockClient } from 'aws-sdk-client-mock';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ROUTES, type RouteDefinition } from '../../contracts/routes';
import { RequestAuthorizer } from '../../local/gateway/authorizer';
import { headerMaps, queryMaps } from '../../local/gateway/proxy-event';
import { createGatewayServer } from '../../local/gateway/server';
import { UsagePlans } from '../../local/gateway/usage-plans';
import { lambdaContext } from '../../local/fake-aws';
import { LocalFunction } from '../../local/lambda-runtime';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  'prototype',
];
const QUOTE = JSON.stringify({ items: [{ sku: 'ABC-1', quantity: 2 }], currency: 'EUR' });

process.env.TABLE_NAME ??= 'usage';
process.env.USAGE_QUEUE_URL ??= 'http://127.0.0.1:1/000000000000/usage';
mockClient(SQSClient).on(SendMessageCommand).resolves({ MessageId: 'm' });
mockClient(DynamoDBDocumentClient).onAnyCommand().resolves({ Items: [] });

let server: http.Server;
let port: number;
const seen: APIGatewayProxyEvent[] = [];

beforeAll(async () => {
  const routes = ROUTES.map((definition) => {
    const fn = new LocalFunction<APIGatewayProxyEvent, APIGatewayProxyResult>({ name: `fn-${definition.id}`, entry: definition.entry });
    return { definition, functionName: fn.options.name, handler: fn.invoke.bind(fn) };
  });
  // One route that shows the event a function receives (after Lambda's JSON crossing).
  const echo = new LocalFunction<APIGatewayProxyEvent, APIGatewayProxyResult>({
    name: 'echo',
    entry: 'test/local/fixtures/sized-handler.ts',
  });
  server = createGatewayServer({
    stage: 'dev',
    routes: [
      ...routes,
      {
        definition: { ...ROUTES[0], id: 'echo', path: '/v1/echo', schemas: {} } as unknown as RouteDefinition,
        functionName: 'echo',
        handler: async (event, context) => {
          seen.push(JSON.parse(JSON.stringify(event)));
          return echo.invoke(event, context);
        },
      },
    ],
    // Every key is valid and premium (all routes); each request brings its own key, so no throttle is ever in the way.
    authorizer: new RequestAuthorizer({
      handler: async (event) => ({
        principalId: 'cl_fuzz',
        usageIdentifierKey: String(event.headers?.['x-api-key'] ?? ''),
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${event.methodArn.split('/')[0]}/*` }],
        },
        context: { clientId: 'cl_fuzz', plan: 'premium', usedToday: 0 },
      }),
      cacheTtlSeconds: 0,
      makeContext: () => lambdaContext('authorizer', 5_000),
    }),
    usagePlans: new UsagePlans({ planOverrides: { premium: { dailyQuota: 1e9, ratePerMinute: 1e9, burst: 1e9 } } }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
}, 60_000);

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

let keys = 0;
interface Answer {
  readonly status: number;
  readonly type: string | undefined;
  readonly body: string;
}

function send(method: string, path: string, headers: Array<[string, string]>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const raw: string[] = ['Host', `127.0.0.1:${port}`];
    for (const [name, value] of headers) raw.push(name, value);
    raw.push('x-api-key', `mapiFUZZ${String(++keys).padStart(35, '0')}`);
    if (body !== undefined) raw.push('content-type', 'application/json');
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: raw, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectContract(answer: Answer) {
  expect(answer.status).toBeLessThan(500);
  expect(answer.body.length).toBeGreaterThan(0);
  if (answer.status >= 400) {
    expect(answer.type).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: answer.status, requestId: expect.any(String) });
  }
}

const queryOf = (pairs: ReadonlyArray<readonly [string, string]>) =>
  pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;

describe('the event builder', () => {
  test('query names of Object.prototype members are keys like any other, each value kept (multi-value too)', () => {
    const { queryStringParameters, multiValueQueryStringParameters } = queryMaps(
      new URLSearchParams('constructor=a&constructor=b&__proto__=c&toString=d&hasOwnProperty=e'),
    );
    expect(JSON.stringify(multiValueQueryStringParameters)).toBe(
      '{"constructor":["a","b"],"__proto__":["c"],"toString":["d"],"hasOwnProperty":["e"]}',
    );
    expect(Object.keys(queryStringParameters ?? {})).toEqual(['constructor', '__proto__', 'toString', 'hasOwnProperty']);
    expect(queryStringParameters?.constructor).toBe('b');
  });

  test('header names likewise', () => {
    const { headers, multiValueHeaders } = headerMaps(['constructor', '1', '__proto__', '2', 'toString', '3', 'constructor', '4']);
    expect(Object.keys(headers)).toEqual(['constructor', '__proto__', 'toString']);
    expect(multiValueHeaders.constructor).toEqual(['1', '4']);
    expect(multiValueHeaders.__proto__).toEqual(['2']);
  });

  test('over HTTP, the function receives them as its own keys', async () => {
    const answer = await send('GET', '/v1/echo?constructor=a&__proto__=b', [['toString', 'c']]);
    expect(answer.status).toBe(200);
    const event = seen.at(-1)!;
    expect(Object.keys(event.queryStringParameters ?? {})).toEqual(['constructor', '__proto__']);
    expect(event.multiValueQueryStringParameters?.constructor).toEqual(['a']);
    expect(Object.keys(event.headers)).toContain('toString');
  });
});

describe('every route, with names of Object.prototype members', () => {
  test.each(PROTOTYPE_NAMES)(
    '?%s=1 and a header of that name: 400 from validation (strict query schemas), 200 where no query schema',
    async (name) => {
      for (const route of ROUTES) {
        const body = route.method === 'POST' ? QUOTE : undefined;
        const answer = await send(route.method, `${route.path}?${encodeURIComponent(name)}=1`, [[name, '1']], body);
        expectContract(answer);
        expect(answer.status).toBe('query' in route.schemas ? 400 : 200);
        if (answer.status === 400)
          expect(JSON.parse(answer.body).errors).toEqual([{ path: 'query', message: 'has a field that is not allowed' }]);
      }
    },
  );
});

describe(`${RUNS} generated requests through the whole chain`, () => {
  const tokenName = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,24}$/);
  const name = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), tokenName, fc.string({ minLength: 1, maxLength: 24 }));
  const value = fc.oneof(fc.constantFrom('', '1', '30', 'true', '{}', '2026-01-01'), fc.string({ maxLength: 24 }));
  const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/).map((v) => v.trim());
  // Headers Node or HTTP framing own: fuzzing them tests Node, not the chain.
  const FRAMING = new Set([
    'content-length',
    'transfer-encoding',
    'host',
    'connection',
    'expect',
    'upgrade',
    'x-api-key',
    'content-type',
    'te',
    'trailer',
    'keep-alive',
  ]);

  test('never 5xx, never empty, every 4xx problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.array(fc.tuple(name, value), { maxLength: 5 }),
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), tokenName), headerValue), { maxLength: 5 }),
        async (route, query, headers) => {
          const safeHeaders = headers.filter(([n]) => !FRAMING.has(n.toLowerCase()));
          const answer = await send(
            route.method,
            `${route.path}${queryOf(query)}`,
            safeHeaders,
            route.method === 'POST' ? QUOTE : undefined,
          );
          expectContract(answer);
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 120_000);
});
