// The twin's web ACL emulation over real HTTP: the key-format rule stops a malformed key before the
// authorizer runs, and the per-IP rate rule blocks an address above its limit (here lowered to 40 per 60 s).
import { startTwin, type Twin } from '../../local/twin';
import { gatewayResponse } from '../../contracts/gateway-responses';
import { SECURITY_HEADERS } from '../../contracts/security-headers';

jest.setTimeout(60_000);

const LIMIT = 40;
let twin: Twin;

beforeAll(async () => {
  twin = await startTwin({
    port: 0,
    quiet: true,
    dailySchedule: false,
    stage: { waf: { enabled: false /* the twin emulates it whatever the stage says */, ipRate: { limit: LIMIT, windowSeconds: 60 } } },
  });
}, 60_000);

afterAll(async () => {
  await twin?.stop();
});

const get = (key?: string) => fetch(`${twin.baseUrl}/v1/hello`, { headers: key === undefined ? {} : { 'x-api-key': key } });
const authorizerRuns = () => twin.functionStats()[Object.keys(twin.functionStats()).find((n) => n.includes('authorizer'))!].invocations;
let sent = 0;

async function expectWafFiltered(response: Response) {
  const definition = gatewayResponse('WAF_FILTERED');
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('x-amzn-errortype')).toBe('WAFFilteredException');
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name)).toBe(value);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({
    type: `https://metered-api.dev/problems/${definition.slug}`,
    title: definition.title,
    status: 403,
    detail: definition.detail,
    requestId: response.headers.get('x-amzn-requestid'),
  });
}

test('a malformed x-api-key gets 403 WAF_FILTERED problem+json without reaching the authorizer, not echoing the key', async () => {
  const before = authorizerRuns();
  for (const bad of ['garbage', `mapi${'x'.repeat(39)}!`, `${twin.demoKeys.standard.apiKey}, x`]) {
    const response = await get(bad);
    sent++;
    await expectWafFiltered(response.clone());
    expect(await response.text()).not.toContain(bad.slice(0, 8));
  }
  expect(authorizerRuns()).toBe(before);
});

test('a well-formed unknown key and a missing key pass the web ACL and get the 401 of the authorizer and the gateway', async () => {
  expect((await get(`mapi${'x'.repeat(40)}`)).status).toBe(401);
  expect((await get()).status).toBe(401);
  expect((await get(twin.demoKeys.standard.apiKey)).status).toBe(200);
  sent += 3;
});

test('one address above the per-IP limit is blocked, valid key or not; the blocked requests reach nothing', async () => {
  const key = twin.demoKeys.premium.apiKey;
  const statuses: number[] = [];
  // Sequential, so the count is exact: the remaining allowance, then two more.
  for (let i = sent; i < LIMIT + 2; i++) statuses.push((await get(key)).status);
  expect(statuses.slice(0, LIMIT - sent)).toEqual(Array(LIMIT - sent).fill(200));
  expect(statuses.slice(LIMIT - sent)).toEqual([403, 403]);
  const runsBefore = authorizerRuns();
  await expectWafFiltered(await get(key));
  expect(authorizerRuns()).toBe(runsBefore);
});
