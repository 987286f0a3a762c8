// The billing push end to end on real parts: counters in DynamoDB Local, the archive in fauxqs S3, the `stripe` package
// against the Stripe emulator over loopback HTTP. Synthetic traffic across clients and plans, a forced unknown outcome,
// a killed push, a late event, a day past the 35-day window: the emulator's totals per customer equal the billable
// units exactly, and a second push changes nothing.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { startFauxqs } from '../../../local/services/fauxqs';
import type { RunningService } from '../../../local/services/child-service';
import { startStripeEmulator, type StripeEmulator } from '../../../local/stripe/stripe-emulator';
import { pushBillableUnits, type PushDeps } from '../../../capabilities/billing/push';
import { stripeProvider } from '../../../capabilities/billing/stripe-provider';
import type { BillingProvider } from '../../../capabilities/billing/provider';
import { readLedger } from '../../../capabilities/billing/push-ledger';
import { dayRange } from '../../../capabilities/usage/calendar-days';
import { clientItem, counters, createUsageTable, dayItems, documentClient, putItems, s3Client } from '../analytics/fixtures';

const TABLE = 'billing-push';
const BUCKET = 'archive-billing-push';
const SECRET = `sk_test_${'x'.repeat(24)}`;
let dynamoLocal: RunningService;
let fauxqs: RunningService;
let db: DynamoDBDocumentClient;
let s3: S3Client;
let stripe: StripeEmulator;
let clock = Date.parse('2026-03-20T06:00:00Z');

beforeAll(async () => {
  [dynamoLocal, fauxqs, stripe] = await Promise.all([
    startDynamoDbLocal(),
    startFauxqs(),
    startStripeEmulator({ secret: SECRET, now: () => clock, ratePerSecond: 1_000 }),
  ]);
  db = documentClient(dynamoLocal.endpoint);
  s3 = s3Client(fauxqs.endpoint);
  await createUsageTable(db, TABLE);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 90_000);

afterAll(async () => {
  await Promise.all([dynamoLocal?.stop(), fauxqs?.stop(), stripe?.stop()]);
});

const provider = () =>
  stripeProvider({ secret: SECRET, eventName: 'api_requests', host: stripe.host, port: stripe.port, protocol: 'http' });
const deps = (p: BillingProvider = provider()): PushDeps => ({
  table: { db, tableName: TABLE },
  archive: { s3, bucket: BUCKET },
  provider: p,
  now: new Date(clock),
  sleep: async () => {},
});

async function stripePost(path: string, form: Record<string, string>): Promise<{ id: string }> {
  const response = await fetch(`${stripe.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return (await response.json()) as { id: string };
}

/** A provider that dies (like a killed process) after `n` sends reached Stripe, before the ledger hears of it. */
function killedAfter(n: number): BillingProvider {
  const real = provider();
  let sends = 0;
  return {
    recordedBetween: real.recordedBetween,
    send: async (record) => {
      const answer = await real.send(record);
      if (++sends === n) throw new Error('killed');
      return answer;
    },
  };
}

it('sends each settled client-day once; an unknown outcome and a killed push resolve by reading back; reruns change nothing', async () => {
  await stripePost('/v1/billing/meters', { display_name: 'API units', event_name: 'api_requests', 'default_aggregation[formula]': 'sum' });
  const a = await stripePost('/v1/customers', { name: 'a' });
  const b = await stripePost('/v1/customers', { name: 'b' });
  // A month of synthetic traffic: cl_a standard (hello, quotes with 3 units a request, some 4xx), cl_b premium
  // (5xx and usage reads, never billable), cl_c without a Stripe customer.
  const days = dayRange('2026-03-01', '2026-03-19');
  await putItems(db, TABLE, [
    { ...clientItem('cl_a'), stripeCustomerId: a.id },
    { ...clientItem('cl_b', 'premium'), stripeCustomerId: b.id },
    clientItem('cl_c'),
    ...days.flatMap((day, i) => [
      ...dayItems('cl_a', day, {
        'GET /v1/hello': counters(10 + i, { clientErrors: i % 3 }),
        'POST /v1/quotes': counters(2, { units: 6 }),
      }),
      ...dayItems('cl_b', day, { 'POST /v1/quotes': counters(5, { serverErrors: 1 }), 'GET /v1/usage': counters(4, { units: 0 }) }),
      ...dayItems('cl_c', day, { 'GET /v1/hello': counters(1) }),
    ]),
  ]);
  // Settled on 2026-03-20: days up to 03-15 (4 settle days). Billable: cl_a (10 + i − i % 3) + 6, cl_b 4 (5 − one 5xx).
  const settled = days.filter((d) => d <= '2026-03-15');
  const expectA = settled.reduce((sum, _d, i) => sum + 10 + i - (i % 3) + 6, 0);
  const expectB = settled.length * 4;

  // Run 1: the third event is recorded by Stripe but its answer is lost (unknown outcome); the push goes on.
  let sends = 0;
  const real = provider();
  const flaky: BillingProvider = {
    recordedBetween: real.recordedBetween,
    send: async (record) => {
      if (++sends === 3) {
        // Recorded, its answer lost, and the `stripe` package's one resend on a closed connection lost too.
        stripe.injectFault('record-then-drop');
        stripe.injectFault('drop-before-record');
      }
      return real.send(record);
    },
  };
  const first = await pushBillableUnits(deps(flaky));
  expect(first.unknown).toHaveLength(1);
  expect(first.unmapped).toEqual(['cl_c']);
  expect(first.sent).toHaveLength(2 * settled.length - 1);

  // Run 2 is killed after its first send reached Stripe (a resolution re-reads, nothing to resend).
  clock += 60_000;
  const second = await pushBillableUnits(deps(killedAfter(1))).catch((e: Error) => e.message);
  // Nothing left to send but the pending record, resolved by reading the summaries: no send, so no kill.
  expect(second).toMatchObject({ sent: [], resolved: [expect.objectContaining({ outcome: 'found' })] });
  expect(stripe.totals()).toEqual(
    new Map([
      [a.id, expectA],
      [b.id, expectB],
    ]),
  );

  // Two days later: 03-16 and 03-17 settle; this push is killed after Stripe took the first event.
  clock = Date.parse('2026-03-22T06:00:00Z');
  await expect(pushBillableUnits(deps(killedAfter(1)))).rejects.toThrow('killed');
  const resumed = await pushBillableUnits(deps());
  expect(resumed.resolved).toEqual([expect.objectContaining({ outcome: 'found' })]);
  const settledNow = days.filter((d) => d <= '2026-03-17');
  const expectA2 = settledNow.reduce((sum, _d, i) => sum + 10 + i - (i % 3) + 6, 0);
  expect(stripe.totals()).toEqual(
    new Map([
      [a.id, expectA2],
      [b.id, settledNow.length * 4],
    ]),
  );

  // A push run again changes nothing at Stripe.
  const events = stripe.events.length;
  expect(await pushBillableUnits(deps())).toEqual({
    sent: [],
    resolved: [],
    unknown: [],
    refused: [],
    unmapped: ['cl_c'],
    unchanged: expect.arrayContaining([{ clientId: 'cl_a', day: '2026-03-17' }]),
  });
  expect(stripe.events).toHaveLength(events);

  // A late event on 03-05 (19 billable units become 26): exactly one delta, under a new identifier.
  await putItems(
    db,
    TABLE,
    dayItems('cl_a', '2026-03-05', { 'GET /v1/hello': counters(21, { clientErrors: 1 }), 'POST /v1/quotes': counters(2, { units: 6 }) }),
  );
  const late = await pushBillableUnits(deps());
  expect(late.sent).toEqual([{ clientId: 'cl_a', day: '2026-03-05', identifier: 'cl_a_2026-03-05_2', value: 7 }]);
  expect(stripe.totals().get(a.id)).toBe(expectA2 + 7);
  const ledger = (await readLedger({ db, tableName: TABLE }, 'cl_a')).get('2026-03-05');
  expect(ledger).toMatchObject({
    sent: 26,
    seq: 2,
    records: [
      { identifier: 'cl_a_2026-03-05_1', value: 19 },
      { identifier: 'cl_a_2026-03-05_2', value: 7 },
    ],
  });

  // 40 days on, a late event on 03-02 is past Stripe's 35-day window: refused and reported, never sent.
  clock = Date.parse('2026-04-11T06:00:00Z');
  await putItems(
    db,
    TABLE,
    dayItems('cl_a', '2026-03-02', { 'GET /v1/hello': counters(20, { clientErrors: 1 }), 'POST /v1/quotes': counters(2, { units: 6 }) }),
  );
  const tooLate = await pushBillableUnits(deps());
  expect(tooLate.refused).toEqual([expect.objectContaining({ clientId: 'cl_a', day: '2026-03-02', delta: 9 })]);
  expect(tooLate.refused[0].reason).toContain('35-day window');
  // The days settled since then went out; Stripe's totals equal the billable units of every day it could take.
  const all = days;
  const billableA = all.reduce((sum, day, i) => sum + (day === '2026-03-05' ? 26 : day === '2026-03-02' ? 25 : 10 + i - (i % 3) + 6), 0);
  expect(stripe.totals()).toEqual(
    new Map([
      [a.id, billableA - 9],
      [b.id, all.length * 4],
    ]),
  );
  const count = stripe.events.length;
  expect((await pushBillableUnits(deps())).sent).toEqual([]);
  expect(stripe.events).toHaveLength(count);
}, 120_000);

it('a day refused for a customer Stripe does not know goes to the customer the client is mapped to next', async () => {
  clock = Date.parse('2026-04-11T06:00:00Z');
  await putItems(db, TABLE, [
    { ...clientItem('cl_d'), stripeCustomerId: 'cus_NotAtStripe' },
    ...dayItems('cl_d', '2026-04-02', { 'GET /v1/hello': counters(8) }),
  ]);
  const refused = await pushBillableUnits({ ...deps(), day: '2026-04-02' });
  expect(refused.refused).toEqual([expect.objectContaining({ clientId: 'cl_d', day: '2026-04-02', delta: 8 })]);
  expect(refused.refused[0].reason).toContain('resource_missing');
  const d = await stripePost('/v1/customers', { name: 'd' });
  await putItems(db, TABLE, [{ ...clientItem('cl_d'), stripeCustomerId: d.id }]);
  const sent = await pushBillableUnits({ ...deps(), day: '2026-04-02' });
  expect(sent.sent).toEqual([{ clientId: 'cl_d', day: '2026-04-02', identifier: 'cl_d_2026-04-02_2', value: 8 }]);
  expect(stripe.totals().get(d.id)).toBe(8);
  expect((await readLedger({ db, tableName: TABLE }, 'cl_d')).get('2026-04-02')).toMatchObject({ customer: d.id, sent: 8 });
}, 60_000);
