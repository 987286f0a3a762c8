// The local twin as a client sees it: real HTTP against a twin started here on free ports, with
// DynamoDB Local, fauxqs, the real authorizer, handlers, aggregator and analytics.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startTwin, type Twin } from '../../local/twin';
import { createClient, revokeClient, type ClientStore } from '../../capabilities/customers/client-store';
import { removeStateFile, twinClientConfig, writeStateFile } from '../../local/state-file';
import { PLANS, ROUTE_CLASSES } from '../../contracts/plans';
import { MAX_BODY_BYTES } from '../../contracts/routes';
import { ACCESS_DENIED_DETAIL, gatewayResponse } from '../../contracts/gateway-responses';
import { USAGE_QUEUE } from '../../contracts/usage-queue';
import { USAGE_QUEUE_VISIBILITY_SECONDS } from '../../contracts/stages';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import { buildMonthlyStatement } from '../../capabilities/statements/monthly-statement';
import { type Answer, type CallOptions, httpCall } from '../../scripts/support/http-call';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..', '..');
/** Short enough to wait out in a test; the dev stage uses 300 s. */
const CACHE_TTL_SECONDS = 2;
/** premium's daily quota for this file only (planOverrides): quick to exhaust, above what the other premium tests send. */
const PREMIUM_QUOTA = 100;

let twin: Twin;
let store: ClientStore;
let dynamoClient: DynamoDBClient;

beforeAll(async () => {
  twin = await startTwin({
    port: 0,
    quiet: true,
    dailySchedule: false,
    stage: { authorizerCacheTtlSeconds: CACHE_TTL_SECONDS },
    planOverrides: { premium: { dailyQuota: PREMIUM_QUOTA } },
  });
  dynamoClient = new DynamoDBClient(twinClientConfig(twin.state, 'dynamodb'));
  store = { db: DynamoDBDocumentClient.from(dynamoClient), tableName: twin.state.tableName };
}, 60_000);

afterAll(async () => {
  dynamoClient?.destroy();
  await twin?.stop();
});

const call = (method: string, urlPath: string, options: CallOptions = {}): Promise<Answer> =>
  httpCall(twin.baseUrl, method, urlPath, options);

const newClient = (plan: 'standard' | 'premium', name: string) => createClient(store, { plan, name });
const validQuote = { items: [{ sku: 'ABC-1', quantity: 2 }], currency: 'EUR' };

function expectGatewayProblem(answer: Answer, type: Parameters<typeof gatewayResponse>[0], detail?: string) {
  const definition = gatewayResponse(type);
  expect(answer.status).toBe(definition.statusCode);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.json).toEqual({
    type: `https://metered-api.dev/problems/${definition.slug}`,
    title: definition.title,
    status: definition.statusCode,
    detail: detail ?? definition.detail,
    requestId: answer.headers.get('x-amzn-requestid'),
  });
  expect(answer.headers.get('retry-after')).toBe(definition.retryAfterSeconds === undefined ? null : String(definition.retryAfterSeconds));
}

async function routeCount(key: string, route: string): Promise<number> {
  const usage = await call('GET', '/v1/usage', { key });
  expect(usage.status).toBe(200);
  return usage.json.routes.find((r: { route: string }) => r.route === route)?.requests ?? 0;
}

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    value = await probe();
  }
  return value;
}

describe('authorization', () => {
  test('a request without a key gets 401 problem+json from the gateway', async () => {
    const answer = await call('GET', '/v1/hello');
    expectGatewayProblem(answer, 'UNAUTHORIZED');
    expect(answer.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
  });

  test('an unknown key gets 401; one without the key format is stopped earlier by the web ACL (403)', async () => {
    expectGatewayProblem(await call('GET', '/v1/hello', { key: `mapi${'x'.repeat(40)}` }), 'UNAUTHORIZED');
    expectGatewayProblem(await call('GET', '/v1/hello', { key: 'not-a-key' }), 'WAF_FILTERED');
  });

  test('a revoked key gets 403 once the authorizer cache has expired', async () => {
    const client = await newClient('standard', 'to-revoke');
    const first = await call('GET', '/v1/hello', { key: client.apiKey });
    const cachedAt = Date.now();
    expect(first.status).toBe(200);
    await revokeClient(store, client.clientId);
    const whileCached = await call('GET', '/v1/hello', { key: client.apiKey });
    // API Gateway keeps using the cached Allow until the TTL ends (asserted only if the machine kept up).
    if (Date.now() - cachedAt < (CACHE_TTL_SECONDS * 1000) / 2) expect(whileCached.status).toBe(200);
    await new Promise((r) => setTimeout(r, CACHE_TTL_SECONDS * 1000 + 200));
    const after = await call('GET', '/v1/hello', { key: client.apiKey });
    expectGatewayProblem(after, 'ACCESS_DENIED', ACCESS_DENIED_DETAIL.revoked);
    expect(after.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  });

  test('`npm run keys -- revoke --local` refuses the key at once: cache entry dropped, usage key disabled', async () => {
    const client = await newClient('standard', 'revoke-now');
    expect((await call('GET', '/v1/hello', { key: client.apiKey })).status).toBe(200);
    // The CLI finds the twin through its state file, as with `npm start`.
    writeStateFile(twin.state);
    const cliStarted = performance.now();
    try {
      await new Promise<void>((resolve, reject) => {
        const cli = spawn(
          path.join(ROOT, 'node_modules', '.bin', 'tsx'),
          ['--require', './local/esm-only-packages.cjs', 'scripts/keys.ts', 'revoke', client.clientId, '--local'],
          {
            cwd: ROOT,
            env: { ...process.env, PORT: String(twin.state.port) },
            stdio: 'ignore',
          },
        );
        cli.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`keys revoke exited ${code}`))));
      });
    } finally {
      removeStateFile(twin.state.port);
    }
    const cliDone = performance.now();
    const after = await call('GET', '/v1/hello', { key: client.apiKey });
    const refusedAfterMs = performance.now() - cliDone;
    expectGatewayProblem(after, 'ACCESS_DENIED', ACCESS_DENIED_DETAIL.revoked);
    // Well inside the cache TTL: the cached Allow was dropped, not waited out.
    expect(refusedAfterMs).toBeLessThan(1000);
    expect(refusedAfterMs).toBeLessThan(CACHE_TTL_SECONDS * 1000);
    console.log(
      `revocation window: refused ${refusedAfterMs.toFixed(0)} ms after the CLI exited (CLI run ${(cliDone - cliStarted).toFixed(0)} ms)`,
    );
  });

  test('a valid key gets 200 with RateLimit-Policy and RateLimit headers', async () => {
    const answer = await call('GET', '/v1/hello?name=Ada', { key: twin.demoKeys.standard.apiKey });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ clientId: twin.demoKeys.standard.clientId });
    const plan = PLANS.standard;
    expect(answer.headers.get('ratelimit-policy')).toContain(`"standard";q=${plan.ratePerMinute};w=60`);
    expect(answer.headers.get('ratelimit')).toMatch(/^"daily";r=\d+;t=\d+$/);
    expect(answer.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('an unknown path or method is 404 problem+json, without asking for a key', async () => {
    expectGatewayProblem(await call('GET', '/v1/nothing-here'), 'MISSING_AUTHENTICATION_TOKEN');
    expectGatewayProblem(await call('DELETE', '/v1/hello', { key: twin.demoKeys.standard.apiKey }), 'MISSING_AUTHENTICATION_TOKEN');
  });
});

describe('usage plans', () => {
  test(`a burst on POST /v1/quotes gets 429 with Retry-After after ${ROUTE_CLASSES.strict.burst} requests`, async () => {
    const client = await newClient('premium', 'burst');
    const statuses: number[] = [];
    for (let i = 0; i < ROUTE_CLASSES.strict.burst; i++)
      statuses.push((await call('POST', '/v1/quotes', { key: client.apiKey, body: validQuote })).status);
    expect(statuses).toEqual(new Array(ROUTE_CLASSES.strict.burst).fill(200));
    const throttled = await call('POST', '/v1/quotes', { key: client.apiKey, body: validQuote });
    expectGatewayProblem(throttled, 'THROTTLED');
    expect(throttled.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    // The strict bucket is per key and method: the same key may still call the default routes.
    expect((await call('GET', '/v1/hello', { key: client.apiKey })).status).toBe(200);
  });

  test('exceeding the daily quota gets 429 QUOTA_EXCEEDED', async () => {
    const client = await newClient('premium', 'quota');
    const statuses = await Promise.all(
      Array.from({ length: PREMIUM_QUOTA }, async () => (await call('GET', '/v1/hello', { key: client.apiKey })).status),
    );
    expect(statuses).toEqual(new Array(PREMIUM_QUOTA).fill(200));
    const over = await call('GET', '/v1/hello', { key: client.apiKey });
    expectGatewayProblem(over, 'QUOTA_EXCEEDED');
    expect(over.headers.get('x-amzn-errortype')).toBe('LimitExceededException');
    // Other keys of the same plan keep their own quota.
    expect((await call('GET', '/v1/hello', { key: (await newClient('premium', 'quota-2')).apiKey })).status).toBe(200);
  });
});

describe('route access per plan', () => {
  test('a standard key gets 403 problem+json on POST /v1/quotes (not in its plan), from a cached result too, and is not metered', async () => {
    const client = await newClient('standard', 'route-access');
    // The first request caches the authorizer's result; the 403s below are evaluated against it.
    expect((await call('GET', '/v1/hello', { key: client.apiKey })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const denied = await call('POST', '/v1/quotes', {
        key: client.apiKey,
        body: { items: [{ sku: 'ECHO-ME', quantity: 1 }], currency: 'EUR' },
      });
      expectGatewayProblem(denied, 'ACCESS_DENIED', ACCESS_DENIED_DETAIL.routeNotInPlan);
      expect(denied.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
      expect(denied.text).not.toContain('ECHO-ME');
    }
    expect((await call('GET', '/v1/usage/daily?days=1', { key: client.apiKey })).status).toBe(200);
    // A premium key calls the same route.
    expect(
      (await call('POST', '/v1/quotes', { key: (await newClient('premium', 'route-access-p')).apiKey, body: validQuote })).status,
    ).toBe(200);
    // Refused by the gateway: no handler ran, so nothing is counted for the route.
    await twin.drainUsage(twin.stage.usageBatchWindowSeconds * 4000);
    expect(await routeCount(client.apiKey, 'POST /v1/quotes')).toBe(0);
    expect(await routeCount(client.apiKey, 'GET /v1/hello')).toBe(1);
  });
});

describe('plan change (`npm run keys -- set-plan --local`)', () => {
  test('routes and analytics follow from the next request; the month statement lists both plans today', async () => {
    const client = await newClient('standard', 'upgrade');
    // Cache the authorizer's result for the standard plan.
    expect((await call('GET', '/v1/hello', { key: client.apiKey })).status).toBe(200);
    expect((await call('POST', '/v1/quotes', { key: client.apiKey, body: validQuote })).status).toBe(403);
    // The cache TTL here is short; the spy shows the CLI dropped the cached result rather than it expiring.
    const forget = jest.spyOn(twin.authorizer, 'forgetPrincipal');
    writeStateFile(twin.state);
    try {
      await new Promise<void>((resolve, reject) => {
        const cli = spawn(
          path.join(ROOT, 'node_modules', '.bin', 'tsx'),
          ['--require', './local/esm-only-packages.cjs', 'scripts/keys.ts', 'set-plan', client.clientId, 'premium', '--local'],
          { cwd: ROOT, env: { ...process.env, PORT: String(twin.state.port) }, stdio: 'ignore' },
        );
        cli.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`keys set-plan exited ${code}`))));
      });
    } finally {
      removeStateFile(twin.state.port);
    }
    const dropped = { calls: [...forget.mock.calls], results: forget.mock.results.map((r) => r.value) };
    forget.mockRestore();
    expect(dropped).toEqual({ calls: [[client.clientId]], results: [1] });
    // The very next requests: the premium route answers and the analytics show premium's limits
    // (the handler's plan is the one every usage event of the request carries).
    expect((await call('POST', '/v1/quotes', { key: client.apiKey, body: validQuote })).status).toBe(200);
    const usage = await call('GET', '/v1/usage', { key: client.apiKey });
    expect(usage.json.plan).toMatchObject({ name: 'premium', ratePerMinute: PLANS.premium.ratePerMinute });

    await twin.drainUsage(twin.stage.usageBatchWindowSeconds * 4000);
    const s3 = new S3Client(twinClientConfig(twin.state, 's3'));
    try {
      const today = new Date().toISOString().slice(0, 10);
      const statement = await buildMonthlyStatement(
        { table: store, archive: { s3, bucket: twin.state.archiveBucket } },
        today.slice(0, 7),
        { clientId: client.clientId },
      );
      const [mine] = statement.statements;
      expect(mine.days.map((d) => [d.day, d.plan])).toEqual([[today, 'standard|premium']]);
      expect(mine.plans).toEqual([
        { plan: 'standard', from: today, to: today },
        { plan: 'premium', from: today, to: today },
      ]);
      // hello and the premium quote reached handlers; the 403 did not. The usage call itself is counted too.
      expect(mine.routes['POST /v1/quotes']?.requests).toBe(1);
      expect(mine.routes['GET /v1/hello']?.requests).toBe(1);
    } finally {
      s3.destroy();
    }
  });
});

describe('validation and limits', () => {
  test('an invalid body gets 400 problem+json listing each field path, without echoing input', async () => {
    const client = await newClient('premium', 'invalid');
    const answer = await call('POST', '/v1/quotes', {
      key: client.apiKey,
      body: { items: [{ sku: 'no spaces allowed', quantity: 0 }], currency: 'XXX' },
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const paths = answer.json.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['body.currency', 'body.items.0.quantity', 'body.items.0.sku']);
    expect(answer.text).not.toContain('no spaces allowed');
    const badJson = await call('POST', '/v1/quotes', {
      key: client.apiKey,
      rawBody: '{"items":',
      headers: { 'content-type': 'application/json' },
    });
    expect(badJson.status).toBe(400);
  });

  test('an invalid query gets 400 with the field path', async () => {
    const answer = await call('GET', '/v1/usage/daily?days=abc', { key: twin.demoKeys.standard.apiKey });
    expect(answer.status).toBe(400);
    expect(answer.json.errors.map((e: { path: string }) => e.path)).toEqual(['query.days']);
  });

  test(`a body over ${MAX_BODY_BYTES} bytes gets 413 problem+json`, async () => {
    const client = await newClient('premium', 'large');
    const answer = await call('POST', '/v1/quotes', {
      key: client.apiKey,
      rawBody: JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('usage', () => {
  test('after N requests GET /v1/usage reports exactly N for that route, and two clients never mix', async () => {
    const [a, b] = await Promise.all([newClient('standard', 'usage-a'), newClient('premium', 'usage-b')]);
    const helloA = 7;
    const quotesB = 3;
    const helloB = 2;
    await Promise.all(Array.from({ length: helloA }, () => call('GET', '/v1/hello', { key: a.apiKey })));
    // The first quote has three line items: 3 units (docs/plans.md "Units"); the others 1 each.
    const threeItems = { ...validQuote, items: [1, 2, 3].map((n) => ({ sku: `ABC-${n}`, quantity: 1 })) };
    for (let i = 0; i < quotesB; i++)
      expect((await call('POST', '/v1/quotes', { key: b.apiKey, body: i === 0 ? threeItems : validQuote })).status).toBe(200);
    for (let i = 0; i < helloB; i++) expect((await call('GET', '/v1/hello', { key: b.apiKey })).status).toBe(200);
    // One 400 for B: client errors are counted too.
    expect((await call('POST', '/v1/quotes', { key: b.apiKey, body: { items: [], currency: 'EUR' } })).status).toBe(400);

    // The batching window is 5 s (dev stage); wait for the counts rather than guess.
    const windowMs = twin.stage.usageBatchWindowSeconds * 1000;
    await waitFor(
      () => routeCount(a.apiKey, 'GET /v1/hello'),
      (n) => n >= helloA,
      windowMs * 4,
    );
    await waitFor(
      () => routeCount(b.apiKey, 'POST /v1/quotes'),
      (n) => n >= quotesB + 1,
      windowMs * 4,
    );
    // Then one more window, to see that nothing else arrives late or twice.
    await twin.drainUsage(windowMs * 4);

    const usageA = (await call('GET', '/v1/usage', { key: a.apiKey })).json;
    const usageB = (await call('GET', '/v1/usage', { key: b.apiKey })).json;
    const byRoute = (usage: { routes: Array<{ route: string; requests: number }> }) =>
      Object.fromEntries(usage.routes.map((r) => [r.route, r.requests]));
    expect(usageA.clientId).toBe(a.clientId);
    expect(usageB.clientId).toBe(b.clientId);
    expect(byRoute(usageA)['GET /v1/hello']).toBe(helloA);
    expect(byRoute(usageA)['POST /v1/quotes'] ?? 0).toBe(0);
    expect(byRoute(usageB)['GET /v1/hello']).toBe(helloB);
    expect(byRoute(usageB)['POST /v1/quotes']).toBe(quotesB + 1);
    expect(usageB.totals.clientErrors).toBe(1);
    // Units beside requests: 3 + 1 + 1 for the quotes, 0 for the 400 (its cost is computed from input that never
    // validated), 1 a hello; reading one's usage is free.
    const unitsByRoute = (usage: { routes: Array<{ route: string; units: number }> }) =>
      Object.fromEntries(usage.routes.map((r) => [r.route, r.units]));
    expect(unitsByRoute(usageB)['POST /v1/quotes']).toBe(3 + (quotesB - 1));
    expect(unitsByRoute(usageB)['GET /v1/hello']).toBe(helloB);
    expect(unitsByRoute(usageB)['GET /v1/usage']).toBe(0);
    expect(usageB.totals.units).toBe(3 + (quotesB - 1) + helloB);
    expect(usageA.totals.units).toBe(helloA);
  }, 60_000);
});

describe('resources', () => {
  test('the usage queue is created from contracts/usage-queue: visibility, retention, redrive to the DLQ', async () => {
    const sqs = new SQSClient(twinClientConfig(twin.state, 'sqs'));
    try {
      const queue = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: twin.state.usageQueueUrl, AttributeNames: ['All'] })))
        .Attributes!;
      const dlq = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: twin.state.deadLetterQueueUrl, AttributeNames: ['All'] })))
        .Attributes!;
      expect(Number(queue.VisibilityTimeout)).toBe(USAGE_QUEUE_VISIBILITY_SECONDS);
      expect(Number(queue.MessageRetentionPeriod)).toBe(USAGE_QUEUE.retentionDays * 86_400);
      expect(JSON.parse(queue.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlq.QueueArn, maxReceiveCount: USAGE_QUEUE.maxReceiveCount });
      expect(Number(dlq.MessageRetentionPeriod)).toBe(USAGE_QUEUE.deadLetterRetentionDays * 86_400);
    } finally {
      sqs.destroy();
    }
  });
});

describe('daily job', () => {
  test('runs on the twin as its schedule invokes it, closing the previous UTC day', async () => {
    const firedAt = new Date();
    const report = (await twin.runDailyJob(firedAt)) as { day: string; clients: number };
    const yesterday = new Date(Date.UTC(firedAt.getUTCFullYear(), firedAt.getUTCMonth(), firedAt.getUTCDate() - 1))
      .toISOString()
      .slice(0, 10);
    expect(report.day).toBe(yesterday);
    expect(report.clients).toBeGreaterThanOrEqual(2);
  });
});

describe('npm start', () => {
  async function runCli(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['local/start.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, stdout, stderr };
  }

  test('a busy port gives a one-line error and a non-zero exit', async () => {
    const { code, stdout, stderr } = await runCli({ ...process.env, PORT: String(twin.state.port), HOST: twin.state.host });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      `error: port ${twin.state.port} on ${twin.state.host} is already in use: stop what runs there or choose another, e.g. PORT=${twin.state.port + 1} npm start`,
    ]);
  }, 30_000);

  test('missing Java gives a one-line error and a non-zero exit', async () => {
    // node_modules/.bin holds node (the node@24 package) and tsx, but no java.
    const { code, stdout, stderr } = await runCli({ ...process.env, PATH: path.join(ROOT, 'node_modules', '.bin'), PORT: '1' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: java not found: DynamoDB Local needs Java 17/)]);
  }, 30_000);
});
