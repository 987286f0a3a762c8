// A correction of a closed month reaches the invoice: the statement manifest lists the client-days it changed
// (`billableDays`), the push sends each difference once (one ledger record, one delta under a new identifier),
// `correctionDelivery` says which are delivered and which are past Stripe's 35-day window. Real parts: DynamoDB
// Local, fauxqs S3, the `stripe` package against the Stripe emulator on loopback.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { startFauxqs } from '../../../local/services/fauxqs';
import type { RunningService } from '../../../local/services/child-service';
import { startStripeEmulator, type StripeEmulator } from '../../../local/stripe/stripe-emulator';
import { pushBillableUnits, type PushDeps } from '../../../capabilities/billing/push';
import { stripeProvider } from '../../../capabilities/billing/stripe-provider';
import { readLedger } from '../../../capabilities/billing/push-ledger';
import { openCorrections } from '../../../capabilities/billing/correction-status';
import { correctionLines } from '../../../scripts/billing-push';
import { correctionDelivery } from '../../../capabilities/billing/correction-delivery';
import { buildMonthlyStatement, writeMonthlyStatement } from '../../../capabilities/statements/monthly-statement';
import { clientItem, counters, createUsageTable, dayItems, documentClient, putItems, s3Client } from '../analytics/fixtures';

const TABLE = 'billing-corrections';
const BUCKET = 'archive-billing-corrections';
const SECRET = `sk_test_${'y'.repeat(24)}`;
const MONTH = '2026-02';
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

const sources = () => ({ table: { db, tableName: TABLE }, archive: { s3, bucket: BUCKET } });
const deps = (): PushDeps => ({
  ...sources(),
  provider: stripeProvider({ secret: SECRET, eventName: 'api_requests', host: stripe.host, port: stripe.port, protocol: 'http' }),
  now: new Date(clock),
  sleep: async () => {},
});
const writeFebruary = (correction?: string) =>
  buildMonthlyStatement(sources(), MONTH, { now: new Date(clock) }).then((s) =>
    writeMonthlyStatement(sources().archive, s, correction ? { correction } : {}),
  );

async function stripePost(path: string, form: Record<string, string>): Promise<{ id: string }> {
  const response = await fetch(`${stripe.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return (await response.json()) as { id: string };
}

it('a correction revision: its client-days in the manifest, one delta each at Stripe, the one past the window reported', async () => {
  await stripePost('/v1/billing/meters', { display_name: 'API units', event_name: 'api_requests', 'default_aggregation[formula]': 'sum' });
  const customer = await stripePost('/v1/customers', { name: 'a' });
  // February, closed on 2026-03-20: cl_a used 5 units on the 10th (38 days ago: past Stripe's 35-day window) and 3 on the 25th.
  await putItems(db, TABLE, [
    { ...clientItem('cl_a'), stripeCustomerId: customer.id },
    ...dayItems('cl_a', '2026-02-10', { 'GET /v1/hello': counters(5) }),
    ...dayItems('cl_a', '2026-02-25', { 'GET /v1/hello': counters(3) }),
  ]);
  expect((await writeFebruary()).manifest).toMatchObject({ status: 'closed', billableUnits: 8 });
  const first = await pushBillableUnits(deps());
  expect(first.sent.map((s) => [s.day, s.value])).toEqual([['2026-02-25', 3]]);
  expect(first.refused.map((r) => [r.day, r.delta])).toEqual([['2026-02-10', 5]]);

  // Late usage is counted for both days after the month closed; the daily job records a correction.
  clock += 3_600_000;
  await putItems(db, TABLE, [
    ...dayItems('cl_a', '2026-02-10', { 'GET /v1/hello': counters(6) }),
    ...dayItems('cl_a', '2026-02-25', { 'GET /v1/hello': counters(7) }),
  ]);
  const corrected = await writeFebruary('late usage');
  expect(corrected.outcome).toBe('corrected');
  expect(corrected.manifest.corrections?.[0]).toMatchObject({
    revision: 2,
    billableUnitsDelta: 5,
    billableDays: [
      { clientId: 'cl_a', day: '2026-02-10', from: 5, to: 6 },
      { clientId: 'cl_a', day: '2026-02-25', from: 3, to: 7 },
    ],
  });
  const ledgers = async () => new Map([['cl_a', await readLedger({ db, tableName: TABLE }, 'cl_a')]]);
  expect(correctionDelivery(corrected.manifest, await ledgers(), new Date(clock)).map((d) => [d.day, d.state, d.delta])).toEqual([
    ['2026-02-10', 'manual', 6],
    ['2026-02-25', 'awaiting-push', 4],
  ]);

  // The next push sends the correction's difference once, under a new identifier; a rerun sends nothing.
  const second = await pushBillableUnits(deps());
  expect(second.sent).toEqual([{ clientId: 'cl_a', day: '2026-02-25', identifier: 'cl_a_2026-02-25_2', value: 4 }]);
  expect((await pushBillableUnits(deps())).sent).toEqual([]);
  const delivery = correctionDelivery(corrected.manifest, await ledgers(), new Date(clock));
  expect(delivery).toEqual([
    expect.objectContaining({ day: '2026-02-10', state: 'manual', delta: 6, reason: expect.stringMatching(/35-day window/) }),
    expect.objectContaining({ revision: 2, day: '2026-02-25', units: 7, state: 'delivered', delta: 0, identifier: 'cl_a_2026-02-25_2' }),
  ]);
  const day = (await ledgers()).get('cl_a')?.get('2026-02-25');
  expect(day?.records.map((r) => [r.identifier, r.value])).toEqual([
    ['cl_a_2026-02-25_1', 3],
    ['cl_a_2026-02-25_2', 4],
  ]);
  // Stripe has the corrected month's units for the day within its window, exactly.
  expect(stripe.totals()).toEqual(new Map([[customer.id, 7]]));

  // A later correction of the same day supersedes this one: the newest revision carries the day.
  await putItems(db, TABLE, dayItems('cl_a', '2026-02-25', { 'GET /v1/hello': counters(8) }));
  const again = await writeFebruary('more late usage');
  expect(again.manifest.corrections?.[1].billableDays).toEqual([{ clientId: 'cl_a', day: '2026-02-25', from: 7, to: 8 }]);
  expect(correctionDelivery(again.manifest, await ledgers(), new Date(clock)).map((d) => [d.revision, d.day, d.state, d.delta])).toEqual([
    [2, '2026-02-10', 'manual', 6],
    [2, '2026-02-25', 'superseded', 0],
    [3, '2026-02-25', 'awaiting-push', 1],
  ]);
  // What billing:push lists after a run: only what still needs someone, read from the stored manifest and ledger.
  expect(
    (await openCorrections(sources(), ['2026-01', '2026-02'], new Date(clock))).map((d) => [d.revision, d.day, d.state, d.delta]),
  ).toEqual([
    [2, '2026-02-10', 'manual', 6],
    [3, '2026-02-25', 'awaiting-push', 1],
  ]);
  expect(correctionLines(await openCorrections(sources(), ['2026-02'], new Date(clock)))).toMatch(
    /^correction 2026-02 r2 cl_a 2026-02-10 manual \+6: past the provider’s 35-day window.*\ncorrection 2026-02 r3 cl_a 2026-02-25 awaiting-push \+1\n$/,
  );
});
