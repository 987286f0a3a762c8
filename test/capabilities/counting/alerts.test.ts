// Quota alerts from the aggregator (PROTOCOL.md step 6) against DynamoDB Local: exactly one event per
// client, day and threshold under duplicate deliveries and concurrent batches; an alert failure never
// changes the batch's counting; a crash between the outbox write and the send is resent by the sweeper,
// and a crash after the journal completed but before alerting is recomputed by the sweeper.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { UsageEvent } from '../../../contracts/usage-event';
import { METRIC } from '../../../contracts/metrics';
import { createAlertStep } from '../../../capabilities/counting/alert-step';
import { createSqsAggregatorHandler } from '../../../capabilities/counting/sqs-handler';
import { sweepAlerts } from '../../../capabilities/alerts/sweeper';
import type { ThresholdCrossed } from '../../../capabilities/alerts/threshold-crossings';
import type { CreditBalanceLow } from '../../../capabilities/alerts/credit-alerts';
import { type AcceptedAlerts, alertSenders } from '../../../capabilities/alerts/event-bridge-sender';
import { topUpCredits } from '../../../capabilities/gate/credits';
import { clientItem } from '../analytics/fixtures';
import { helloEvent } from './support/events';
import { freshTable, sortedEntries, storedCounters, truthOf } from './support/table';
import { useCaseHarness } from './support/use-case-harness';

const h = useCaseHarness(7);
const QUOTA = 10;
const quotaFor = () => QUOTA;

function recorder(mode: 'ok' | 'fail' | 'hang' = 'ok') {
  const sent: ThresholdCrossed[] = [];
  const send = async (events: readonly ThresholdCrossed[]) => {
    if (mode === 'fail') throw new Error('PutEvents: connection reset');
    if (mode === 'hang') return new Promise<void>(() => undefined);
    sent.push(...events);
  };
  return { sent, send };
}

/**
 * `n` requests of client-1 today, one second apart from midnight UTC (all on the same UTC day). The
 * harness clock starts at the wall clock; just after midnight it is moved an hour on, so no request
 * is ahead of the aggregator's clock whatever the time of day the test runs.
 */
function requests(n: number, clientId = 'client-1'): UsageEvent[] {
  const day = new Date(h.now);
  const base = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  h.now = Math.max(h.now, base + 3_600_000);
  return Array.from({ length: n }, (_, i) => ({ ...helloEvent(`${clientId}-req-${i}`, base + i * 1_000), clientId }));
}

/** The SQS handler around `aggregator`, its metrics summed by name. */
function handlerOf(aggregator: ReturnType<typeof h.aggregatorFor>, alertsAccepted?: () => AcceptedAlerts) {
  const metrics = new Map<string, number>();
  const logged: Record<string, unknown>[] = [];
  const handler = createSqsAggregatorHandler({
    aggregator,
    alertsAccepted,
    logger: { info: (_message: string, extra: Record<string, unknown>) => logged.push(extra), warn: () => undefined } as never,
    metrics: { addMetric: (name: string, _unit: unknown, value: number) => metrics.set(name, (metrics.get(name) ?? 0) + value) },
  });
  return { handler, metrics, logged };
}

const sqsEvent = (events: readonly UsageEvent[], prefix: string) =>
  ({
    Records: h.records(events, prefix).map(({ id, body }) => ({ messageId: id, body, attributes: { ApproximateReceiveCount: '1' } })),
  }) as never;

const thresholds = (sent: ThresholdCrossed[]) => sent.map((e) => `${e.clientId}:${e.day}:${e.threshold}`).sort();

test('duplicate deliveries in other groupings send 80 % and 100 % once each, with the totals that crossed them', async () => {
  const table = await freshTable(h.raw, 'alerts-dup');
  const { sent, send } = recorder();
  const alerts = createAlertStep({ table: { db: h.doc, tableName: table }, send, quotaFor, clock: () => h.now });
  const events = requests(12);
  const agg = h.aggregatorFor(table, { alerts });
  for (let i = 0; i < events.length; i += 3) {
    const result = await agg.aggregateBatch(h.records(events.slice(i, i + 3), `a${i}`), { remainingTimeMs: 60_000 });
    expect(result.failures).toEqual([]);
  }
  expect(sent.map((e) => [e.threshold, e.used, e.quota])).toEqual([
    [80, 9, QUOTA],
    [100, 12, QUOTA],
  ]);
  // SQS delivers everything again, in other batches, through new containers (no claimed-cache).
  for (const size of [5, 12]) {
    const again = h.aggregatorFor(table, { alerts: createAlertStep({ table: { db: h.doc, tableName: table }, send, quotaFor }) });
    for (let i = 0; i < events.length; i += size) {
      const result = await again.aggregateBatch(h.records(events.slice(i, i + size), `r${size}-${i}`), { remainingTimeMs: 60_000 });
      expect(result).toMatchObject({ counted: 0, failures: [] });
      expect(result.alerts).toMatchObject({ clientDays: 1, sent: 0, timedOut: false });
    }
  }
  expect(thresholds(sent)).toEqual([`client-1:${events[0].day}:100`, `client-1:${events[0].day}:80`]);
  expect(new Set(sent.map((e) => e.eventId)).size).toBe(2);
});

test('concurrent batches of several containers send each crossing once', async () => {
  const table = await freshTable(h.raw, 'alerts-conc');
  const { sent, send } = recorder();
  const events = [...requests(11, 'client-1'), ...requests(9, 'client-2'), ...requests(7, 'client-3')];
  const shuffled = [...events].sort(() => h.rng() - 0.5);
  const containers = Array.from({ length: 4 }, () =>
    h.aggregatorFor(table, { alerts: createAlertStep({ table: { db: h.doc, tableName: table }, send, quotaFor }) }),
  );
  // Every event delivered twice, the copies in different batches running at the same time.
  const batches: UsageEvent[][] = [];
  for (const copy of [shuffled, [...shuffled].reverse()]) for (let i = 0; i < copy.length; i += 4) batches.push(copy.slice(i, i + 4));
  await Promise.all(
    containers.map(async (agg, c) => {
      for (let b = c; b < batches.length; b += containers.length) {
        await agg.aggregateBatch(h.records(batches[b], `c${c}-${b}`), { remainingTimeMs: 60_000 });
      }
    }),
  );
  await h.deliverUntilDone(table, h.records(events, 'final'), 10); // whatever was left for retry
  expect(sortedEntries(await storedCounters(h.doc, table))).toEqual(sortedEntries(truthOf(events)));
  const day = events[0].day;
  // client-3 (7 of 10) crossed nothing, client-2 (9) only 80 %, client-1 (11) both.
  expect(thresholds(sent)).toEqual([`client-1:${day}:100`, `client-1:${day}:80`, `client-2:${day}:80`]);
});

test('an alert step that fails or hangs leaves counting untouched', async () => {
  for (const mode of ['fail', 'hang'] as const) {
    const table = await freshTable(h.raw, `alerts-${mode}`);
    const { send } = recorder(mode);
    const agg = h.aggregatorFor(table, {
      // A hanging send meets the batch's deadline (the budget's timer fires at once here).
      alerts: createAlertStep({
        table: { db: h.doc, tableName: table },
        send,
        quotaFor,
        sleep: mode === 'hang' ? () => Promise.resolve() : undefined,
      }),
    });
    const events = requests(10);
    const result = await agg.aggregateBatch(h.records(events), { remainingTimeMs: 60_000 });
    expect(result).toMatchObject({ counted: 10, duplicates: 0, failures: [], errors: 0 });
    if (mode === 'fail') expect(result.alerts).toMatchObject({ clientDays: 1, sent: 0, error: expect.any(Error) });
    else expect(result.alerts).toMatchObject({ clientDays: 1, sent: 0, timedOut: true });
    expect(sortedEntries(await storedCounters(h.doc, table))).toEqual(sortedEntries(truthOf(events)));
  }
});

test('alerts sent whose marking fails are reported sent (AlertsSent), and the sweeper sends them again with the same ids', async () => {
  const table = await freshTable(h.raw, 'alerts-mark-fails');
  // DynamoDB refuses every `mark sent` (the outbox item's UpdateItem) after PutEvents accepted the events.
  const marksFail = {
    send: async (command: { constructor: { name: string }; input: { Key?: { pk?: string } } }) => {
      if (command.constructor.name === 'UpdateCommand' && String(command.input.Key?.pk).startsWith('ALERTS#'))
        throw Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
      return h.doc.send(command as never);
    },
  } as unknown as typeof h.doc;
  const first = recorder();
  const step = createAlertStep({ table: { db: marksFail, tableName: table }, send: first.send, quotaFor, clock: () => h.now });
  const events = requests(10);
  const result = await h.aggregatorFor(table, { alerts: step }).aggregateBatch(h.records(events), { remainingTimeMs: 60_000 });
  // Before the fix it reported `sent: 0` for the two events consumers had received.
  expect(result.alerts).toMatchObject({
    clientDays: 1,
    sent: 2,
    timedOut: false,
    error: expect.objectContaining({ name: 'SentButUnmarked', sent: 2 }),
  });
  expect(thresholds(first.sent)).toEqual([`client-1:${events[0].day}:100`, `client-1:${events[0].day}:80`]);
  // The items stayed pending: once old enough, the sweeper sends them again with the same event ids (consumers dedupe).
  const again = recorder();
  h.now += 61_000;
  const deps = { table: { db: h.doc, tableName: table }, send: again.send, quotaFor, clock: () => h.now };
  expect(await sweepAlerts(deps, { now: new Date(h.now), resendOlderThanMs: 60_000 })).toMatchObject({ recovered: 0, resent: 2 });
  expect(again.sent.map((e) => e.eventId).sort()).toEqual(first.sent.map((e) => e.eventId).sort());
});

test('a crash between the outbox write and the send: the sweeper resends, once, with the same event ids', async () => {
  const table = await freshTable(h.raw, 'alerts-outbox');
  const tableRef = { db: h.doc, tableName: table };
  const events = requests(10);
  // The first container claims both crossings and dies before PutEvents succeeds.
  const crashed = recorder('fail');
  await h
    // The test's clock for the outbox's claimedAt too, so "too young" does not depend on how fast this machine is.
    .aggregatorFor(table, { alerts: createAlertStep({ table: tableRef, send: crashed.send, quotaFor, clock: () => h.now }) })
    .aggregateBatch(h.records(events), {
      remainingTimeMs: 60_000,
    });
  // Redelivery finds the crossings claimed: nothing is sent twice from the aggregator.
  const healthy = recorder();
  await h
    .aggregatorFor(table, { alerts: createAlertStep({ table: tableRef, send: healthy.send, quotaFor, clock: () => h.now }) })
    .aggregateBatch(h.records(events, 'again'), { remainingTimeMs: 60_000 });
  expect(healthy.sent).toEqual([]);
  const deps = { table: tableRef, send: healthy.send, quotaFor, clock: () => h.now };
  // Too young: its claimer might still be sending it.
  expect(await sweepAlerts(deps, { now: new Date(h.now), resendOlderThanMs: 60_000 })).toMatchObject({ recovered: 0, resent: 0 });
  h.now += 61_000;
  expect(await sweepAlerts(deps, { now: new Date(h.now), resendOlderThanMs: 60_000 })).toMatchObject({ recovered: 0, resent: 2 });
  expect(await sweepAlerts(deps, { now: new Date(h.now), resendOlderThanMs: 60_000 })).toMatchObject({ recovered: 0, resent: 0 });
  expect(thresholds(healthy.sent)).toEqual([`client-1:${events[0].day}:100`, `client-1:${events[0].day}:80`]);
});

test('a crash after the journal completed, before alerting: the sweeper recomputes from the counters', async () => {
  const table = await freshTable(h.raw, 'alerts-recompute');
  const tableRef = { db: h.doc, tableName: table };
  for (const id of ['client-1', 'client-2']) await h.doc.send(new PutCommand({ TableName: table, Item: clientItem(id) }));
  const events = [...requests(10, 'client-1'), ...requests(8, 'client-2')];
  // Counting completes; the alert step dies on its first read (the container is gone) and SQS's
  // redelivery never comes (the answer had already been sent, or the messages were deleted).
  const dying = createAlertStep({
    table: {
      db: {
        send: (command: object) => {
          if (command.constructor.name === 'GetCommand') return Promise.reject(new Error('container died'));
          return h.doc.send(command as never);
        },
      } as never,
      tableName: table,
    },
    send: recorder().send,
    quotaFor,
  });
  const result = await h.aggregatorFor(table, { alerts: dying }).aggregateBatch(h.records(events), { remainingTimeMs: 60_000 });
  expect(result).toMatchObject({ counted: 18, failures: [] });
  expect(result.alerts?.error).toBeDefined();
  const { sent, send } = recorder();
  const report = await sweepAlerts({ table: tableRef, send, quotaFor, clock: () => h.now }, { now: new Date(h.now) });
  expect(report).toMatchObject({ clients: 2, recovered: 3, resent: 0, errors: 0 });
  const day = events[0].day;
  expect(thresholds(sent)).toEqual([`client-1:${day}:100`, `client-1:${day}:80`, `client-2:${day}:80`]);
  expect(await sweepAlerts({ table: tableRef, send, quotaFor, clock: () => h.now }, { now: new Date(h.now) })).toMatchObject({
    recovered: 0,
    resent: 0,
  });
});

test('the SQS handler reports a failed alert step as a warning and a metric, with the batch acknowledged', async () => {
  const warnings: [string, Record<string, unknown>][] = [];
  const metrics = new Map<string, number>();
  const handler = createSqsAggregatorHandler({
    aggregator: {
      aggregateBatch: async () => ({
        failures: [],
        poison: [],
        counted: 3,
        completedEvents: 3,
        duplicates: 0,
        conflicts: [],
        counterWrites: 4,
        resumed: 0,
        errors: 0,
        alerts: { clientDays: 1, sent: 0, timedOut: false, error: new Error('PutEvents: access denied') },
      }),
    },
    logger: { info: () => undefined, warn: (message: string, extra: Record<string, unknown>) => warnings.push([message, extra]) } as never,
    metrics: { addMetric: (name: string, _unit: unknown, value: number) => metrics.set(name, (metrics.get(name) ?? 0) + value) },
  });
  const record = (id: string) => ({ messageId: id, body: '{}', attributes: { ApproximateReceiveCount: '1' } }) as never;
  const answer = await handler({ Records: [record('m1'), record('m2'), record('m3')] }, { getRemainingTimeInMillis: () => 60_000 });
  expect(answer).toEqual({ batchItemFailures: [] });
  expect(warnings.map(([message]) => message)).toEqual(['quota alert step failed; the alert sweeper will send what is missing']);
  expect(metrics.get(METRIC.alertStepFailures)).toBe(1);
  expect(metrics.get(METRIC.eventsAggregated)).toBe(3);
});

test('with credits, the step also sends a gate-plan client’s low balance, once, and the handler counts it in CreditAlertsSent', async () => {
  const table = await freshTable(h.raw, 'alerts-credits');
  const store = { db: h.doc, tableName: table };
  // 1,000 units: at the free plan's first threshold (never above it: cycle 0).
  await topUpCredits(store, { clientId: 'client-f', units: 1_000, by: 'test', now: new Date(h.now) });
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge
    .on(PutEventsCommand)
    .callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({})) }));
  try {
    const senders = alertSenders(new EventBridgeClient({}), 'bus');
    const step = createAlertStep({ table: store, send: senders.quota, quotaFor, credits: { table: store, send: senders.credit } });
    const { handler, metrics } = handlerOf(h.aggregatorFor(table, { alerts: step }), senders.takeAccepted);
    const events = requests(2, 'client-f').map((e) => ({ ...e, plan: 'free' }));
    await handler(sqsEvent(events, 'f1'), { getRemainingTimeInMillis: () => 60_000 });
    await handler(sqsEvent(events, 'f2'), { getRemainingTimeInMillis: () => 60_000 });
    const sent = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(sent.map((e) => JSON.parse(e.Detail ?? '{}').eventId)).toEqual(['credit-balance:client-f:1000:0']);
    expect(metrics.get(METRIC.creditAlertsSent)).toBe(1);
    expect(metrics.get(METRIC.alertsSent)).toBe(0);
  } finally {
    eventBridge.restore();
  }
});

test('the handler counts every alert EventBridge accepted, also when a later PutEvents call of the same send failed', async () => {
  const table = await freshTable(h.raw, 'alerts-partly-sent');
  const store = { db: h.doc, tableName: table };
  // Six clients at 100 % of their quota: twelve crossings in one send, two PutEvents calls; the second one fails.
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge
    .on(PutEventsCommand)
    .resolvesOnce({ FailedEntryCount: 0 })
    .rejects(Object.assign(new Error('Internal failure'), { name: 'InternalException' }));
  try {
    const senders = alertSenders(new EventBridgeClient({}), 'bus');
    const step = createAlertStep({ table: store, send: senders.quota, quotaFor, clock: () => h.now });
    const { handler, metrics, logged } = handlerOf(h.aggregatorFor(table, { alerts: step }), senders.takeAccepted);
    const events = ['a', 'b', 'c', 'd', 'e', 'f'].flatMap((c) => requests(QUOTA, `client-${c}`));
    await handler(sqsEvent(events, 'p'), { getRemainingTimeInMillis: () => 60_000 });
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
    // Before, the step's report (0 sent: the send failed) was the metric, though ten events had gone out.
    expect(metrics.get(METRIC.alertStepFailures)).toBe(1);
    expect(metrics.get(METRIC.alertsSent)).toBe(10);
    // The step's own report, logged: it cannot tell how much of a failed send went out.
    expect(logged).toEqual([expect.objectContaining({ counted: 60, alertsSent: 0 })]);
  } finally {
    eventBridge.restore();
  }
});

test('when the quota part fails, the step still waits for the credit part and reports what it sent (seed 88828)', async () => {
  const table = await freshTable(h.raw, 'alerts-part-fails');
  const store = { db: h.doc, tableName: table };
  await topUpCredits(store, { clientId: 'client-g', units: 1_000, by: 'test', now: new Date(h.now) });
  const credit: CreditBalanceLow[] = [];
  let returned = false;
  const step = createAlertStep({
    table: store,
    send: recorder('fail').send,
    quotaFor: () => 1,
    credits: {
      table: store,
      // Slower than the quota part's failure: before, the step returned at that failure and this send went unreported.
      send: async (events) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(returned).toBe(false);
        credit.push(...events);
      },
    },
  });
  const events = requests(2, 'client-g').map((e) => ({ ...e, plan: 'free' }));
  const result = await h.aggregatorFor(table, { alerts: step }).aggregateBatch(h.records(events, 'g1'), { remainingTimeMs: 60_000 });
  returned = true;
  expect(result.alerts).toMatchObject({ clientDays: 1, sent: 0, creditSent: 1, timedOut: false, error: expect.any(Error) });
  expect(credit.map((e) => e.eventId)).toEqual(['credit-balance:client-g:1000:0']);
});
