// The Stripe emulator keeps Stripe's documented rules (docs/billing.md): identifiers unique for 24 h only, timestamps
// within the past 35 days and at most 5 minutes ahead, 401 on a wrong key, 429 past the rate, summaries per customer.
import { startStripeEmulator, type StripeEmulator } from '../../../local/stripe/stripe-emulator';
import { stripeProvider } from '../../../capabilities/billing/stripe-provider';

const SECRET = 'sk_test_emulator';
let clock = Date.parse('2026-03-20T12:00:00Z');
let stripe: StripeEmulator;

beforeAll(async () => {
  stripe = await startStripeEmulator({ secret: SECRET, now: () => clock, ratePerSecond: 5 });
});
afterAll(() => stripe?.stop());

async function call(method: string, path: string, form: Record<string, string> = {}, secret = SECRET) {
  const response = await fetch(`${stripe.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: method === 'POST' ? new URLSearchParams(form) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

it('listens on loopback only and applies the documented windows through the stripe package', async () => {
  expect(stripe.host).toBe('127.0.0.1');
  await call('POST', '/v1/billing/meters', { event_name: 'api_requests', display_name: 'units' });
  const customer = (await call('POST', '/v1/customers', { name: 'c' })).body.id as string;
  const provider = stripeProvider({ secret: SECRET, eventName: 'api_requests', host: stripe.host, port: stripe.port, protocol: 'http' });
  const day = Date.parse('2026-03-19T00:00:00Z') / 1000;
  const send = (identifier: string, timestamp = day) => {
    clock += 1_000; // one request a second: below the rate limit
    return provider.send({ identifier, customer, value: 5, timestamp });
  };

  expect(await send('one')).toEqual({ outcome: 'accepted' });
  expect(await send('one')).toEqual({ outcome: 'duplicate' });
  // 24 hours later the identifier is forgotten: a resend counts again (why the push keeps a ledger).
  clock += 24 * 3_600_000;
  expect(await send('one')).toEqual({ outcome: 'accepted' });
  expect(await provider.recordedBetween(customer, day, day + 86_400)).toBe(10);

  const nowS = clock / 1000 + 1; // as of the next send
  expect(await send('old', nowS - 35 * 86_400 - 60)).toMatchObject({ outcome: 'refused', status: 400, code: 'timestamp_too_far_in_past' });
  expect(await send('edge', nowS - 35 * 86_400 + 60)).toEqual({ outcome: 'accepted' });
  expect(await send('ahead', nowS + 6 * 60)).toMatchObject({ outcome: 'refused', code: 'timestamp_in_future' });
  expect(await send('soon', nowS + 4 * 60)).toEqual({ outcome: 'accepted' });
});

it('answers a wrong key with 401, and 429 past the rate, in Stripe’s error shape', async () => {
  clock += 1_000;
  const wrong = await call('GET', '/v1/billing/meters', {}, 'sk_test_wrong1234');
  expect(wrong).toEqual({ status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: ****1234' } } });
  clock += 1_000;
  const answers = [];
  for (let i = 0; i < 7; i++) answers.push((await call('GET', '/v1/billing/meters')).status);
  expect(answers).toEqual([200, 200, 200, 200, 200, 429, 429]);
  const limited = await call('GET', '/v1/billing/meters');
  expect(limited.body.error).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit' });
});
