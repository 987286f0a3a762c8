// The twin's API Gateway emulator on its own, over HTTP: the events and context it hands to the
// authorizer and the handlers, its authorizer cache, usage plans and gateway responses.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import * as z from 'zod';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { RequestAuthorizer } from '../../local/gateway/authorizer';
import { createGatewayServer, type GatewayRoute } from '../../local/gateway/server';
import { UsagePlans } from '../../local/gateway/usage-plans';
import { lambdaContext } from '../../local/fake-aws';
import type { RouteDefinition } from '../../contracts/routes';
import { ACCESS_DENIED_DETAIL, gatewayResponse } from '../../contracts/gateway-responses';
import { routePolicy } from '../../capabilities/authorizer/route-policy';

const KEY = 'key-allowed';
const ADMIN_TOKEN = 'mtadm_test-admin-token';
const seen: Array<{ event: APIGatewayProxyEvent; remainingMs: number }> = [];
const authorizerCalls: APIGatewayRequestAuthorizerEvent[] = [];

function route(
  definition: Partial<RouteDefinition> & Pick<RouteDefinition, 'id' | 'method' | 'path'>,
  handler?: GatewayRoute['handler'],
): GatewayRoute {
  return {
    definition: { routeClass: 'default', entry: 'x', timeoutSeconds: 1, schemas: {}, ...definition } as RouteDefinition,
    functionName: `fn-${definition.id}`,
    handler:
      handler ??
      (async (event, context) => {
        seen.push({ event, remainingMs: context.getRemainingTimeInMillis() });
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
          body: '{"ok":true}',
        };
      }),
  };
}

const authorizerHandler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  authorizerCalls.push(event);
  const key = event.headers?.['x-api-key'] ?? event.headers?.['X-Api-Key'];
  if (key === 'key-broken') throw new Error('boom');
  if (key === 'key-items-only') {
    // A plan that includes only GET /v1/items/{id}: the real policy builder, as the authorizer Lambda uses it.
    return {
      principalId: 'cl_items',
      usageIdentifierKey: key,
      policyDocument: routePolicy(event.methodArn, [ITEMS], ALL_ROUTES) as APIGatewayAuthorizerResult['policyDocument'],
      context: { clientId: 'cl_items', plan: 'standard', usedToday: 0, accessDeniedDetail: ACCESS_DENIED_DETAIL.routeNotInPlan },
    };
  }
  if (key !== KEY && key !== 'key-revoked' && key !== 'key-no-plan') throw new Error('Unauthorized');
  const [arn, stage] = event.methodArn.split('/');
  return {
    principalId: 'cl_1',
    usageIdentifierKey: key,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: key === 'key-revoked' ? 'Deny' : 'Allow', Resource: `${arn}/${stage}/*/*` }],
    },
    context: { clientId: 'cl_1', plan: key === 'key-no-plan' ? 'gold' : 'standard', usedToday: 7 },
  };
};

const ITEMS = { id: 'items', method: 'GET', path: '/v1/items/{id}' } as const;
const ALL_ROUTES = [{ id: 'hello', method: 'GET', path: '/v1/hello' } as const, ITEMS];

let server: Server;
let base: string;

beforeAll(async () => {
  server = createGatewayServer({
    stage: 'dev',
    routes: [
      route({ id: 'hello', method: 'GET', path: '/v1/hello' }),
      route({ id: 'items', method: 'GET', path: '/v1/items/{id}', schemas: { query: z.strictObject({ q: z.string() }) } }),
      route({ id: 'slow', method: 'GET', path: '/v1/slow' }, () => new Promise(() => undefined)),
      route({ id: 'crash', method: 'GET', path: '/v1/crash' }, async () => {
        throw new Error('handler bug');
      }),
    ],
    authorizer: new RequestAuthorizer({
      handler: authorizerHandler,
      cacheTtlSeconds: 300,
      makeContext: () => lambdaContext('authorizer', 5_000, 'a'),
    }),
    usagePlans: new UsagePlans({ stageThrottle: { ratePerSecond: 1, burst: 1000 } }),
    cors: {
      allowOrigins: ['http://localhost:3000'],
      allowHeaders: ['Content-Type', 'X-Api-Key'],
      exposeHeaders: ['RateLimit'],
      maxAgeSeconds: 600,
    },
    maxPayloadBytes: 1024,
    adminToken: ADMIN_TOKEN,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

test('the handler gets a REST proxy event and a Lambda context shaped as AWS sends them', async () => {
  const before = Date.now();
  const response = await get('/v1/items/42?q=a&q=b', { 'X-Api-Key': KEY, 'X-Custom': 'one', 'User-Agent': 'tests/1.0' });
  expect(response.status).toBe(200);
  expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
  const requestId = response.headers.get('x-amzn-requestid');
  const { event, remainingMs } = seen[seen.length - 1];
  expect(event).toMatchObject({
    resource: '/v1/items/{id}',
    path: '/v1/items/42',
    httpMethod: 'GET',
    queryStringParameters: { q: 'b' },
    multiValueQueryStringParameters: { q: ['a', 'b'] },
    body: null,
    isBase64Encoded: false,
  });
  // Header names keep the client's case; API Gateway adds the forwarding headers.
  expect(event.headers['X-Custom']).toBe('one');
  expect(event.multiValueHeaders['X-Custom']).toEqual(['one']);
  expect(event.headers['X-Forwarded-For']).toBe('127.0.0.1');
  expect(event.headers['X-Forwarded-Proto']).toBe('http');
  expect(event.requestContext).toMatchObject({
    requestId,
    resourcePath: '/v1/items/{id}',
    httpMethod: 'GET',
    stage: 'dev',
    path: '/dev/v1/items/42',
    identity: { sourceIp: '127.0.0.1', apiKey: KEY, userAgent: 'tests/1.0' },
    // REST APIs pass the authorizer's context values as strings.
    authorizer: { principalId: 'cl_1', clientId: 'cl_1', plan: 'standard', usedToday: '7' },
  });
  expect(typeof event.requestContext.authorizer!.integrationLatency).toBe('number');
  expect(event.requestContext.requestTimeEpoch).toBeGreaterThanOrEqual(before);
  expect(event.requestContext.requestTime).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  expect(remainingMs).toBeGreaterThan(0);
  expect(remainingMs).toBeLessThanOrEqual(1000);
});

test('the authorizer result is cached per key across routes, and a Deny is a 403', async () => {
  const calls = authorizerCalls.length;
  await get('/v1/hello', { 'x-api-key': KEY });
  await get('/v1/items/1?q=x', { 'x-api-key': KEY });
  expect(authorizerCalls.length).toBe(calls);
  const denied = await get('/v1/hello', { 'x-api-key': 'key-revoked' });
  expect(denied.status).toBe(gatewayResponse('ACCESS_DENIED').statusCode);
  expect(authorizerCalls.at(-1)!.type).toBe('REQUEST');
  expect(authorizerCalls.at(-1)!.methodArn).toMatch(/^arn:aws:execute-api:us-east-1:\d{12}:\w+\/dev\/GET\/v1\/hello$/);
});

test('a cached route policy is evaluated per request: its routes (any path value) pass, others get 403 with its detail', async () => {
  const calls = authorizerCalls.length;
  const key = { 'x-api-key': 'key-items-only' };
  // The first request (the one whose method ARN the authorizer saw) is a route outside the policy.
  const denied = await get('/v1/hello', key);
  expect(denied.status).toBe(403);
  expect(denied.headers.get('content-type')).toBe('application/problem+json');
  expect(denied.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  expect((await denied.json()).detail).toBe(ACCESS_DENIED_DETAIL.routeNotInPlan);
  // The same cached result allows the plan's route for any value of its path parameter.
  expect((await get('/v1/items/42?q=x', key)).status).toBe(200);
  expect((await get('/v1/items/43?q=x', key)).status).toBe(200);
  expect((await get('/v1/hello', key)).status).toBe(403);
  expect(authorizerCalls.length).toBe(calls + 1);
  expect(authorizerCalls.at(-1)!.methodArn).toMatch(/\/dev\/GET\/v1\/hello$/);
});

test("POST /_twin/plan-changes (admin token) drops one principal's cached results; a bad body is 400 problem+json", async () => {
  const key = { 'x-api-key': 'key-items-only' };
  expect((await get('/v1/items/1?q=x', key)).status).toBe(200);
  const calls = authorizerCalls.length;
  const post = (body: string) =>
    fetch(`${base}/_twin/plan-changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body,
    });
  const bad = await post('{"clientId":');
  expect(bad.status).toBe(400);
  expect(bad.headers.get('content-type')).toBe('application/problem+json');
  const dropped = await post(JSON.stringify({ clientId: 'cl_items' }));
  expect(await dropped.json()).toEqual({ clientId: 'cl_items', cacheEntriesDropped: 1 });
  // Another principal's cached result (KEY → cl_1) is kept; this one is asked again.
  await get('/v1/hello', { 'x-api-key': KEY });
  expect(authorizerCalls.length).toBe(calls);
  expect((await get('/v1/items/1?q=x', key)).status).toBe(200);
  expect(authorizerCalls.length).toBe(calls + 1);
});

test('the method ARN carries the request path, not the resource template', async () => {
  await get('/v1/items/77?q=x', { 'x-api-key': 'key-broken' });
  expect(authorizerCalls.at(-1)!.methodArn).toMatch(/\/dev\/GET\/v1\/items\/77$/);
});

test('a missing key never reaches the authorizer; Unauthorized is 401, other authorizer errors 500', async () => {
  const calls = authorizerCalls.length;
  expect((await get('/v1/hello')).status).toBe(401);
  expect(authorizerCalls.length).toBe(calls);
  expect((await get('/v1/hello', { 'x-api-key': 'nope' })).status).toBe(401);
  expect((await get('/v1/hello', { 'x-api-key': 'key-broken' })).status).toBe(gatewayResponse('DEFAULT_5XX').statusCode);
  const noPlan = await get('/v1/hello', { 'x-api-key': 'key-no-plan' });
  expect(noPlan.status).toBe(gatewayResponse('INVALID_API_KEY').statusCode);
  expect(noPlan.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
});

test('a missing required query parameter is BAD_REQUEST_PARAMETERS, before the handler', async () => {
  const handled = seen.length;
  const response = await get('/v1/items/1', { 'x-api-key': KEY });
  expect(response.status).toBe(400);
  expect(((await response.json()) as { type: string }).type).toMatch(/invalid-request$/);
  expect(seen.length).toBe(handled);
});

test('handler errors and timeouts become DEFAULT_5XX; oversized payloads are refused', async () => {
  const crash = await get('/v1/crash', { 'x-api-key': KEY });
  expect(crash.status).toBe(500);
  expect(crash.headers.get('content-type')).toBe('application/problem+json');
  expect(JSON.stringify(await crash.json())).not.toContain('handler bug');
  expect((await get('/v1/slow', { 'x-api-key': KEY })).status).toBe(500);
  const tooLarge = await new Promise<number>((resolve, reject) => {
    const req = http.request(`${base}/v1/hello`, { method: 'GET', headers: { 'x-api-key': KEY, 'content-length': '2048' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('x'.repeat(2048));
  });
  expect(tooLarge).toBe(gatewayResponse('REQUEST_TOO_LARGE').statusCode);
});

test('CORS preflight answers on every resource without a key', async () => {
  for (const path of ['/', '/v1', '/v1/items/7']) {
    const response = await fetch(`${base}${path}`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:3000' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,OPTIONS');
  }
  expect((await fetch(`${base}/v2`, { method: 'OPTIONS' })).status).toBe(gatewayResponse('MISSING_AUTHENTICATION_TOKEN').statusCode);
});

describe('security headers and requests Node parser refuses', () => {
  /** Sends raw bytes and returns the whole raw answer (the server closes the connection). */
  const raw = (bytes: Buffer | string) =>
    new Promise<string>((resolve, reject) => {
      const { port } = new URL(base);
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('error', reject);
    });
  const parse = (answer: string) => {
    const [head, body] = answer.split('\r\n\r\n');
    return { statusLine: head.split('\r\n')[0], head: head.toLowerCase(), json: JSON.parse(body) };
  };

  test('gateway responses carry the security headers of handler responses', async () => {
    const unauthorized = await get('/v1/hello');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('x-content-type-options')).toBe('nosniff');
    expect(unauthorized.headers.get('cache-control')).toBe('no-store');
    expect(unauthorized.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
  });

  test.each([
    ['an unknown method', 'BREW /v1/hello HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['a lower-case method', 'get /v1/hello HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    [
      'a raw non-ASCII target',
      Buffer.concat([Buffer.from('GET /v1/h'), Buffer.from([0xc3, 0xa9]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]),
      400,
    ],
    ['oversized headers', `GET /v1/hello HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(11_000)}\r\n\r\n`, 431],
    ['an HTTP/1.1 request without Host', 'GET /v1/hello HTTP/1.1\r\nx-api-key: k\r\n\r\n', 400],
  ])('%s → problem+json with the security headers, not a bare parser error', async (_name, bytes, status) => {
    const answer = parse(await raw(bytes));
    expect(answer.statusLine).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(answer.head).toContain('content-type: application/problem+json');
    expect(answer.head).toContain('x-content-type-options: nosniff');
    expect(answer.json).toMatchObject({ status, requestId: expect.any(String) });
    expect(JSON.stringify(answer.json)).not.toContain('aaaa');
  });
});
