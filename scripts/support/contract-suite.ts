// The client-visible contract as checks over HTTP, written once: `npm test` runs them against the
// twin (test/contract) and `npm run smoke -- --stage S` against a deployed stage (scripts/smoke.ts).
// Each check uses only temporary clients it creates through the target, so it never reads or
// changes another client's data; the session revokes them all at the end.
import assert from 'node:assert/strict';
import { MONTHLY_QUOTAS, PLANS, ROUTE_CLASSES, type PlanName } from '../../contracts/plans';
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
  /** Adds prepaid units to a gate-plan client (`keys top-up`), for the credits check. */
  topUpCredits(clientId: string, units: number): Promise<void>;
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
    name: 'gate plan: a request its prepaid credits do not cover → 402 credits-exhausted, no Retry-After',
    run: async (s) => {
      const client = await s.client('free');
      await s.target.topUpCredits(client.clientId, 1);
      assert.equal((await s.call('GET', '/v1/hello', { key: client.apiKey })).status, 200);
      const spent = await s.call('GET', '/v1/hello', { key: client.apiKey });
      assertProblem(spent, 402);
      assert.equal(spent.json.type, `${PROBLEM_TYPE_BASE}credits-exhausted`);
      assert.equal(spent.headers.get('retry-after'), null);
      // Reading one's usage costs nothing: it still answers with no credits left.
      assert.equal((await s.call('GET', '/v1/usage', { key: client.apiKey })).status, 200);
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
];

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

/** Runs every check in order (a failure does not stop the rest), then revokes the temporary clients. */
export async function runContractSuite(target: ContractTarget, checks = [...CONTRACT_CHECKS, ...GATE_CHECKS]): Promise<CheckResult[]> {
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
