// The twin's own routes against a web page the developer visits and a page that rebinds its DNS name to
// 127.0.0.1: management routes need the admin token and JSON, every `/_twin/` and `/admin/` route checks Host,
// Origin and fetch metadata, the dashboard's metrics need its token, also on paths that reach them through
// normalisation (`/v1/../_twin/`, `%2e%2e`). Every refusal is problem+json and echoes nothing. No emulators:
// the gateway alone, with stub functions and mocked SDK clients behind the dashboard.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AuditRecord } from '../../contracts/admin/audit';
import type { RouteDefinition } from '../../contracts/routes';
import { adminRoutes } from '../../local/admin/admin-server';
import { generateAdminToken, generateDashboardToken } from '../../local/admin/admin-token';
import { dashboardLink, dashboardRoutes, TwinObservations } from '../../local/dashboard';
import { lambdaContext } from '../../local/fake-aws';
import { ApiKeys } from '../../local/gateway/api-keys';
import { RequestAuthorizer } from '../../local/gateway/authorizer';
import { createGatewayServer } from '../../local/gateway/server';
import { UsagePlans } from '../../local/gateway/usage-plans';
import type { TwinState } from '../../local/state-file';
import { keyGatewayOf } from '../../scripts/support/key-admin';

const ADMIN_TOKEN = generateAdminToken();
const DASHBOARD_TOKEN = generateDashboardToken();
const USAGE_KEY = 'musgUSAGEKEYUSAGEKEYUSAGEKEYUSAGEKEYUSAGEK';
const ATTACKER = 'https://attacker.example';

mockClient(DynamoDBDocumentClient).onAnyCommand().resolves({ Items: [] });
mockClient(SQSClient).on(GetQueueAttributesCommand).resolves({ Attributes: {} });

let clock = Date.parse('2026-12-01T10:00:00Z');
const usagePlans = new UsagePlans();
const apiKeys = new ApiKeys({ now: () => clock });
const audit: AuditRecord[] = [];
const adminCalls: string[] = [];
let server: http.Server;
let port: number;

beforeAll(async () => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  server = createGatewayServer({
    stage: 'dev',
    routes: [
      {
        definition: {
          id: 'hello',
          method: 'GET',
          path: '/v1/hello',
          routeClass: 'default',
          entry: 'x',
          timeoutSeconds: 1,
          schemas: {},
        } as RouteDefinition,
        functionName: 'fn-hello',
        handler: async () => ({ statusCode: 200, body: '{}' }),
      },
    ],
    authorizer: new RequestAuthorizer({
      handler: async () => {
        throw new Error('Unauthorized');
      },
      cacheTtlSeconds: 300,
      makeContext: () => lambdaContext('authorizer', 1_000),
    }),
    usagePlans,
    adminToken: ADMIN_TOKEN,
    apiKeys,
    twinRoutes: dashboardRoutes(
      new TwinObservations(),
      { db, tableName: 't', sqs: new SQSClient({ region: 'us-east-1' }), usageQueueUrl: 'q', deadLetterQueueUrl: 'd' },
      { token: DASHBOARD_TOKEN, adminToken: ADMIN_TOKEN },
    ),
    adminRoutes: adminRoutes({
      token: ADMIN_TOKEN,
      stage: 'dev',
      functionName: 'admin',
      audit: { write: async (record) => void audit.push(record) },
      handler: async (event) => {
        adminCalls.push(`${event.httpMethod} ${event.path}`);
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
      },
    }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/** A raw request: the path is sent as written (fetch would normalise it) and Host can be anything. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const revocationBody = JSON.stringify({ clientId: 'cl_victim', usageKey: USAGE_KEY });

/** A problem+json refusal of this status and type that repeats none of the request's values. */
function expectRefusal(answer: Answer, status: number, slug: string, sent: readonly string[] = []) {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(JSON.parse(answer.text)).toMatchObject({
    type: `https://metered-api.dev/problems/${slug}`,
    status,
    requestId: expect.any(String),
  });
  for (const value of [ADMIN_TOKEN, DASHBOARD_TOKEN, USAGE_KEY, ATTACKER, 'attacker.example', ...sent]) {
    expect(answer.text).not.toContain(value);
  }
}

const victimKeyWorks = () => usagePlans.admit(USAGE_KEY, 'standard', 'GET /v1/hello', 'default') !== 'no-plan';

describe('POST /_twin/revocations and the other management routes', () => {
  test.each([
    [
      'a cross-site text/plain POST (what any web page can send)',
      { 'content-type': 'text/plain', origin: ATTACKER },
      403,
      'twin-cross-origin',
    ],
    ['no token', json, 401, 'twin-token-missing'],
    ['a wrong token', { ...json, authorization: `Bearer ${generateAdminToken()}` }, 403, 'twin-token-invalid'],
    ['the dashboard token (read-only)', { ...json, authorization: `Bearer ${DASHBOARD_TOKEN}` }, 403, 'twin-token-invalid'],
    ['the admin token with text/plain', { ...admin, 'content-type': 'text/plain' }, 415, 'twin-json-only'],
    ['the admin token with a form body', { ...admin, 'content-type': 'application/x-www-form-urlencoded' }, 415, 'twin-json-only'],
    ['the admin token from another origin', { ...admin, ...json, origin: ATTACKER }, 403, 'twin-cross-origin'],
    ['the admin token with cross-site fetch metadata', { ...admin, ...json, 'sec-fetch-site': 'cross-site' }, 403, 'twin-cross-origin'],
    ['the admin token with a rebound Host', { ...admin, ...json, host: 'attacker.example' }, 403, 'twin-host-not-allowed'],
  ])('%s is refused and changes nothing', async (_name, headers, status, slug) => {
    const withPort = 'host' in headers ? { ...headers, host: `attacker.example:${port}` } : headers;
    for (const path of ['/_twin/revocations', '/_twin/plan-changes', '/_twin/api-keys']) {
      expectRefusal(await send('POST', path, withPort as Record<string, string>, revocationBody), status, slug);
    }
    expect(victimKeyWorks()).toBe(true);
    expect(apiKeys.count).toBe(0);
  });

  test.each([
    ['/_twin/revocations/'],
    ['/v1/../_twin/revocations'],
    ['/v1/%2e%2e/_twin/revocations'],
    ['/v1/%2E%2E/_twin/revocations'],
    ['/_twin/./revocations'],
  ])('%s (normalised to a management route) needs the token too', async (path) => {
    expectRefusal(await send('POST', path, json, revocationBody), 401, 'twin-token-missing');
    expect(victimKeyWorks()).toBe(true);
  });

  test('with the admin token, JSON and a loopback Host (127.0.0.1, localhost or [::1]; same origin or none), it applies', async () => {
    for (const host of [`localhost:${port}`, `[::1]:${port}`]) {
      const answer = await send('POST', '/_twin/plan-changes', { ...admin, ...json, host }, JSON.stringify({ clientId: 'cl_other' }));
      expect(answer.status).toBe(200);
    }
    const sameOrigin = { ...admin, ...json, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' };
    expect((await send('POST', '/_twin/revocations', sameOrigin, revocationBody)).status).toBe(200);
    expect(victimKeyWorks()).toBe(false);
  });

  test('a read of a management route is 405 problem+json, even with the token', async () => {
    const answer = await send('GET', '/_twin/revocations', admin);
    expectRefusal(answer, 405, 'method-not-allowed');
    expect(answer.headers.allow).toBe('POST');
  });
});

describe('the dashboard and its metrics API', () => {
  test('the page is served to a loopback Host (no token: it holds no data), with a CSP that forbids framing', async () => {
    const page = await send('GET', '/_twin/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await send('GET', '/_twin/dashboard.js')).status).toBe(200);
  });

  test.each([
    ['a rebound Host', { host: 'attacker.example' }, 403, 'twin-host-not-allowed'],
    ['another origin', { origin: ATTACKER }, 403, 'twin-cross-origin'],
    ['cross-site fetch metadata', { 'sec-fetch-site': 'cross-site' }, 403, 'twin-cross-origin'],
    ['same-site fetch metadata (another port of localhost)', { 'sec-fetch-site': 'same-site' }, 403, 'twin-cross-origin'],
  ])('%s is refused, page and metrics alike, with the token', async (_name, headers, status, slug) => {
    const h = 'host' in headers ? { host: `attacker.example:${port}` } : headers;
    for (const path of ['/_twin/', '/_twin/api/metrics', '/v1/../_twin/api/metrics']) {
      expectRefusal(await send('GET', path, { ...h, authorization: `Bearer ${DASHBOARD_TOKEN}` }), status, slug);
    }
  });

  test.each([['/_twin/api/metrics'], ['/v1/../_twin/api/metrics'], ['/v1/%2e%2e/_twin/api/metrics'], ['/_twin/x/../api/metrics']])(
    'GET %s lists clients only with the dashboard or admin token',
    async (path) => {
      expectRefusal(await send('GET', path), 401, 'twin-token-missing');
      expectRefusal(await send('GET', path, { authorization: `Bearer ${generateDashboardToken()}` }), 403, 'twin-token-invalid');
      for (const token of [DASHBOARD_TOKEN, ADMIN_TOKEN]) {
        const answer = await send('GET', path, { authorization: `Bearer ${token}` });
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.text)).toHaveProperty('clients', []);
      }
    },
  );

  test('the link npm start prints carries the token in its fragment, which no request sends', () => {
    const link = new URL(dashboardLink(`http://127.0.0.1:${port}`, DASHBOARD_TOKEN));
    expect(link.pathname).toBe('/_twin/');
    expect(link.search).toBe('');
    expect(link.hash).toBe(`#token=${DASHBOARD_TOKEN}`);
  });

  test('anything but a read, or an unknown resource, is problem+json', async () => {
    expectRefusal(await send('POST', '/_twin/', { 'content-type': 'text/plain' }, 'x'), 405, 'method-not-allowed');
    expectRefusal(await send('GET', '/_twin/nope'), 404, 'not-found');
  });
});

describe('the admin routes', () => {
  test.each([
    ['a rebound Host', { host: 'attacker.example' }, 'admin-host-not-allowed'],
    ['another origin', { origin: ATTACKER }, 'admin-cross-origin'],
    ['cross-site fetch metadata', { 'sec-fetch-site': 'cross-site' }, 'admin-cross-origin'],
  ])('%s is refused with the admin token, and audited', async (_name, headers, slug) => {
    const h = 'host' in headers ? { host: `attacker.example:${port}` } : headers;
    const calls = adminCalls.length;
    expectRefusal(await send('GET', '/admin/v1/clients', { ...h, ...admin }), 403, slug);
    expect(audit.at(-1)).toMatchObject({ outcome: 'refused', status: 403, reason: slug });
    expect(adminCalls.length).toBe(calls);
  });

  test('a body that is not JSON is 415; a POST without a body (revoke) and JSON pass', async () => {
    expectRefusal(
      await send('POST', '/admin/v1/clients', { ...admin, 'content-type': 'text/plain' }, '{"plan":"standard","name":"x"}'),
      415,
      'admin-json-only',
    );
    expect((await send('POST', '/admin/v1/clients/cl_1/revoke', admin)).status).toBe(200);
    expect((await send('POST', '/admin/v1/clients', { ...admin, ...json }, '{"plan":"standard","name":"x"}')).status).toBe(200);
  });

  test('paths normalised onto /admin/ are checked the same', async () => {
    expectRefusal(await send('GET', '/v1/../admin/v1/clients'), 401, 'admin-token-missing');
    expectRefusal(await send('GET', '/v1/%2e%2e/admin/v1/clients', { ...admin, origin: ATTACKER }), 403, 'admin-cross-origin');
  });
});

describe('POST /_twin/api-keys: the usage keys of `keys create --local`, under CreateApiKey limits', () => {
  const state = () => ({ baseUrl: `http://127.0.0.1:${port}`, adminToken: ADMIN_TOKEN }) as TwinState;
  const gateway = () => keyGatewayOf({ store: undefined as never, twin: state() })!;

  test('five creates a second pass; the sixth is TooManyRequestsException (429); a second later it passes', async () => {
    clock += 10_000;
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await gateway().registerUsageKey('standard', 'x'));
    await expect(gateway().registerUsageKey('standard', 'x')).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      $metadata: { httpStatusCode: 429 },
      retryAfterSeconds: '1',
    });
    expect(apiKeys.count).toBe(5);
    clock += 1_000;
    await gateway().registerUsageKey('standard', 'x');
    // A create whose table write failed is undone (DeleteApiKey).
    await created[0].discard();
    expect(apiKeys.count).toBe(5);
  });

  test('beyond 10,000 keys: LimitExceededException (429), over HTTP as the SDK raises it on AWS', async () => {
    clock += 10_000;
    const filler = Array.from({ length: 10_000 - apiKeys.count }, (_, i) => `filler-${String(i).padStart(20, '0')}`);
    apiKeys.adopt(filler);
    const refused = await send(
      'POST',
      '/_twin/api-keys',
      { ...admin, ...json },
      JSON.stringify({ value: 'musgONETOOMANYONETOOMANYONETOOMANY' }),
    );
    expectRefusal(refused, 429, 'api-key-limit-exceeded', ['musgONETOOMANY']);
    expect(refused.headers['x-amzn-errortype']).toBe('LimitExceededException');
    clock += 10_000;
    await expect(gateway().registerUsageKey('standard', 'x')).rejects.toMatchObject({
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 429 },
    });
    expect(apiKeys.count).toBe(10_000);
    for (const value of filler) apiKeys.delete(value);
  });
});
