// The admin API on the twin as an operator sees it: real HTTP on the gateway's port with the admin token
// (create → list paging → get → set-plan → usage → revoke), refusals of client keys and missing or wrong
// tokens as problem+json, and one audit line per request, without key material.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTwin, type Twin } from '../../local/twin';
import { auditRecord, type AuditRecord } from '../../contracts/admin/audit';
import { clientListResponse, clientView } from '../../contracts/admin/clients';
import { usageSummaryResponse } from '../../contracts/routes/usage-summary';
import { PLAN_NAMES, PLANS } from '../../contracts/plans';
import { DEFAULT_PERIOD_DAYS } from '../../capabilities/analytics/usage-summary';
import { type Answer, httpCall } from '../../scripts/support/http-call';

jest.setTimeout(60_000);

let twin: Twin;
let auditFile: string;

beforeAll(async () => {
  auditFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'admin-api-')), 'audit.log');
  twin = await startTwin({ port: 0, quiet: true, dailySchedule: false, adminAuditFile: auditFile });
}, 60_000);

afterAll(async () => {
  await twin?.stop();
});

/** A call with the admin token (the twin's unless `token` names another; null sends none). */
function call(method: string, urlPath: string, options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? twin.state.adminToken : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return httpCall(twin.baseUrl, method, urlPath, { body: options.body, headers });
}

function auditLines(): AuditRecord[] {
  if (!fs.existsSync(auditFile)) return [];
  return fs
    .readFileSync(auditFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => auditRecord.parse(JSON.parse(line)));
}

function expectProblem(answer: Answer, status: number, slug: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.json).toMatchObject({ type: `https://metered-api.dev/problems/${slug}`, status });
}

test('the state file holds an admin token and the audit file path', () => {
  expect(twin.state.adminToken).toMatch(/^mtadm_[A-Za-z0-9_-]{43}$/);
  expect(twin.state.adminAuditFile).toBe(auditFile);
});

test('create → list paging → get → set-plan → usage → revoke, each audited', async () => {
  // Create three clients; the key is in the create answer only.
  const created = [];
  for (const name of ['acme', 'globex', 'initech']) {
    const answer = await call('POST', '/admin/v1/clients', { body: { plan: 'standard', name } });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.json).toEqual({ apiKey: expect.stringMatching(/^mapi/), clientId: expect.stringMatching(/^cl_/), plan: 'standard' });
    created.push(answer.json as { apiKey: string; clientId: string; plan: string });
  }
  const [acme] = created;

  // List, two at a time, until no nextCursor: every client once, in id order, no key material.
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const answer = await call('GET', `/admin/v1/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status).toBe(200);
    const page = clientListResponse.parse(answer.json);
    expect(page.clients.length).toBeLessThanOrEqual(2);
    expect(answer.text).not.toMatch(/usageKey|keyHash|apiGatewayKeyId|musg|mapi/);
    seen.push(...page.clients.map((c) => c.clientId));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 10);
  // The demo clients (one per plan) and the three made here.
  expect(seen).toHaveLength(PLAN_NAMES.length + 3);
  expect(new Set(seen).size).toBe(seen.length);
  expect([...seen].sort()).toEqual(seen);
  for (const c of created) expect(seen).toContain(c.clientId);
  expect(pages).toBeGreaterThanOrEqual(Math.ceil(seen.length / 2));

  // Get.
  const got = await call('GET', `/admin/v1/clients/${acme.clientId}`);
  expect(got.status).toBe(200);
  expect(clientView.parse(got.json)).toMatchObject({ clientId: acme.clientId, name: 'acme', plan: 'standard', status: 'active' });

  // Traffic with the new key, then its usage through the admin route: the /v1/usage shapes.
  for (let i = 0; i < 3; i++) expect((await fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': acme.apiKey } })).status).toBe(200);
  await twin.drainUsage(30_000);

  // Set-plan: the client moves, the answer says from what to what.
  const moved = await call('POST', `/admin/v1/clients/${acme.clientId}/set-plan`, { body: { plan: 'premium' } });
  expect(moved.status).toBe(200);
  expect(moved.json).toEqual({ clientId: acme.clientId, before: 'standard', after: 'premium', changedAt: expect.any(String) });
  expect((await call('GET', `/admin/v1/clients/${acme.clientId}`)).json.plan).toBe('premium');

  const usage = await call('GET', `/admin/v1/clients/${acme.clientId}/usage`);
  expect(usage.status).toBe(200);
  const summary = usageSummaryResponse.parse(usage.json);
  expect(summary.clientId).toBe(acme.clientId);
  expect(summary.plan.name).toBe('premium');
  expect(summary.totals.requests).toBe(3);
  expect(summary.period.days).toBe(DEFAULT_PERIOD_DAYS);
  expect(summary.routes.find((r) => r.route === 'GET /v1/hello')?.requests).toBe(3);
  // The client's own /v1/usage agrees: admin requests were not metered as its usage.
  // Its cached authorizer result was dropped by set-plan: the very next request is on the new plan.
  const own = await fetch(`${twin.baseUrl}/v1/usage`, { headers: { 'x-api-key': acme.apiKey } });
  const ownUsage = (await own.json()) as { totals: { requests: number }; plan: { name: string } };
  expect(ownUsage.totals.requests).toBe(3);
  expect(ownUsage.plan.name).toBe('premium');

  // Revoke: in force at once (the gateway's cache is dropped), shown as revoked.
  const revoked = await call('POST', `/admin/v1/clients/${acme.clientId}/revoke`);
  expect(revoked.status).toBe(200);
  expect(revoked.json).toMatchObject({ clientId: acme.clientId, status: 'revoked', revokedAt: expect.any(String) });
  expect([401, 403]).toContain((await fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': acme.apiKey } })).status);
  expectProblem(await call('POST', `/admin/v1/clients/${acme.clientId}/set-plan`, { body: { plan: 'standard' } }), 409, 'client-revoked');

  // The audit file: one record per request, with before/after of changes and never a key value.
  const text = fs.readFileSync(auditFile, 'utf8');
  for (const c of created) expect(text).not.toContain(c.apiKey);
  expect(text).not.toMatch(/musg|keyHash|usageKey|apiGatewayKeyId|mtadm_/);
  const lines = auditLines().filter((r) => r.clientId === acme.clientId);
  expect(lines.map((r) => [r.action, r.outcome, r.status])).toEqual([
    ['POST /admin/v1/clients', 'accepted', 201],
    ['GET /admin/v1/clients/{id}', 'accepted', 200],
    ['POST /admin/v1/clients/{id}/set-plan', 'accepted', 200],
    ['GET /admin/v1/clients/{id}', 'accepted', 200],
    ['GET /admin/v1/clients/{id}/usage', 'accepted', 200],
    ['POST /admin/v1/clients/{id}/revoke', 'accepted', 200],
    ['POST /admin/v1/clients/{id}/set-plan', 'refused', 409],
  ]);
  for (const line of lines) expect(line.who).toBe('twin-admin');
  const [create, , setPlan, , , revoke] = lines;
  expect(create.after).toMatchObject({ plan: 'standard', status: 'active' });
  expect(setPlan).toMatchObject({ before: { plan: 'standard' }, after: { plan: 'premium' } });
  expect(revoke).toMatchObject({ before: { status: 'active' }, after: { status: 'revoked' } });
  expect(lines[6].reason).toBe('client-revoked');
});

test('rotate: a new key for the same client, the old one refused at once with graceSeconds 0; expiresInDays on create', async () => {
  const created = await call('POST', '/admin/v1/clients', { body: { plan: 'standard', name: 'rotor', expiresInDays: 30 } });
  expect(created.status).toBe(201);
  const { apiKey: oldKey, clientId } = created.json as { apiKey: string; clientId: string };
  const hello = (key: string) => fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': key } });
  expect((await hello(oldKey)).status).toBe(200);

  const rotated = await call('POST', `/admin/v1/clients/${clientId}/rotate`, { body: { graceSeconds: 0, expiresInDays: 7 } });
  expect(rotated.status).toBe(200);
  expect(rotated.json).toEqual({
    apiKey: expect.stringMatching(/^mapi/),
    clientId,
    plan: 'standard',
    oldKeyValidUntil: expect.any(String),
  });
  const newKey = (rotated.json as { apiKey: string }).apiKey;
  expect(newKey).not.toBe(oldKey);
  expect((await hello(newKey)).status).toBe(200);
  // graceSeconds 0 drops the cached result: the old key is refused on the very next request.
  const refused = await hello(oldKey);
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { detail: string }).detail).toMatch(/replaced by a newer key/);
  expect(fs.readFileSync(auditFile, 'utf8')).not.toContain(newKey);

  expectProblem(await call('POST', `/admin/v1/clients/${clientId}/rotate`, { body: { graceSeconds: -1 } }), 400, 'invalid-request');
  await call('POST', `/admin/v1/clients/${clientId}/revoke`);
  expectProblem(await call('POST', `/admin/v1/clients/${clientId}/rotate`, { body: {} }), 409, 'client-revoked');
});

test("override: the client's own limits, checked against the caps, shown by its usage; set-plan removes them", async () => {
  const created = await call('POST', '/admin/v1/clients', { body: { plan: 'standard', name: 'big-customer' } });
  const { apiKey, clientId } = created.json as { apiKey: string; clientId: string };
  const overridden = await call('POST', `/admin/v1/clients/${clientId}/override`, { body: { dailyQuota: 50_000, ratePerMinute: 500 } });
  expect(overridden.status).toBe(200);
  expect(overridden.json).toEqual({
    clientId,
    plan: 'standard',
    after: { ratePerMinute: 500, burst: 20, dailyQuota: 50_000 },
    setAt: expect.any(String),
  });
  // In force from the next request (the cached authorizer result was dropped).
  const own = await fetch(`${twin.baseUrl}/v1/usage`, { headers: { 'x-api-key': apiKey } });
  expect(((await own.json()) as { limits: unknown }).limits).toMatchObject({ source: 'override', ratePerMinute: 500, dailyQuota: 50_000 });
  const usage = await call('GET', `/admin/v1/clients/${clientId}/usage`);
  expect(usage.json.limits).toMatchObject({ source: 'override', dailyQuota: 50_000 });

  // Over the caps, or nothing at all: 400 with the field, the value not echoed.
  const tooMuch = await call('POST', `/admin/v1/clients/${clientId}/override`, { body: { dailyQuota: 987_654_321 } });
  expectProblem(tooMuch, 400, 'invalid-request');
  expect(tooMuch.json.errors.map((e: { path: string }) => e.path)).toEqual(['body.dailyQuota']);
  expect(tooMuch.text).not.toContain('987654321');
  expectProblem(await call('POST', `/admin/v1/clients/${clientId}/override`, { body: {} }), 400, 'invalid-request');

  const back = await call('POST', `/admin/v1/clients/${clientId}/set-plan`, { body: { plan: 'standard' } });
  expect(back.status).toBe(200);
  expect((await call('GET', `/admin/v1/clients/${clientId}/usage`)).json.limits).toMatchObject({ source: 'plan' });
});

describe('refusals', () => {
  test('a client API key is no admin credential: 401 without a token, 403 as a token; both audited', async () => {
    const demo = twin.demoKeys.standard.apiKey;
    const before = auditLines().length;
    const keyOnly = await call('GET', '/admin/v1/clients', { token: null, headers: { 'x-api-key': demo } });
    expectProblem(keyOnly, 401, 'admin-token-missing');
    expect(keyOnly.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
    expect(keyOnly.text).not.toContain(demo);
    const keyAsToken = await call('POST', '/admin/v1/clients', { token: demo, body: { plan: 'premium', name: 'sneaky' } });
    expectProblem(keyAsToken, 403, 'admin-token-invalid');
    expect(keyAsToken.text).not.toContain(demo);
    const records = auditLines().slice(before);
    expect(records.map((r) => [r.who, r.action, r.outcome, r.status, r.reason])).toEqual([
      ['unauthenticated', 'GET /admin/v1/clients', 'refused', 401, 'admin-token-missing'],
      ['unauthenticated', 'POST /admin/v1/clients', 'refused', 403, 'admin-token-invalid'],
    ]);
    expect(fs.readFileSync(auditFile, 'utf8')).not.toContain(demo);
  });

  test('no token at all: 401 problem+json', async () => {
    expectProblem(await call('GET', '/admin/v1/clients', { token: null }), 401, 'admin-token-missing');
    expectProblem(
      await call('GET', '/admin/v1/clients', { token: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
      401,
      'admin-token-missing',
    );
  });

  test('invalid input: 400 with field paths, never echoing the input; unknown client 404', async () => {
    const bad = await call('POST', '/admin/v1/clients', { body: { plan: 'platinum<script>', name: '' } });
    expectProblem(bad, 400, 'invalid-request');
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.name', 'body.plan']);
    expect(bad.text).not.toContain('platinum');
    expectProblem(await call('GET', '/admin/v1/clients/not-a-client'), 400, 'invalid-request');
    expectProblem(await call('GET', `/admin/v1/clients/cl_${'0'.repeat(32)}`), 404, 'client-not-found');
    expectProblem(await call('POST', `/admin/v1/clients/cl_${'0'.repeat(32)}/revoke`), 404, 'client-not-found');
    const cursor = await call('GET', '/admin/v1/clients?cursor=%25%25');
    expectProblem(cursor, 400, 'invalid-request');
    expect(cursor.json.errors).toEqual([{ path: 'query.cursor', message: 'must be a nextCursor returned by this route' }]);
    expectProblem(await call('GET', '/admin/v1/clients?limit=1000'), 400, 'invalid-request');
    // A method or path the admin API does not have: API Gateway's answer for an unknown resource.
    expectProblem(await call('DELETE', '/admin/v1/clients'), 404, 'not-found');
  });
});

test('set-plan across admissions: onto the gate it starts from today’s units; back onto a gateway plan a key is registered', async () => {
  const created = await call('POST', '/admin/v1/clients', { body: { name: 'mover', plan: 'standard' } });
  expect(created.status).toBe(201);
  const { clientId, apiKey } = created.json as { clientId: string; apiKey: string };
  const hello = () => fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': apiKey } });
  const used = 4;
  for (let i = 0; i < used; i++) expect((await hello()).status).toBe(200);
  await twin.drainUsage(30_000);

  // Onto the free plan (gate): the gate holds today's 4 units as taken, so the daily quota left is 100 − 4 − this one.
  const toGate = await call('POST', `/admin/v1/clients/${clientId}/set-plan`, { body: { plan: 'free' } });
  expect(toGate.status).toBe(200);
  const onGate = await hello();
  expect(onGate.status).toBe(200);
  expect(onGate.headers.get('ratelimit')).toContain(`"daily";r=${PLANS.free.dailyQuota - used - 1};`);

  // Back onto standard: the client, created with a key of its own, keeps it and is metered by API Gateway again.
  const back = await call('POST', `/admin/v1/clients/${clientId}/set-plan`, { body: { plan: 'standard' } });
  expect(back.status).toBe(200);
  expect((await hello()).status).toBe(200);

  // A client created on the gate has no usage key registered with the gateway; moving it to standard registers one.
  const gateBorn = await call('POST', '/admin/v1/clients', { body: { name: 'gate-born', plan: 'free' } });
  const born = gateBorn.json as { clientId: string; apiKey: string };
  expect((await fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': born.apiKey } })).status).toBe(200);
  expect((await call('POST', `/admin/v1/clients/${born.clientId}/set-plan`, { body: { plan: 'standard' } })).status).toBe(200);
  expect((await fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': born.apiKey } })).status).toBe(200);
});

test('top-up: a gate-plan client’s balance grows, once per topUpId, audited with the caller; a gateway-plan client → 409', async () => {
  const free = (await call('POST', '/admin/v1/clients', { body: { name: 'prepaid', plan: 'free' } })).json as {
    clientId: string;
    apiKey: string;
  };
  const first = await call('POST', `/admin/v1/clients/${free.clientId}/credits`, { body: { units: 2, topUpId: 'order-1' } });
  expect(first.status).toBe(200);
  expect(first.json).toMatchObject({ clientId: free.clientId, topUpId: 'order-1', units: 2, balance: 2, by: expect.any(String) });
  // A retry of the same top-up adds nothing.
  const retry = await call('POST', `/admin/v1/clients/${free.clientId}/credits`, { body: { units: 2, topUpId: 'order-1' } });
  expect(retry.status).toBe(200);
  expect(retry.json.balance).toBe(2);
  // The gate takes the prepaid units: two requests pass, the third is 402.
  const hello = () => fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': free.apiKey } }).then((r) => r.status);
  expect([await hello(), await hello(), await hello()]).toEqual([200, 200, 402]);
  expect(auditLines().filter((r) => r.action === 'POST /admin/v1/clients/{id}/credits' && r.clientId === free.clientId)).toHaveLength(2);

  const standard = (await call('POST', '/admin/v1/clients', { body: { name: 'postpaid', plan: 'standard' } })).json as { clientId: string };
  expectProblem(await call('POST', `/admin/v1/clients/${standard.clientId}/credits`, { body: { units: 5 } }), 409, 'not-a-gate-plan');
  const bad = await call('POST', `/admin/v1/clients/${free.clientId}/credits`, { body: { units: 0, topUpId: 'x y' } });
  expectProblem(bad, 400, 'invalid-request');
  expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.topUpId', 'body.units']);
});

test('GET shows key expiry, override and Stripe customer; PUT …/stripe-customer sets it (audited), 400 without echo, 404 unknown', async () => {
  const created = await call('POST', '/admin/v1/clients', { body: { plan: 'standard', name: 'billed', expiresInDays: 30 } });
  const { clientId } = created.json as { clientId: string };
  const fresh = clientView.parse((await call('GET', `/admin/v1/clients/${clientId}`)).json);
  expect(Date.parse(fresh.keyExpiresAt ?? '') - Date.now()).toBeGreaterThan(29 * 86_400_000);
  expect(fresh.override).toBeUndefined();
  expect(fresh.stripeCustomerId).toBeUndefined();

  expect((await call('POST', `/admin/v1/clients/${clientId}/override`, { body: { dailyQuota: 40_000 } })).status).toBe(200);
  const put = await call('PUT', `/admin/v1/clients/${clientId}/stripe-customer`, { body: { customerId: 'cus_Billed42' } });
  expect(put.status).toBe(200);
  expect(clientView.parse(put.json)).toMatchObject({ clientId, stripeCustomerId: 'cus_Billed42' });

  const got = await call('GET', `/admin/v1/clients/${clientId}`);
  expect(got.status).toBe(200);
  expect(clientView.parse(got.json)).toEqual({
    clientId,
    name: 'billed',
    plan: 'standard',
    status: 'active',
    createdAt: expect.any(String),
    keyExpiresAt: fresh.keyExpiresAt,
    override: { ratePerMinute: expect.any(Number), burst: expect.any(Number), dailyQuota: 40_000, setAt: expect.any(String) },
    stripeCustomerId: 'cus_Billed42',
  });
  expect(got.text).not.toMatch(/usagePlanId|usageKey|musg/);

  // A malformed id: 400 naming the field, the value not echoed; unknown client: 404; both problem+json.
  const bad = await call('PUT', `/admin/v1/clients/${clientId}/stripe-customer`, { body: { customerId: 'cus_<script>x' } });
  expectProblem(bad, 400, 'invalid-request');
  expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(['body.customerId']);
  expect(bad.text).not.toContain('<script>');
  expectProblem(await call('PUT', `/admin/v1/clients/${clientId}/stripe-customer`, { body: {} }), 400, 'invalid-request');
  expectProblem(
    await call('PUT', `/admin/v1/clients/${clientId}/stripe-customer`, { body: { customerId: 'cus_A', extra: 1 } }),
    400,
    'invalid-request',
  );
  const unknown = await call('PUT', `/admin/v1/clients/cl_${'0'.repeat(32)}/stripe-customer`, { body: { customerId: 'cus_Other1' } });
  expectProblem(unknown, 404, 'client-not-found');

  // One record per request: the accepted one with before and after.
  const records = auditLines().filter((r) => r.action === 'PUT /admin/v1/clients/{id}/stripe-customer' && r.clientId === clientId);
  expect(records.map((r) => [r.outcome, r.status])).toEqual([
    ['accepted', 200],
    ['refused', 400],
    ['refused', 400],
    ['refused', 400],
  ]);
  expect(records[0].before?.stripeCustomerId).toBeUndefined();
  expect(records[0].after).toMatchObject({ stripeCustomerId: 'cus_Billed42', override: { dailyQuota: 40_000 } });
  expect(fs.readFileSync(auditFile, 'utf8')).not.toContain('<script>');
});
