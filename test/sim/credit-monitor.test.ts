// The credit monitor (sim/credit-monitor.ts) must stay quiet for the real alert step and sweeper with credits, and
// see what the end state would hide or what no balance made: a sweep that reports success and leaves a standing
// crossing unclaimed, an event whose balance the client never held in its cycle, a crossing never sent, a claim left
// pending. Also the table model's TransactWrite, which the credit claims and top-ups send.
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CreditBalanceLow } from '../../capabilities/alerts/credit-alerts';
import { sweepAlerts } from '../../capabilities/alerts/sweeper';
import { createAlertStep } from '../../capabilities/counting/alert-step';
import { itemKey } from '../../contracts/table';
import { type Delivery, seedClients } from '../../sim/alert-model';
import { CreditLedger } from '../../sim/credit-model';
import { CreditMonitor } from '../../sim/credit-monitor';
import { TableModel } from '../../sim/table-model';

const TABLE = 'credits';
const NOON = Date.UTC(2026, 10, 27, 12);

/** client-1 on payg, topped up with 1,005 units (cycle 1 of the 1,000 threshold), then 5 taken: at 1,000. */
async function world() {
  const store = new TableModel();
  const now = NOON;
  const deliveries: Delivery<CreditBalanceLow>[] = [];
  const ledger = new CreditLedger(store, TABLE, () => now);
  const monitor = new CreditMonitor({ store, tableName: TABLE, now: () => now, deliveries, ledger, planOf: () => 'payg' });
  seedClients(store, TABLE, ['client-1'], () => ({ plan: 'payg' }));
  await ledger.topUp('client-1', 1_005);
  ledger.take('client-1', 5);
  const table = (container: string) => ({
    db: monitor.doc(container, { send: (command: object) => Promise.resolve().then(() => store.execute(command)) }) as never,
    tableName: TABLE,
  });
  const bus = (container: string) => async (events: readonly CreditBalanceLow[]) => {
    for (const event of events) deliveries.push({ event, at: now, by: container });
  };
  const sweep = (container: string, credits: boolean) =>
    monitor.sweep(
      { id: container, alive: true },
      0,
      () =>
        sweepAlerts(
          {
            table: table(container),
            send: async () => undefined,
            ...(credits ? { credits: { table: table(container), send: bus(container) } } : {}),
            clock: () => now,
          },
          { now: new Date(now), resendOlderThanMs: 0 },
        ),
      ['client-1'],
    );
  return { store, ledger, monitor, deliveries, table, bus, sweep };
}

test('the real step and sweeper pass: one event for the crossing, resent once when its send failed', async () => {
  const w = await world();
  const failing = async () => {
    throw new Error('PutEvents failed');
  };
  const step = w.monitor.step(
    { id: 'λ1', alive: true },
    createAlertStep({
      table: w.table('λ1'),
      send: async () => undefined,
      credits: { table: w.table('λ1'), send: failing, clock: () => NOON },
    }),
  );
  expect((await step([{ clientId: 'client-1', day: '2026-11-27', plan: 'payg' }], 5_000)).error).toBeDefined();
  const report = await w.sweep('sweeper', true);
  expect(report.credits).toEqual({ recovered: 0, resent: 1 });
  expect(w.deliveries.map((d) => `${d.by} ${d.event.eventId} ${d.event.balance}`)).toEqual(['sweeper credit-balance:client-1:1000:1 1000']);
  expect([...w.monitor.violations, ...w.monitor.finalViolations(['client-1'])]).toEqual([]);
});

test('a sweep without its credits part is a violation, and so is the crossing it left unsent', async () => {
  const w = await world();
  await w.sweep('sweeper', false);
  expect(w.monitor.violations).toEqual([
    "sweeper's sweep reported undefined low-balance alerts recovered; it claimed and sent 0",
    "sweeper's sweep returned with credit-balance:client-1:1000:1 standing and unclaimed",
    "sweeper's sweep reported undefined low-balance alerts resent; it resent 0",
  ]);
  expect(w.monitor.finalViolations(['client-1'])).toEqual([
    'credit-balance:client-1:1000:1 stands after the final sweep and was never sent',
  ]);
});

test('an event with a balance the client never held in its cycle, and a claim never sent, are violations', async () => {
  const w = await world();
  await w.sweep('sweeper', true);
  const sent = w.deliveries[0].event;
  w.deliveries.push({ event: { ...sent, balance: 999 }, at: NOON, by: 'λ2' });
  const event = { ...sent, eventId: 'credit-balance:client-1:0:1', threshold: 0, balance: 0 };
  w.store.execute(new PutCommand({ TableName: TABLE, Item: { ...itemKey.creditAlertPending('client-1', 0, 1), event, claimedAt: NOON } }));
  w.store.execute(new PutCommand({ TableName: TABLE, Item: { ...itemKey.creditAlert('client-1', 0, 1), event, claimedAt: NOON } }));
  expect(w.monitor.finalViolations(['client-1'])).toEqual([
    expect.stringMatching(/^credit-balance:client-1:1000:1 sent as 2 different events/),
    expect.stringMatching(/"balance":999.*never held 999 at or below 1000 in cycle 1$/),
    'low-balance alert client-1#0#1 still pending after the final sweep',
    'low-balance alert ALERTS#CREDITS#client-1 0#1 claimed and never sent',
  ]);
});

test('the table model: a failed condition cancels the whole transaction; a retried one is applied once', () => {
  const store = new TableModel();
  const put = (sk: string) => ({ Put: { TableName: TABLE, Item: { pk: 'p', sk }, ConditionExpression: 'attribute_not_exists(pk)' } });
  const first = new TransactWriteCommand({ TransactItems: [put('a'), put('b')] });
  store.execute(first);
  expect(store.execute(first)).toEqual({});
  let error: unknown;
  try {
    store.execute(new TransactWriteCommand({ TransactItems: [put('c'), put('a')] }));
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({
    name: 'TransactionCanceledException',
    CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
  });
  expect(store.items(TABLE).map((i) => i.sk)).toEqual(['a', 'b']);
});

test("a container's step that claims a crossing again after its claim was answered is a violation; the real step asks once", async () => {
  const w = await world();
  const day = [{ clientId: 'client-1', day: '2026-11-27', plan: 'payg' }];
  const real = w.monitor.step(
    { id: 'λ1', alive: true },
    createAlertStep({
      table: w.table('λ1'),
      send: async () => undefined,
      credits: { table: w.table('λ1'), send: w.bus('λ1'), clock: () => NOON },
    }),
  );
  expect((await real(day, 5_000)).creditSent).toBe(1);
  expect((await real(day, 5_000)).creditSent).toBe(0);
  // (The world's clock stands still, so the second step is also judged by the first one's claim: only `again` matters here.)
  const again = () => w.monitor.violations.filter((v) => v.includes('again'));
  expect(again()).toEqual([]);
  // Without its per-container cache (each call a fresh step), the second call claims again and is refused.
  const fresh = () =>
    createAlertStep({
      table: w.table('λ2'),
      send: async () => undefined,
      credits: { table: w.table('λ2'), send: w.bus('λ2'), clock: () => NOON },
    });
  const forgetful = w.monitor.step({ id: 'λ2', alive: true }, (clientDays, budget) => fresh()(clientDays, budget));
  await forgetful(day, 5_000);
  await forgetful(day, 5_000);
  expect(again()).toEqual(['λ2 claimed credit-balance:client-1:1000:1 again after its claim was answered']);
});
