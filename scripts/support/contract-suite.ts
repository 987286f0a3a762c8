// The client-visible contract as checks over HTTP, written once: `npm test` runs them against the
// twin (test/contract) and `npm run smoke -- --stage S` against a deployed stage (scripts/smoke.ts).
// Each check uses only temporary clients it creates through the target, so it never reads or
// changes another client's data; the session revokes them all at the end.
import assert from 'node:assert/strict';
import { MONTHLY_QUOTAS, PLANS, ROUTE_CLASSES, type PlanName } from '../../contracts/plans';
import type { OverrideRequest } from '../../contracts/overrides';
import { utcDay } from '../../contracts/usage-event';
import { MAX_BODY_BYTES } from '../../contracts/routes';
import { ACCESS_DENIED_DETAIL, PROBLEM_TYPE_BASE } from '../../contracts/gateway-responses';
import { usageSummaryResponse } from '../../contracts/routes/usage-summary';
import { usageDailyResponse } from '../../contracts/routes/usage-daily';
import { type Answer, type CallOptions, httpCall } from './http-call';

export interface TemporaryClient {
  readonly apiKey: string;
  readonly clientId: string;
}

/** Where the suite runs: the twin or a deployed stage. */
export interface ContractTarget {
  /** Base URL of the stage, without a trailing slash. */
  readonly baseUrl: string;
  /** The stage's usage batching window: counts are read after it (plus a margin). */
  readonly usageBatchWindowSeconds: number;
  /** The stage's authorizer cache TTL: the bound for a revoked key to be refused. */
  readonly authorizerCacheTtlSeconds: number;
  createClient(plan: PlanName, name: string): Promise<TemporaryClient>;
  revokeClient(clientId: string): Promise<void>;
  /** Adds prepaid units to a gate-plan client (the admin API's top-up, or `keys top-up`), for the credits check. */
  topUpCredits(clientId: string, units: number): Promise<void>;
  /**
   * Sets a client's override (the admin API's, or `keys override`) and makes it effective now (cached authorizer
   * results dropped): lets the quota checks spend a quota in a few requests instead of a day.
   */
  setOverride(clientId: string, request: OverrideRequest): Promise<void>;
}

/** One suite run: HTTP calls and the temporary clients to revoke at the end. */
export class ContractSession {
  private readonly created: string[] = [];
  private readonly revoked = new Set<string>();

  constructor(readonly target: ContractTarget) {}

  async client(plan: PlanName = 'standard'): Promise<TemporaryClient> {
    const client = await this.target.createClient(plan, `contract-suite-${Date.now()}`);
    this.created.push(client.clientId);
    return client;
  }

  async revoke(clientId: string): Promise<void> {
    await this.target.revokeClient(clientId);
    this.revoked.add(clientId);
  }

  /** Revokes every temporary client not yet revoked; returns how many. */
  async cleanUp(): Promise<number> {
    const pending = this.created.filter((id) => !this.revoked.has(id));
    for (const id of pending) await this.revoke(id);
    return pending.length;
  }

  call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    return httpCall(this.target.baseUrl, method, path, options);
  }
}

export interface ContractCheck {
  readonly name: string;
  run(session: ContractSession): Promise<void>;
}

const VALID_QUOTE = { items: [{ sku: 'ABC-1', quantity: 2 }], currency: 'EUR' };
const SECURITY_HEADERS = [
  'cache-control',
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until 100 ms into the next second of this machine's clock, so a burst of parallel requests falls in one second. */
async function startOfSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 100);
}

/** The `r` (remaining) of one policy in a RateLimit header (draft structured-field form). */
function remainingOf(answer: Answer, policy: string): number | undefined {
  const match = new RegExp(`"${policy}";r=(\\d+);t=(\\d+)`).exec(answer.headers.get('ratelimit') ?? '');
  return match ? Number(match[1]) : undefined;
}

/** A problem+json answer with the given status and the fields every problem carries. */
export function assertProblem(answer: Answer, status: number): void {
  assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${answer.text.slice(0, 200)}`);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(answer.json?.status, status);
  assert.equal(typeof answer.json?.type, 'string');
  assert.equal(typeof answer.json?.title, 'string');
}

async function routeRequests(session: ContractSession, key: string, route: string): Promise<number> {
  const usage = await session.call('GET', '/v1/usage', { key });
  assert.equal(usage.status, 200);
  return usage.json.routes.find((r: { route: string }) => r.route === route)?.requests ?? 0;
}

/**
 * GET /v1/usage once `route` shows at least `requests` counted (polling up to 4 batching windows + 20 s), read again
 * one more window later so a late or double count would show.
 */
async function countedUsage(s: ContractSession, key: string, route: string, requests: number) {
  const windowMs = s.target.usageBatchWindowSeconds * 1000;
  const deadline = Date.now() + windowMs * 4 + 20_000;
  while (Date.now() < deadline && (await routeRequests(s, key, route)) < requests) await sleep(1000);
  await sleep(windowMs + 1000);
  const usage = await s.call('GET', '/v1/usage', { key });
  assert.equal(usage.status, 200);
  return usageSummaryResponse.parse(usage.json);
}

/** The start of the next UTC day and of the next UTC month after `now` (epoch ms): when the daily and monthly windows reset. */
function nextUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}
function nextUtcMonth(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Clock difference allowed between this machine and the target, in seconds, for a Retry-After to a UTC boundary. */
const RESET_TOLERANCE_SECONDS = 2;

/** A call, with the time it was sent and answered (epoch ms): to bound a Retry-After the target computed meanwhile. */
async function timedCall(s: ContractSession, method: string, path: string, options: CallOptions) {
  const sent = Date.now();
  const answer = await s.call(method, path, options);
  return { answer, sent, answered: Date.now() };
}

/** `Retry-After` names the seconds from the answer to `reset` (epoch ms), within the clock tolerance. */
function assertRetryAfterTo(timed: { answer: Answer; sent: number; answered: number }, reset: number, what: string): void {
  const header = timed.answer.headers.get('retry-after') ?? '';
  assert.match(header, /^\d+$/, `Retry-After of the ${what} refusal: ${header}`);
  const earliest = Math.ceil((reset - timed.answered) / 1000) - RESET_TOLERANCE_SECONDS;
  const latest = Math.ceil((reset - timed.sent) / 1000) + RESET_TOLERANCE_SECONDS;
  const seconds = Number(header);
  assert.ok(seconds >= earliest && seconds <= latest, `Retry-After ${seconds} s, the ${what} resets in ${earliest}..${latest} s`);
}

/**
 * A refusal by the gate: problem+json with the status and problem type, `RateLimit` and `RateLimit-Policy` on it, and
 * nothing of what the client sent (its key, a marker in its input) echoed in the body or the headers.
 */
function assertGateRefusal(answer: Answer, status: number, slug: string, sent: readonly string[]): void {
  assertProblem(answer, status);
  assert.equal(answer.json.type, `${PROBLEM_TYPE_BASE}${slug}`);
  assert.ok(answer.headers.get('ratelimit-policy'), `no RateLimit-Policy on the ${slug} refusal`);
  assert.ok(answer.headers.get('ratelimit'), `no RateLimit on the ${slug} refusal`);
  const headers: string[] = [];
  answer.headers.forEach((value, name) => {
    headers.push(`${name}: ${value}`);
  });
  for (const value of sent) {
    assert.ok(!answer.text.includes(value), `the ${slug} refusal echoes what the client sent`);
    assert.ok(!headers.some((h) => h.includes(value)), `the ${slug} refusal's headers echo what the client sent`);
  }
}

/** Sends GET /v1/hello until `admitted` have passed (a rate refusal waits out its Retry-After); at most `parallel` at once. */
async function admitHellos(s: ContractSession, key: string, admitted: number, parallel: number): Promise<void> {
  let passed = 0;
  const worker = async () => {
    while (passed < admitted) {
      passed++;
      const answer = await s.call('GET', '/v1/hello', { key });
      if (answer.status === 200) continue;
      passed--;
      assert.equal(answer.json?.type, `${PROBLEM_TYPE_BASE}rate-limited`, `hello ${answer.status}: ${answer.text.slice(0, 200)}`);
      await sleep(Number(answer.headers.get('retry-after') ?? '1') * 1000);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

export const CONTRACT_CHECKS: readonly ContractCheck[] = [
  {
    name: 'no key → 401 problem+json',
    run: async (s) => assertProblem(await s.call('GET', '/v1/hello'), 401),
  },
  {
    name: 'unknown key → 401 problem+json',
    run: async (s) => assertProblem(await s.call('GET', '/v1/hello', { key: `mapi${'x'.repeat(40)}` }), 401),
  },
  {
    name: 'valid key → 200 with RateLimit-Policy, RateLimit and security headers',
    run: async (s) => {
      const client = await s.client('standard');
      const answer = await s.call('GET', '/v1/hello?name=Ada', { key: client.apiKey });
      assert.equal(answer.status, 200, answer.text.slice(0, 200));
      assert.equal(answer.json.clientId, client.clientId);
      assert.ok(answer.headers.get('ratelimit-policy')?.includes(`"standard";q=${PLANS.standard.ratePerMinute};w=60`));
      assert.match(answer.headers.get('ratelimit') ?? '', /^"daily";r=\d+;t=\d+$/);
      for (const name of SECURITY_HEADERS) assert.ok(answer.headers.get(name), `missing ${name}`);
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    },
  },
  {
    name: 'invalid body → 400 with field paths, input not echoed',
    run: async (s) => {
      // POST /v1/quotes is a premium route (contracts/plans.ts); standard keys get 403 there.
      const client = await s.client('premium');
      const marker = 'no spaces allowed';
      const answer = await s.call('POST', '/v1/quotes', {
        key: client.apiKey,
        body: { items: [{ sku: marker, quantity: 0 }], currency: 'XXX' },
      });
      assertProblem(answer, 400);
      const paths = answer.json.errors.map((e: { path: string }) => e.path).sort();
      assert.deepEqual(paths, ['body.currency', 'body.items.0.quantity', 'body.items.0.sku']);
      assert.ok(!answer.text.includes(marker), 'the 400 echoes the input');
      assert.ok(!answer.text.includes('XXX'), 'the 400 echoes the input');
    },
  },
  {
    name: 'invalid query → 400 naming query.days',
    run: async (s) => {
      const client = await s.client('standard');
      const answer = await s.call('GET', '/v1/usage/daily?days=abc', { key: client.apiKey });
      assertProblem(answer, 400);
      assert.deepEqual(
        answer.json.errors.map((e: { path: string }) => e.path),
        ['query.days'],
      );
      assert.ok(!answer.text.includes('abc'), 'the 400 echoes the input');
    },
  },
  {
    name: `body over ${MAX_BODY_BYTES} bytes → 413; non-JSON content type → 415`,
    run: async (s) => {
      const client = await s.client('premium');
      const large = await s.call('POST', '/v1/quotes', {
        key: client.apiKey,
        rawBody: JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES) }),
        headers: { 'content-type': 'application/json' },
      });
      assertProblem(large, 413);
      const text = await s.call('POST', '/v1/quotes', {
        key: client.apiKey,
        rawBody: JSON.stringify(VALID_QUOTE),
        headers: { 'content-type': 'text/plain' },
      });
      assertProblem(text, 415);
    },
  },
  {
    // Bound for both: API Gateway's buckets are best-effort, so the suite does not pin the request
    // that is refused; it asserts the first passes and a 429 with Retry-After comes within 3× burst.
    name: 'strict route: a burst gets 429 problem+json with Retry-After',
    run: async (s) => {
      const client = await s.client('premium');
      const limit = ROUTE_CLASSES.strict.burst * 3;
      const statuses: number[] = [];
      let throttled: Answer | undefined;
      for (let i = 0; i < limit && !throttled; i++) {
        const answer = await s.call('POST', '/v1/quotes', { key: client.apiKey, body: VALID_QUOTE });
        statuses.push(answer.status);
        if (answer.status === 429) throttled = answer;
      }
      assert.equal(statuses[0], 200, `first strict request: ${statuses[0]}`);
      assert.ok(throttled, `no 429 within ${limit} requests: ${statuses.join(',')}`);
      assertProblem(throttled, 429);
      assert.match(throttled.headers.get('retry-after') ?? '', /^\d+$/);
      // The strict bucket is per key and method: the default routes still answer.
      assert.equal((await s.call('GET', '/v1/hello', { key: client.apiKey })).status, 200);
    },
  },
  {
    name: 'usage counted exactly once after the batching window; /v1/usage and /v1/usage/daily shapes',
    run: async (s) => {
      const client = await s.client('premium');
      const hello = 6;
      for (let i = 0; i < hello; i++) assert.equal((await s.call('GET', '/v1/hello', { key: client.apiKey })).status, 200);
      assert.equal((await s.call('POST', '/v1/quotes', { key: client.apiKey, body: { items: [], currency: 'EUR' } })).status, 400);
      // Wait for the counts (batching window + processing), then one more window for late or double counts.
      const windowMs = s.target.usageBatchWindowSeconds * 1000;
      const deadline = Date.now() + windowMs * 4 + 20_000;
      while (Date.now() < deadline) {
        const [h, q] = [await routeRequests(s, client.apiKey, 'GET /v1/hello'), await routeRequests(s, client.apiKey, 'POST /v1/quotes')];
        if (h >= hello && q >= 1) break;
        await sleep(1000);
      }
      await sleep(windowMs + 1000);
      const usage = await s.call('GET', '/v1/usage', { key: client.apiKey });
      assert.equal(usage.status, 200);
      const summary = usageSummaryResponse.parse(usage.json);
      const byRoute = Object.fromEntries(summary.routes.map((r) => [r.route, r.requests]));
      assert.equal(summary.clientId, client.clientId);
      assert.equal(byRoute['GET /v1/hello'], hello, 'GET /v1/hello counted');
      assert.equal(byRoute['POST /v1/quotes'], 1, 'POST /v1/quotes counted (a 400 counts too)');
      assert.equal(summary.totals.clientErrors, 1);
      assert.equal(summary.today.quota, PLANS.premium.dailyQuota);
      // The limits in force (a new client is on its plan) and the month so far against its allowance.
      const monthlyQuota = MONTHLY_QUOTAS.premium ?? null;
      assert.deepEqual(summary.limits, {
        source: 'plan',
        ratePerMinute: PLANS.premium.ratePerMinute,
        burst: PLANS.premium.burst,
        dailyQuota: PLANS.premium.dailyQuota,
        monthlyQuota,
        strict: { ratePerMinute: ROUTE_CLASSES.strict.ratePerMinute, burst: ROUTE_CLASSES.strict.burst },
      });
      assert.equal(summary.month.month, summary.period.to.slice(0, 7));
      assert.equal(summary.month.to, summary.period.to);
      assert.ok(summary.month.requests >= hello + 1, `month: ${summary.month.requests}`);
      assert.equal(summary.month.quota, monthlyQuota);
      if (monthlyQuota !== null) assert.ok((summary.month.percentOfQuota ?? -1) >= 0);
      else assert.equal(summary.month.percentOfQuota, null);

      const daily = await s.call('GET', '/v1/usage/daily?days=3', { key: client.apiKey });
      assert.equal(daily.status, 200);
      const { days } = usageDailyResponse.parse(daily.json);
      assert.equal(days.length, 3);
      assert.ok(days[0].date < days[1].date && days[1].date < days[2].date, 'oldest first');
      assert.equal(days[2].date, utcDay(new Date()));
      // The usage calls themselves are counted too, so today holds at least the requests above.
      assert.ok(days[2].requests >= hello + 1, `today: ${days[2].requests}`);
    },
  },
  {
    // Bound for both: AWS refuses a revoked key once the stage's authorizer cache drops it (at most
    // its TTL; sooner where the cache is flushed); the twin behaves the same with its own TTL.
    name: 'revoked key → 403 within the authorizer cache TTL',
    run: async (s) => {
      const client = await s.client('standard');
      assert.equal((await s.call('GET', '/v1/hello', { key: client.apiKey })).status, 200);
      await s.revoke(client.clientId);
      const deadline = Date.now() + (s.target.authorizerCacheTtlSeconds + 5) * 1000;
      let answer = await s.call('GET', '/v1/hello', { key: client.apiKey });
      while (answer.status === 200 && Date.now() < deadline) {
        await sleep(500);
        answer = await s.call('GET', '/v1/hello', { key: client.apiKey });
      }
      assertProblem(answer, 403);
      assert.equal(answer.json.detail, ACCESS_DENIED_DETAIL.revoked);
    },
  },
  {
    // The authorizer's result is cached per key for every route: its policy must allow exactly the plan's routes.
    name: "a route outside the key's plan → 403 problem+json saying so; the plan's routes still answer",
    run: async (s) => {
      const client = await s.client('standard');
      assert.equal((await s.call('GET', '/v1/hello', { key: client.apiKey })).status, 200);
      const marker = 'SKU-MARKER-403';
      const answer = await s.call('POST', '/v1/quotes', {
        key: client.apiKey,
        body: { items: [{ sku: marker, quantity: 1 }], currency: 'EUR' },
      });
      assertProblem(answer, 403);
      assert.equal(answer.json.detail, ACCESS_DENIED_DETAIL.routeNotInPlan);
      assert.ok(!answer.text.includes(marker), 'the 403 echoes the input');
      assert.equal((await s.call('GET', '/v1/usage/daily?days=1', { key: client.apiKey })).status, 200);
      assert.equal((await s.call('GET', '/v1/hello', { key: client.apiKey })).status, 200);
    },
  },
];

/** Gate plans (`admission: 'gate'`, the default `free` plan): the gate's own limits, units and credits. */
export const GATE_CHECKS: readonly ContractCheck[] = [
  {
    name: 'gate plan: exact RateLimit headers; a 0-unit usage read takes nothing; the burst’s excess → 429 with the real Retry-After',
    run: async (s) => {
      const free = PLANS.free;
      const client = await s.client('free');
      const first = await s.call('GET', '/v1/hello', { key: client.apiKey });
      assert.equal(first.status, 200, first.text.slice(0, 200));
      assert.match(
        first.headers.get('ratelimit-policy') ?? '',
        new RegExp(
          `^"burst";q=${free.burst};w=1, "free";q=${free.ratePerMinute};w=60, "daily";q=${free.dailyQuota};w=86400, "monthly";q=${free.monthlyQuota};w=\\d+$`,
        ),
      );
      const dailyLeft = remainingOf(first, 'daily');
      assert.equal(dailyLeft, free.dailyQuota - 1, `daily remaining after one hello: ${first.headers.get('ratelimit')}`);
      // GET /v1/usage costs 0 units: it answers with the same remaining, and takes none.
      const read = await s.call('GET', '/v1/usage', { key: client.apiKey });
      assert.equal(read.status, 200);
      assert.equal(remainingOf(read, 'daily'), dailyLeft);
      // A burst of burst + 2 at once: exactly `burst` pass (minus the ones this second already took), the rest are refused.
      await startOfSecond();
      const answers = await Promise.all(Array.from({ length: free.burst + 2 }, () => s.call('GET', '/v1/hello', { key: client.apiKey })));
      const admitted = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      assert.equal(admitted.length + refused.length, answers.length, `statuses: ${answers.map((a) => a.status).join(',')}`);
      assert.equal(admitted.length, free.burst, `admitted ${admitted.length} of a burst of ${answers.length} (burst ${free.burst})`);
      const problem = refused[0];
      assertProblem(problem, 429);
      assert.equal(problem.json.type, `${PROBLEM_TYPE_BASE}rate-limited`);
      assert.equal(problem.headers.get('retry-after'), '1');
      assert.equal(remainingOf(problem, 'burst'), 0);
      assert.equal(remainingOf(problem, 'daily'), free.dailyQuota - 1 - free.burst);
    },
  },
  {
    name: 'gate plan: a request its prepaid credits do not cover → 402 credits-exhausted, no Retry-After; a top-up resumes admission',
    run: async (s) => {
      const client = await s.client('free');
      await s.target.topUpCredits(client.clientId, 1);
      assert.equal((await s.call('GET', '/v1/hello', { key: client.apiKey })).status, 200);
      const marker = 'CREDITS-MARKER-402';
      const spent = await s.call('GET', `/v1/hello?name=${marker}`, { key: client.apiKey });
      assertGateRefusal(spent, 402, 'credits-exhausted', [client.apiKey, marker]);
      assert.equal(spent.headers.get('retry-after'), null);
      // Reading one's usage costs nothing: it still answers with no credits left.
      assert.equal((await s.call('GET', '/v1/usage', { key: client.apiKey })).status, 200);
      // A top-up lets the next request in, and takes its unit from the new balance.
      await s.target.topUpCredits(client.clientId, 2);
      const resumed = await s.call('GET', '/v1/hello', { key: client.apiKey });
      assert.equal(resumed.status, 200, resumed.text.slice(0, 200));
      assert.equal(remainingOf(resumed, 'daily'), PLANS.free.dailyQuota - 2);
      await s.target.topUpCredits(client.clientId, 1);
      assert.equal((await s.call('GET', '/v1/hello', { key: client.apiKey })).status, 200);
      assert.equal((await s.call('GET', '/v1/hello', { key: client.apiKey })).status, 200);
      assertGateRefusal(await s.call('GET', '/v1/hello', { key: client.apiKey }), 402, 'credits-exhausted', [client.apiKey]);
    },
  },
  {
    name: 'gate plan: a route outside the plan → 403 problem+json, before the gate takes anything',
    run: async (s) => {
      const client = await s.client('free');
      const denied = await s.call('POST', '/v1/quotes', { key: client.apiKey, body: VALID_QUOTE });
      assertProblem(denied, 403);
      assert.equal(denied.json.detail, ACCESS_DENIED_DETAIL.routeNotInPlan);
      const hello = await s.call('GET', '/v1/hello', { key: client.apiKey });
      assert.equal(hello.status, 200);
      assert.equal(remainingOf(hello, 'daily'), PLANS.free.dailyQuota - 1);
    },
  },
  {
    name: 'gate plan: the daily quota spent → 429 quota-exceeded with RateLimit headers and Retry-After to 00:00 UTC; /v1/usage still answers, unbilled',
    run: async (s) => {
      const quota = 3;
      const client = await s.client('free');
      await s.target.setOverride(client.clientId, { dailyQuota: quota });
      for (let i = 1; i <= quota; i++) {
        const answer = await s.call('GET', '/v1/hello', { key: client.apiKey });
        assert.equal(answer.status, 200, answer.text.slice(0, 200));
        assert.equal(remainingOf(answer, 'daily'), quota - i);
      }
      const marker = 'QUOTA-MARKER-429';
      const timed = await timedCall(s, 'GET', `/v1/hello?name=${marker}`, { key: client.apiKey });
      const refused = timed.answer;
      assertGateRefusal(refused, 429, 'quota-exceeded', [client.apiKey, marker]);
      assertRetryAfterTo(timed, nextUtcDay(timed.sent), 'daily quota');
      assert.match(refused.headers.get('ratelimit-policy') ?? '', new RegExp(`"daily";q=${quota};w=86400`));
      assert.equal(remainingOf(refused, 'daily'), 0);
      // The refusal takes nothing: the minute's window still shows only the admitted requests.
      assert.equal(remainingOf(refused, 'override'), PLANS.free.ratePerMinute - quota);
      // Reading one's usage costs 0 units: it answers with the quota spent, and the quota stays where it was.
      const read = await s.call('GET', '/v1/usage', { key: client.apiKey });
      assert.equal(read.status, 200, read.text.slice(0, 200));
      assert.equal(remainingOf(read, 'daily'), 0);
      assert.equal((await s.call('GET', '/v1/usage/daily?days=1', { key: client.apiKey })).status, 200);
      // Once counted: the refusal is a client error beside the admitted requests (its route's unit is counted among
      // the 4xx units, which billing rules do not price: docs/plans.md "Units"), and the usage reads are requests of
      // 0 units, never billable.
      const summary = await countedUsage(s, client.apiKey, 'GET /v1/hello', quota + 1);
      const hello = summary.routes.find((r) => r.route === 'GET /v1/hello');
      assert.deepEqual({ requests: hello?.requests, clientErrors: hello?.clientErrors }, { requests: quota + 1, clientErrors: 1 });
      const reads = summary.routes.find((r) => r.route === 'GET /v1/usage');
      assert.ok((reads?.requests ?? 0) >= 1, 'the usage reads are counted as requests');
      assert.equal(reads?.units, 0, 'the usage reads cost units');
      assert.equal(summary.totals.units, hello?.units);
      assert.equal(summary.today.quota, quota);
    },
  },
  {
    name: 'gate plan, weighted route: a 3-line quote takes 3 units at admission; one that needs more than is left → 429 quota-exceeded, taking nothing',
    run: async (s) => {
      const quota = 5;
      const client = await s.client('payg');
      await s.target.setOverride(client.clientId, { dailyQuota: quota });
      const lines = (n: number, sku = 'ABC') => ({
        items: Array.from({ length: n }, (_, i) => ({ sku: `${sku}-${i + 1}`, quantity: 1 })),
        currency: 'EUR',
      });
      const three = await s.call('POST', '/v1/quotes', { key: client.apiKey, body: lines(3) });
      assert.equal(three.status, 200, three.text.slice(0, 200));
      assert.equal(remainingOf(three, 'daily'), quota - 3, `daily remaining after a 3-line quote: ${three.headers.get('ratelimit')}`);
      // 3 units asked, 2 left: refused whole (no partial admission), and the refusal takes nothing.
      const marker = 'UNITS-MARKER-429';
      const timed = await timedCall(s, 'POST', '/v1/quotes', { key: client.apiKey, body: lines(3, marker) });
      assertGateRefusal(timed.answer, 429, 'quota-exceeded', [client.apiKey, marker]);
      assertRetryAfterTo(timed, nextUtcDay(timed.sent), 'daily quota');
      assert.equal(remainingOf(timed.answer, 'daily'), quota - 3);
      const two = await s.call('POST', '/v1/quotes', { key: client.apiKey, body: lines(2) });
      assert.equal(two.status, 200, two.text.slice(0, 200));
      assert.equal(remainingOf(two, 'daily'), 0);
      // Once counted: 3 requests, 8 units (the refused quote's 3 among the 4xx, which no billing rule prices).
      const summary = await countedUsage(s, client.apiKey, 'POST /v1/quotes', 3);
      const quotes = summary.routes.find((r) => r.route === 'POST /v1/quotes');
      assert.deepEqual(
        { requests: quotes?.requests, units: quotes?.units, clientErrors: quotes?.clientErrors },
        { requests: 3, units: 3 + 3 + 2, clientErrors: 1 },
      );
    },
  },
  {
    name: `gate plan: the enforced monthly allowance spent → 429 monthly-quota-exceeded with Retry-After to the 1st, 00:00 UTC`,
    run: async (s) => {
      const monthly = PLANS.free.monthlyQuota;
      const client = await s.client('free');
      // Room by the day and the minute for the whole month's allowance (within the override caps of every stage).
      await s.target.setOverride(client.clientId, { ratePerMinute: 6_000, burst: 200, dailyQuota: monthly * 2 });
      await admitHellos(s, client.apiKey, monthly, 16);
      const marker = 'MONTHLY-MARKER-429';
      const timed = await timedCall(s, 'GET', `/v1/hello?name=${marker}`, { key: client.apiKey });
      assertGateRefusal(timed.answer, 429, 'monthly-quota-exceeded', [client.apiKey, marker]);
      assertRetryAfterTo(timed, nextUtcMonth(timed.sent), 'monthly allowance');
      assert.match(timed.answer.headers.get('ratelimit-policy') ?? '', new RegExp(`"monthly";q=${monthly};w=\\d+`));
      assert.equal(remainingOf(timed.answer, 'monthly'), 0);
      assert.equal(remainingOf(timed.answer, 'daily'), monthly * 2 - monthly);
      assert.equal((await s.call('GET', '/v1/usage', { key: client.apiKey })).status, 200);
    },
  },
];

/**
 * Weighted routes on a gateway plan: a route's contract may cost more than 1 unit (`POST /v1/quotes`, 1 unit a line).
 * API Gateway counts requests, so this check reads the units where they show on every plan: GET /v1/usage, beside the
 * requests. (On a gate plan the gate takes them at admission: the `payg` check in GATE_CHECKS.)
 */
export const UNIT_CHECKS: readonly ContractCheck[] = [
  {
    name: 'weighted route: a 3-line quote is 1 request and 3 units in GET /v1/usage once counted',
    run: async (s) => {
      const client = await s.client('premium');
      const lines = [1, 2, 3].map((i) => ({ sku: `ABC-${i}`, quantity: i }));
      const quote = await s.call('POST', '/v1/quotes', { key: client.apiKey, body: { items: lines, currency: 'EUR' } });
      assert.equal(quote.status, 200, quote.text.slice(0, 200));
      const summary = await countedUsage(s, client.apiKey, 'POST /v1/quotes', 1);
      const quotes = summary.routes.find((r) => r.route === 'POST /v1/quotes');
      assert.deepEqual({ requests: quotes?.requests, units: quotes?.units }, { requests: 1, units: lines.length });
      assert.equal(summary.totals.units, lines.length);
    },
  },
];

/** Every check, in the order `npm run smoke` and the twin's test run them. */
export const ALL_CHECKS: readonly ContractCheck[] = [...CONTRACT_CHECKS, ...UNIT_CHECKS, ...GATE_CHECKS];

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

/** Runs every check in order (a failure does not stop the rest), then revokes the temporary clients. */
export async function runContractSuite(target: ContractTarget, checks = ALL_CHECKS): Promise<CheckResult[]> {
  const session = new ContractSession(target);
  const results: CheckResult[] = [];
  try {
    for (const check of checks) {
      const started = performance.now();
      try {
        await check.run(session);
        results.push({ name: check.name, ok: true, ms: Math.round(performance.now() - started) });
      } catch (error) {
        results.push({ name: check.name, ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message });
      }
    }
  } finally {
    await session.cleanUp();
  }
  return results;
}

/** The pass/fail table `npm run smoke` prints. */
export function formatResults(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map(
    (r) => `${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${String(r.ms).padStart(6)} ms${r.error ? `\n      ${r.error}` : ''}`,
  );
  const failed = results.filter((r) => !r.ok).length;
  return `${lines.join('\n')}\n${results.length - failed} passed, ${failed} failed`;
}
