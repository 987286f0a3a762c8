// The alert monitor (sim/alert-monitor.ts) must see an alert step or a sweep that reports success without doing what
// it promises (send what it claimed, claim what the counters reached, resend what was left pending, leave young
// items to their claimer), since the final sweep hides each of these from the end state; and it must stay quiet
// for the real alert step and sweeper.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createAlertStep } from '../../capabilities/counting/alert-step';
import { sweepAlerts } from '../../capabilities/alerts/sweeper';
import { alertEventId, type ThresholdCrossed } from '../../capabilities/alerts/threshold-crossings';
import { COUNTER_ATTRIBUTES } from '../../capabilities/usage/counters';
import { itemKey } from '../../contracts/table';
import { type Delivery, seedClients } from '../../sim/alert-model';
import { AlertMonitor } from '../../sim/alert-monitor';
import { TableModel } from '../../sim/table-model';

const TABLE = 'alerts';
const DAY = '2026-11-27';
const NOON = Date.UTC(2026, 10, 27, 12);
const QUOTA = 10;

/** client-1 at 8 of 10 requests on DAY (its 80 % crossing reached), a monitor over the table and a modelled bus. */
function world() {
  const store = new TableModel();
  let now = NOON;
  const deliveries: Delivery[] = [];
  const monitor = new AlertMonitor({ store, tableName: TABLE, now: () => now, deliveries, quota: () => QUOTA });
  seedClients(store, TABLE, ['client-1']);
  store.execute(new PutCommand({ TableName: TABLE, Item: { ...itemKey.dayCounter('client-1', DAY), [COUNTER_ATTRIBUTES.requests]: 8 } }));
  const db = (container: string) =>
    monitor.doc(container, { send: (command: object) => Promise.resolve().then(() => store.execute(command)) });
  const bus = (container: string) => async (events: readonly ThresholdCrossed[]) => {
    for (const event of events) deliveries.push({ event, at: now, by: container });
  };
  const table = (container: string) => ({ db: db(container) as never, tableName: TABLE });
  return { store, monitor, deliveries, db, bus, table, setNow: (t: number) => (now = t), container: (id: string) => ({ id, alive: true }) };
}

const CLIENT_DAY = [{ clientId: 'client-1', day: DAY, plan: 'standard' }];

test('the real alert step and sweeper pass: each sends what it claims, claims what is reached, resends what was left', async () => {
  const w = world();
  const step = w.monitor.step(
    w.container('λ1'),
    createAlertStep({ table: w.table('λ1'), send: w.bus('λ1'), quotaFor: () => QUOTA, clock: () => NOON }),
  );
  expect(await step(CLIENT_DAY, 5_000)).toMatchObject({ sent: 1, timedOut: false });
  // A pending item of another claimer, old enough to resend, and a young one to leave alone.
  for (const [threshold, claimedAt] of [
    [90, NOON - 600_000],
    [95, NOON - 1_000],
  ] as const) {
    const event = {
      eventId: alertEventId('client-2', DAY, threshold),
      clientId: 'client-2',
      plan: 'standard',
      threshold,
      used: 9,
      quota: QUOTA,
      day: DAY,
    };
    w.store.execute(
      new PutCommand({ TableName: TABLE, Item: { ...itemKey.alert(DAY, 'client-2', threshold), status: 'pending', event, claimedAt } }),
    );
  }
  const deps = { table: w.table('sweeper'), send: w.bus('sweeper'), quotaFor: () => QUOTA, clock: () => NOON };
  const report = await w.monitor.sweep(
    w.container('sweeper'),
    120_000,
    () => sweepAlerts(deps, { now: new Date(NOON), resendOlderThanMs: 120_000 }),
    ['client-1'],
  );
  expect(report.resent).toBe(1);
  expect(w.monitor.violations).toEqual([]);
  expect(w.deliveries.map((d) => `${d.by} ${d.event.eventId}`)).toEqual([
    `λ1 ${alertEventId('client-1', DAY, 80)}`,
    `sweeper ${alertEventId('client-2', DAY, 90)}`,
  ]);
});

test('an alert step that claims a crossing and returns without sending it is a violation', async () => {
  const w = world();
  const claimOnly = createAlertStep({ table: w.table('λ1'), send: async () => undefined, quotaFor: () => QUOTA, clock: () => NOON });
  await w.monitor.step(w.container('λ1'), claimOnly)(CLIENT_DAY, 5_000);
  expect(w.monitor.violations).toEqual([`λ1's alert step claimed ${alertEventId('client-1', DAY, 80)} and returned without sending it`]);
});

test('an alert step that reports success with a reached crossing unclaimed is a violation; a timed-out one is not judged', async () => {
  const w = world();
  const nothing = async () => ({ clientDays: 1, sent: 0, timedOut: false });
  await w.monitor.step(w.container('λ1'), nothing)(CLIENT_DAY, 5_000);
  expect(w.monitor.violations).toEqual([`λ1's alert step returned with client-1/${DAY}/80% (8) reached and unclaimed`]);
  const timedOut = async () => {
    w.setNow(NOON + 5_000);
    return { clientDays: 1, sent: 0, timedOut: true };
  };
  await w.monitor.step(w.container('λ2'), timedOut)(CLIENT_DAY, 5_000);
  // λ2's later steps are not judged either: the timed-out one may still be working in the background.
  await w.monitor.step(w.container('λ2'), nothing)(CLIENT_DAY, 5_000);
  expect(w.monitor.violations).toHaveLength(1);
});

test('a sweep that leaves an old pending item unsent, or resends a young one of another claimer, is a violation', async () => {
  const w = world();
  const pending = (threshold: number, claimedAt: number) => {
    const event = {
      eventId: alertEventId('client-1', DAY, threshold),
      clientId: 'client-1',
      plan: 'standard',
      threshold,
      used: 8,
      quota: QUOTA,
      day: DAY,
    };
    w.store.execute(
      new PutCommand({ TableName: TABLE, Item: { ...itemKey.alert(DAY, 'client-1', threshold), status: 'pending', event, claimedAt } }),
    );
    return event;
  };
  pending(80, NOON - 600_000);
  const young = pending(100, NOON - 1_000);
  const report = { days: [DAY], clients: 1, recovered: 0, resent: 0, errors: 0 };
  // Sends only the young item: the old one stays pending, the young one was its claimer's to send.
  await w.monitor.sweep(
    w.container('sweeper'),
    120_000,
    async () => {
      await w.bus('sweeper')([young]);
      return report;
    },
    ['client-1'],
  );
  expect(w.monitor.violations).toEqual([
    expect.stringContaining(`left ${alertEventId('client-1', DAY, 80)}, pending since ${NOON - 600_000}, unsent`),
    `sweeper's sweep resent ${young.eventId}, claimed at ${NOON - 1_000}, before 120000 ms had passed`,
    "sweeper's sweep reported 0 resent; it resent 1",
  ]);
});

test('an alert step that says it timed out before its budget ran out, reports what it did not send, or fails with a bug of its own, is a violation', async () => {
  const w = world();
  await w.monitor.step(w.container('λ1'), async () => ({ clientDays: 1, sent: 0, timedOut: true }))(CLIENT_DAY, 5_000);
  const boasts = async () => ({ clientDays: 1, sent: 3, timedOut: false });
  await w.monitor.step(w.container('λ4'), boasts)(CLIENT_DAY, 5_000);
  const bug = async () => ({
    clientDays: 1,
    sent: 0,
    timedOut: false,
    error: new TypeError("Cannot read properties of undefined (reading 'length')"),
  });
  await w.monitor.step(w.container('λ2'), bug)(CLIENT_DAY, 5_000);
  // A failure of the world (DynamoDB, the bus) is not judged.
  const throttled = async () => ({
    clientDays: 1,
    sent: 0,
    timedOut: false,
    error: Object.assign(new Error('slow down'), { name: 'ThrottlingException' }),
  });
  await w.monitor.step(w.container('λ3'), throttled)(CLIENT_DAY, 5_000);
  expect(w.monitor.violations).toEqual([
    "λ1's alert step said it timed out after 0 of its 5000 ms",
    "λ4's alert step reported 3 sent; it claimed and sent 0",
    `λ4's alert step returned with client-1/${DAY}/80% (8) reached and unclaimed`,
    "λ2's alert step failed with a TypeError: Cannot read properties of undefined (reading 'length')",
  ]);
});

test('an old pending item marked sent by its claimer while the sweep runs (its mark landed late) is not the sweep’s to resend', async () => {
  const w = world();
  const event = {
    eventId: alertEventId('client-1', DAY, 80),
    clientId: 'client-1',
    plan: 'standard',
    threshold: 80,
    used: 8,
    quota: QUOTA,
    day: DAY,
  };
  w.store.execute(
    new PutCommand({
      TableName: TABLE,
      Item: { ...itemKey.alert(DAY, 'client-1', 80), status: 'pending', event, claimedAt: NOON - 600_000 },
    }),
  );
  const report = { days: [DAY], clients: 1, recovered: 0, resent: 0, errors: 0 };
  await w.monitor.sweep(
    w.container('sweeper'),
    120_000,
    async () => {
      w.store.execute(
        new PutCommand({
          TableName: TABLE,
          Item: { ...itemKey.alert(DAY, 'client-1', 80), status: 'sent', event, claimedAt: NOON - 600_000 },
        }),
      );
      return report;
    },
    ['client-1'],
  );
  expect(w.monitor.violations).toEqual([]);
});

test('an alert step given no client-day that reports a timeout or a credit figure, and a sweep of a day older than the aggregator counts, are violations', async () => {
  const w = world();
  const real = createAlertStep({ table: w.table('λ1'), send: w.bus('λ1'), quotaFor: () => QUOTA, clock: () => NOON });
  expect(await w.monitor.step(w.container('λ1'), real)([], 0)).toEqual({ clientDays: 0, sent: 0, timedOut: false });
  await w.monitor.step(w.container('λ2'), async () => ({ clientDays: 0, sent: 0, timedOut: true }))([], 0);
  await w.monitor.step(w.container('λ3'), async () => ({ clientDays: 0, sent: 0, creditSent: 0, timedOut: false }))([], 5_000);
  const sweep = (id: string, reach: (days: string[]) => string[]) => {
    const deps = { table: w.table(id), send: w.bus(id), quotaFor: () => QUOTA, clock: () => NOON };
    return w.monitor.sweep(
      w.container(id),
      120_000,
      async () => {
        const report = await sweepAlerts(deps, { now: new Date(NOON), resendOlderThanMs: 120_000, allDays: true });
        return { ...report, days: reach(report.days) };
      },
      ['client-1'],
      { now: NOON, allDays: true },
    );
  };
  await sweep('sweeper1', (days) => days);
  expect(w.monitor.violations).toEqual([
    `λ2's alert step was given no client-day and reported {"clientDays":0,"sent":0,"timedOut":true}`,
    `λ3's alert step was given no client-day and reported {"clientDays":0,"sent":0,"creditSent":0,"timedOut":false}`,
  ]);
  // One day further back than the oldest the aggregator counts (CLAIM_RETENTION_DAYS - 1 days before today).
  await sweep('sweeper2', (days) => [new Date(Date.parse(days[0]) - 86_400_000).toISOString().slice(0, 10), ...days]);
  expect(w.monitor.violations.slice(2)).toEqual([`sweeper2's sweep swept 2026-11-04, outside the days the aggregator counts`]);
});

test('a failed alert step must still report the alerts it delivered (a mark that failed after PutEvents); the real one does', async () => {
  const w = world();
  // The outbox item's `mark sent` fails after the bus took the event.
  const marksFail = (container: string) => ({
    db: {
      send: (command: { constructor: { name: string } }) =>
        command.constructor.name === 'UpdateCommand'
          ? Promise.reject(Object.assign(new Error('Internal server error'), { name: 'InternalServerError' }))
          : (w.db(container) as { send: (c: object) => Promise<unknown> }).send(command),
    } as never,
    tableName: TABLE,
  });
  const real = createAlertStep({ table: marksFail('λ1'), send: w.bus('λ1'), quotaFor: () => QUOTA, clock: () => NOON });
  expect(await w.monitor.step(w.container('λ1'), real)(CLIENT_DAY, 5_000)).toMatchObject({ sent: 1, error: { name: 'SentButUnmarked' } });
  expect(w.monitor.violations).toEqual([]);
  // The step before the fix: the part's error dropped the count of what it had sent.
  const undercounts: typeof real = async (clientDays, budget) => ({
    ...(await createAlertStep({ table: marksFail('λ2'), send: w.bus('λ2'), quotaFor: () => QUOTA, clock: () => NOON })(clientDays, budget)),
    sent: 0,
  });
  w.store.execute(
    new PutCommand({ TableName: TABLE, Item: { ...itemKey.dayCounter('client-1', DAY), [COUNTER_ATTRIBUTES.requests]: 10 } }),
  );
  await w.monitor.step(w.container('λ2'), undercounts)(CLIENT_DAY, 5_000);
  expect(w.monitor.violations).toEqual(["λ2's alert step failed and reported 0 sent; it delivered 1"]);
});

test("a container's step that claims a crossing again after its claim was answered, or sends a request with no time left, is a violation", async () => {
  const w = world();
  const step = (id: string) => createAlertStep({ table: w.table(id), send: w.bus(id), quotaFor: () => QUOTA, clock: () => NOON });
  const real = w.monitor.step(w.container('λ1'), step('λ1'));
  await real(CLIENT_DAY, 5_000);
  w.setNow(NOON + 1_000);
  await real(CLIENT_DAY, 5_000);
  expect(await real(CLIENT_DAY, 0)).toMatchObject({ timedOut: true });
  expect(w.monitor.violations).toEqual([]);
  // A fresh step (no per-container cache) on every call claims 80 % again, and one that starts work with no time.
  const forgetful = w.monitor.step(w.container('λ2'), (clientDays, budget) => step('λ2')(clientDays, budget));
  await forgetful(CLIENT_DAY, 5_000);
  w.setNow(NOON + 2_000);
  await forgetful(CLIENT_DAY, 5_000);
  const eager = w.monitor.step(w.container('λ3'), async (clientDays) => ({ ...(await step('λ3')(clientDays, 5_000)), timedOut: true }));
  await eager(CLIENT_DAY, 0);
  expect(w.monitor.violations).toEqual([
    `λ2 claimed ${alertEventId('client-1', DAY, 80)} again after its claim was answered`,
    "λ3's alert step was given 0 ms and sent 2 request(s)",
  ]);
});

test('a sweep that reads every day though a complete sweep is recorded less than an hour before is a violation', async () => {
  const w = world();
  const sweep = (id: string, now: number, allDaysRun?: boolean) => {
    const deps = { table: w.table(id), send: w.bus(id), quotaFor: () => QUOTA, clock: () => now };
    return w.monitor.sweep(
      w.container(id),
      120_000,
      () =>
        sweepAlerts(deps, { now: new Date(now), resendOlderThanMs: 120_000, ...(allDaysRun === undefined ? {} : { allDays: allDaysRun }) }),
      ['client-1'],
      { now },
    );
  };
  await sweep('sweeper1', NOON);
  await sweep('sweeper2', NOON + 600_000);
  await sweep('sweeper3', NOON + 3_700_000);
  expect(w.monitor.violations).toEqual([]);
  // Told to sweep every day (the run's own override), ten minutes after a complete sweep: more reads than owed.
  await sweep('sweeper4', NOON + 4_300_000, true);
  expect(w.monitor.violations).toEqual([
    expect.stringMatching(/^sweeper4's sweep swept 21 older day\(s\), with a complete sweep recorded at \d+$/),
  ]);
});
