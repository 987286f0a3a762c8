// After a run: every accepted event counted exactly once (counters equal the truth), the journal
// invariants hold (none left pending), and nothing valid was left behind in the queues.
import { parseRecord } from '../capabilities/counting/counter-deltas';
import { aggregateEvents, aggregateRoutes, counterId, type CounterDelta, decodeDeltas } from '../capabilities/counting/counter-deltas';
import { eventHash, EVENT_HASH_BYTES } from '../capabilities/counting/keys';
import { COUNTER_ATTRIBUTES, HISTOGRAM_SIZE, routeCountersFromItem } from '../capabilities/usage/counters';
import { AGGREGATOR_ATTRIBUTES as A, journalIdOf, PENDING_JOURNALS_PK } from '../contracts/table';
import type { UsageEvent } from '../contracts/usage-event';
import { ALERTS } from '../contracts/billing';
import type { Delivery } from './alert-model';
import type { SqsModel } from './sqs-model';
import type { SimStore } from './store';
import type { Workload } from './workload';

export interface Violation {
  readonly kind: 'count' | 'journal' | 'claim' | 'left-behind' | 'expired-message' | 'alert';
  readonly detail: string;
}

interface CheckInput {
  readonly store: SimStore;
  readonly workload: Workload;
  readonly queue: SqsModel;
  readonly tableName: string;
  /** The copy sent after claim retention on purpose: refused, and may age out. */
  readonly lateMessageId?: string;
  /** Quota alerts: what the modelled bus received (after a final sweep), and the run's daily quota. */
  readonly alerts?: { readonly deliveries: readonly Delivery[]; readonly quota: number };
}

function valuesOf(item: Record<string, unknown>): string {
  const histogram = Array.from({ length: HISTOGRAM_SIZE }, (_, i) => Number(item[COUNTER_ATTRIBUTES.histogram(i)] ?? 0));
  return JSON.stringify([
    Number(item[COUNTER_ATTRIBUTES.requests] ?? 0),
    Number(item[COUNTER_ATTRIBUTES.clientErrors] ?? 0),
    Number(item[COUNTER_ATTRIBUTES.serverErrors] ?? 0),
    Number(item[COUNTER_ATTRIBUTES.latencySumMs] ?? 0),
    histogram,
  ]);
}

function deltaValues(delta: CounterDelta | undefined): string {
  const v = delta?.values;
  return JSON.stringify(
    v ? [v.requests, v.clientErrors, v.serverErrors, v.latencySumMs, v.latencyHistogram] : [0, 0, 0, 0, new Array(HISTOGRAM_SIZE).fill(0)],
  );
}

/** Counter items as the aggregator's counterId → values. */
function counterItems(items: Record<string, unknown>[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items) {
    const pk = String(item.pk);
    if (!pk.startsWith('USAGE#')) continue;
    const clientId = pk.slice('USAGE#'.length);
    const [, day, , ...route] = String(item.sk).split('#');
    out.set(counterId({ clientId, day, route: route.length > 0 ? route.join('#') : undefined }), valuesOf(item));
    // Since issue 23 a day item also holds its routes' counters.
    for (const [r, values] of routeCountersFromItem(item))
      out.set(counterId({ clientId, day, route: r }), deltaValues({ clientId, day, values }));
  }
  return out;
}

/** The truths a run may legitimately end with: each conflicting event id counted with either payload. */
function acceptableTruths(workload: Workload): Map<string, CounterDelta>[] {
  const base = [...workload.events.values()];
  const truths = [aggregateEvents(base)];
  for (const [id, other] of workload.conflicts) truths.push(aggregateEvents(base.map((e) => (e.eventId === id ? other : e))));
  return truths;
}

export function checkRun({ store, workload, queue, tableName, lateMessageId, alerts }: CheckInput): Violation[] {
  const violations: Violation[] = [];
  const items = store.items(tableName);

  // 1. Counters equal the truth.
  const actual = counterItems(items);
  const truths = acceptableTruths(workload);
  const matches = truths.some((truth) => {
    if ([...actual.keys()].some((id) => !truth.has(id) && actual.get(id) !== deltaValues(undefined))) return false;
    return [...truth].every(([id, delta]) => actual.get(id) === deltaValues(delta));
  });
  if (!matches) {
    const truth = truths[0];
    for (const id of new Set([...truth.keys(), ...actual.keys()])) {
      const want = deltaValues(truth.get(id));
      const got = actual.get(id) ?? deltaValues(undefined);
      if (want !== got) violations.push({ kind: 'count', detail: `${id.replaceAll('\u0000', ' | ')}: want ${want}, got ${got}` });
    }
    if (violations.length === 0) violations.push({ kind: 'count', detail: 'counters match no acceptable truth' });
  }

  // 2. Journal invariants: a pending or complete journal's body is exactly the events it holds claims on,
  //    and no event has two live (non-aborted) owners.
  const byHash = new Map<string, UsageEvent[]>();
  for (const event of [...workload.events.values(), ...workload.conflicts.values()]) {
    const key = eventHash(event.eventId).toString('latin1');
    byHash.set(key, [...(byHash.get(key) ?? []), event]);
  }
  const heads = new Map<string, string>();
  const bodies = new Map<string, Uint8Array>();
  for (const item of items) {
    const pk = String(item.pk);
    if (!pk.startsWith('JOURNAL#') || pk === PENDING_JOURNALS_PK) continue;
    const id = journalIdOf(pk);
    if (item.sk === 'HEAD') heads.set(id, String(item[A.journalStatus]));
    else bodies.set(id, item[A.journalDeltas] as Uint8Array);
  }
  const claimsOf = new Map<string, Set<string>>();
  const ownersOf = new Map<string, Set<string>>();
  for (const item of items) {
    if (!String(item.pk).startsWith('CLAIM#')) continue;
    const bytes = Buffer.from(item[A.claimHashes] as Uint8Array);
    const journal = String(item[A.claimJournal]);
    for (let i = 0; i + EVENT_HASH_BYTES <= bytes.length; i += EVENT_HASH_BYTES) {
      const hash = bytes.toString('latin1', i, i + EVENT_HASH_BYTES);
      claimsOf.set(journal, (claimsOf.get(journal) ?? new Set()).add(hash));
      ownersOf.set(hash, (ownersOf.get(hash) ?? new Set()).add(journal));
    }
  }
  for (const [id, status] of heads) {
    // A journal left pending is half applied: its route counters and day totals may disagree (edge 6).
    if (status === 'pending') violations.push({ kind: 'journal', detail: `journal ${id} is still pending after the run` });
    if (status !== 'pending' && status !== 'complete') continue;
    const body = bodies.get(id);
    if (!body) {
      violations.push({ kind: 'journal', detail: `journal ${id} is ${status} without a body` });
      continue;
    }
    const claimed = [...(claimsOf.get(id) ?? [])];
    const variants = claimed.map((hash) => byHash.get(hash) ?? []);
    const got = new Map(decodeDeltas(body).map((d) => [counterId(d), deltaValues(d)]));
    const fits = (events: UsageEvent[]) => {
      const want = aggregateRoutes(events);
      return want.size === got.size && [...want].every(([key, d]) => got.get(counterId(d)) === deltaValues(d) && key !== undefined);
    };
    const first = variants.map((v) => v[0]).filter(Boolean);
    const alternatives = [first, ...variants.flatMap((v, i) => v.slice(1).map((alt) => first.map((e, j) => (j === i ? alt : e))))];
    if (!alternatives.some(fits)) {
      violations.push({
        kind: 'journal',
        detail: `journal ${id} (${status}) holds claims on ${claimed.length} event(s) its body does not match`,
      });
    }
  }
  for (const [hash, owners] of ownersOf) {
    const live = [...owners].filter((id) => heads.has(id) && heads.get(id) !== 'aborted');
    if (live.length > 1) {
      const label = byHash.get(hash)?.[0]?.eventId ?? 'unknown event';
      violations.push({ kind: 'claim', detail: `${label} has ${live.length} live owners: ${live.join(', ')}` });
    }
  }

  // 3. Nothing valid left behind: only poison (and copies of counted events too old to verify) may stay in the DLQ.
  for (const message of queue.expired) {
    // Poison may age out of the DLQ (an operator's matter); a valid event must never (the late copy aside).
    const id = /"eventId":"([^"]+)"/.exec(message.body)?.[1];
    if (id && workload.events.has(id) && message.messageId !== lateMessageId && parsesAsEvent(message.body)) {
      violations.push({ kind: 'expired-message', detail: `SQS expired ${message.messageId} (${id}) before it was counted` });
    }
  }
  for (const message of [...queue.source.values(), ...queue.deadLetters.values()]) {
    const id = /"eventId":"([^"]+)"/.exec(message.body)?.[1];
    const event = id ? workload.events.get(id) : undefined;
    if (event && queue.source.has(message.messageId)) {
      violations.push({ kind: 'left-behind', detail: `${message.messageId} (${id}) still in the queue` });
    }
  }
  if (alerts) violations.push(...checkAlerts(alerts.deliveries, alerts.quota, truths[0], items));
  return violations;
}

/**
 * Quota alerts: at most one event per client, day and threshold (every delivery of a key is the same
 * event: same eventId and payload; consumers dedupe on eventId), each threshold the true day total
 * reached was delivered (after the final sweep), none that it did not reach, and no outbox item pending.
 */
function checkAlerts(
  deliveries: readonly Delivery[],
  quota: number,
  truth: Map<string, CounterDelta>,
  items: Record<string, unknown>[],
): Violation[] {
  const violations: Violation[] = [];
  const byKey = new Map<string, Delivery[]>();
  for (const d of deliveries) {
    const key = `${d.event.clientId}/${d.event.day}/${d.event.threshold}%`;
    byKey.set(key, [...(byKey.get(key) ?? []), d]);
  }
  for (const [key, list] of byKey) {
    const shapes = new Set(list.map((d) => JSON.stringify(d.event)));
    if (shapes.size > 1)
      violations.push({ kind: 'alert', detail: `${key} sent as ${shapes.size} different events: ${[...shapes].join(' / ')}` });
  }
  for (const delta of truth.values()) {
    if (delta.route !== undefined) continue;
    for (const threshold of ALERTS.thresholdsPercent.standard) {
      const key = `${delta.clientId}/${delta.day}/${threshold}%`;
      const reached = delta.values.requests * 100 >= threshold * quota;
      const sent = byKey.get(key);
      if (reached && !sent)
        violations.push({ kind: 'alert', detail: `${key} reached (${delta.values.requests} of ${quota}) but never sent` });
      for (const d of sent ?? []) {
        if (!reached || d.event.used * 100 < threshold * quota || d.event.used > delta.values.requests || d.event.quota !== quota) {
          violations.push({
            kind: 'alert',
            detail: `${key} sent with used ${d.event.used} of ${d.event.quota}; true total ${delta.values.requests}`,
          });
        }
      }
    }
  }
  for (const key of byKey.keys()) {
    const [clientId, day] = key.split('/');
    if (!truth.has(counterId({ clientId, day }))) violations.push({ kind: 'alert', detail: `${key} sent for a client-day without usage` });
  }
  for (const item of items) {
    if (/^ALERTS#\d{4}-\d{2}-\d{2}$/.test(String(item.pk)) && item.status !== 'sent') {
      violations.push({
        kind: 'alert',
        detail: `outbox ${String(item.pk)} ${String(item.sk)} still ${String(item.status)} after the final sweep`,
      });
    }
  }
  return violations;
}

function parsesAsEvent(body: string): boolean {
  return parseRecord({ id: 'x', body }).kind === 'event';
}
