// After a run: every accepted event counted exactly once (counters equal the truth), the journal
// invariants hold (none left pending), and nothing valid was left behind in the queues.
import { createHash } from 'node:crypto';
import { eventHash, EVENT_HASH_BYTES } from '../capabilities/counting/keys';
import { AGGREGATOR_ATTRIBUTES as A, journalIdOf, PENDING_JOURNALS_PK } from '../contracts/table';
import { type UsageEvent, usageEventV1 } from '../contracts/usage-event';
import { ALERTS } from '../contracts/billing';
import { CLAIM_RETENTION_DAYS } from '../contracts/usage-queue';
import type { Delivery } from './alert-model';
import { archiveLayoutViolations } from './archive-layout';
import { archiveHeaderViolations, type ObjectHeaders } from './archive-headers';
import { type ExpectedValues, expectedCounts, expectedRouteCounts, sameValues, ZERO } from './expected-counts';
import { mislabelledCounters, readCounters, readJournalBody } from './read-counters';
import type { SqsModel } from './sqs-model';
import type { SimStore } from './store';
import type { Workload } from './workload';

export interface Violation {
  readonly kind:
    | 'count'
    | 'journal'
    | 'claim'
    | 'left-behind'
    | 'expired-message'
    | 'alert'
    | 'lease'
    | 'marker'
    | 'pipeline'
    | 'fallback'
    | 'result'
    | 'conflict'
    | 'retention'
    | 'calm'
    | 'error'
    | 'refusal';
  readonly detail: string;
}

/** What the whole-pipeline phase (daily job: archive, deletes, statement) left behind. */
export interface PipelineState {
  /** Every row of the counter archive, read back through the production reader. */
  readonly archivedRows: readonly Record<string, unknown>[];
  /** The month's statement manifest, as stored. */
  readonly statement:
    | {
        readonly requests: number;
        readonly files?: readonly StatementFile[];
        readonly corrections?: readonly { readonly requests: number; readonly files?: readonly StatementFile[] }[];
      }
    | undefined;
  readonly month: string;
  /** Runs without faults that did not end (each must), and archived days that do not verify. */
  readonly failures: readonly string[];
  /** Every object in the archive bucket at the end of the run (the statement's files are checked against its manifest). */
  readonly objects?: ReadonlyMap<string, Buffer>;
  /** Each object's ContentType and metadata as stored. */
  readonly headers?: ReadonlyMap<string, ObjectHeaders>;
}

interface CheckInput {
  readonly store: SimStore;
  readonly workload: Workload;
  readonly queue: SqsModel;
  readonly tableName: string;
  /** The copy sent after claim retention on purpose: refused, and may age out. */
  readonly lateMessageId?: string;
  /** Event ids the operator lost (sim/pending-sweep.ts: every message withheld, no journal that turned pending claims them): not counted. */
  readonly lost?: ReadonlySet<string>;
  /** Quota alerts: what the modelled bus received (after a final sweep), each client's daily quota in force and plan. */
  readonly alerts?: {
    readonly deliveries: readonly Delivery[];
    readonly quota: (clientId: string) => number;
    readonly planOf?: (clientId: string) => string;
  };
  /** Virtual epoch seconds at the end of the run: a journal past its TTL may be partly deleted already (TTL is late and out of order). */
  readonly nowSeconds?: number;
  /** After the daily job: the archive counts with the live counters, and the statement must equal the truth. */
  readonly pipeline?: PipelineState;
  /** The usage send's fallback: what replay reads, and what the publisher gave up on. */
  readonly fallback?: FallbackState;
  /** The stage's claim shards (the aggregator's `claimShards`): the claim pages' layout is checked when given. */
  readonly claimShards?: number;
}

/** What the replay phase left: the route functions' log group, the events the publisher gave up on, calm replays that did not end clean. */
export interface FallbackState {
  readonly lines: readonly string[];
  readonly dropped: ReadonlySet<string>;
  readonly failures: readonly string[];
}

/**
 * The page an event's claims belong on, from capabilities/counting/PROTOCOL.md alone: `CLAIM#<second>#<shard>`, the
 * second the event id carries (base-36 epoch seconds before its first dot; its requestTime's for an id without one)
 * to the second in ISO form, and the shard the first byte of the id's claim hash modulo the stage's claim shards.
 */
function claimPageOf(event: UsageEvent, firstHashByte: number, shards: number): string {
  const carried = /^([0-9a-z]{1,8})\./.exec(event.eventId);
  const second = carried ? Number.parseInt(carried[1], 36) : Math.floor(Date.parse(event.requestTime) / 1000);
  return `CLAIM#${new Date(second * 1000).toISOString().slice(0, 19)}#${shards > 1 ? firstHashByte % shards : 0}`;
}

/** The truths a run may legitimately end with: each conflicting event id counted with either payload. */
function acceptableTruths(workload: Workload, lost: ReadonlySet<string>): Map<string, ExpectedValues>[] {
  const base = [...workload.events.values()].filter((e) => !lost.has(e.eventId));
  const truths = [expectedCounts(base)];
  for (const [id, other] of workload.conflicts) {
    if (!lost.has(id)) truths.push(expectedCounts(base.map((e) => (e.eventId === id ? other : e))));
  }
  return truths;
}

const show = (values: ExpectedValues | undefined) => JSON.stringify(values ?? ZERO);

export function checkRun({
  store,
  workload,
  queue,
  tableName,
  lateMessageId,
  lost = new Set(),
  alerts,
  nowSeconds,
  pipeline,
  fallback,
  claimShards,
}: CheckInput): Violation[] {
  const violations: Violation[] = [];
  const items = store.items(tableName);

  // 1. Counters equal the truth (the oracle's, computed from the workload alone): after the daily job, the
  //    archived rows and the live counter items together (an item archived, deleted and written again late is
  //    two rows of one key, summed).
  const counters = pipeline ? sumRowsByKey([...items.filter((i) => String(i.pk).startsWith('USAGE#')), ...pipeline.archivedRows]) : items;
  const actual = readCounters(counters);
  const truths = acceptableTruths(workload, lost);
  const matching = truths.find(
    (truth) =>
      [...actual].every(([key, got]) => truth.has(key) || sameValues(got, ZERO)) &&
      [...truth].every(([key, want]) => sameValues(actual.get(key), want)),
  );
  if (!matching) {
    const truth = truths[0];
    for (const key of new Set([...truth.keys(), ...actual.keys()])) {
      if (!sameValues(truth.get(key), actual.get(key)))
        violations.push({ kind: 'count', detail: `${key}: want ${show(truth.get(key))}, got ${show(actual.get(key))}` });
    }
    if (violations.length === 0) violations.push({ kind: 'count', detail: 'counters match no acceptable truth' });
  }

  for (const detail of mislabelledCounters(counters)) violations.push({ kind: 'count', detail });
  if (pipeline) violations.push(...checkPipeline(pipeline, truths), ...checkStatementFiles(pipeline));
  // The archive's objects as documented (what Athena reads), from their bytes.
  for (const detail of pipeline?.objects ? archiveLayoutViolations(pipeline.objects) : []) violations.push({ kind: 'pipeline', detail });
  for (const detail of pipeline?.objects && pipeline.headers ? archiveHeaderViolations(pipeline.objects, pipeline.headers) : [])
    violations.push({ kind: 'pipeline', detail });

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
    const expired = nowSeconds !== undefined && Number(item.expiresAt) < nowSeconds;
    if (item.sk === 'HEAD' && !expired) heads.set(id, String(item[A.journalStatus]));
    else bodies.set(id, item[A.journalDeltas] as Uint8Array);
  }
  const claimsOf = new Map<string, Set<string>>();
  const ownersOf = new Map<string, Set<string>>();
  for (const item of items) {
    if (!String(item.pk).startsWith('CLAIM#')) continue;
    const bytes = Buffer.from(item[A.claimHashes] as Uint8Array);
    const journal = String(item[A.claimJournal]);
    // An append claims at least one event: an empty entry costs a write and every later read of the page.
    if (bytes.length < EVENT_HASH_BYTES) violations.push({ kind: 'claim', detail: `${journal} appended a claim entry without an event` });
    for (let i = 0; i + EVENT_HASH_BYTES <= bytes.length; i += EVENT_HASH_BYTES) {
      const hash = bytes.toString('latin1', i, i + EVENT_HASH_BYTES);
      const event = byHash.get(hash)?.[0];
      const page = event && claimShards !== undefined ? claimPageOf(event, bytes[i], claimShards) : undefined;
      if (page !== undefined && page !== item.pk)
        violations.push({ kind: 'claim', detail: `${journal} claimed ${event?.eventId} on ${String(item.pk)}, not on its page ${page}` });
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
    const got = readJournalBody(body);
    const fits = (events: UsageEvent[]) => {
      const want = expectedRouteCounts(events);
      return want.size === got.size && [...want].every(([key, values]) => sameValues(got.get(key), values));
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
    // After the calm redrives a valid event (a copy of a counted one too: it is a duplicate to acknowledge) has no
    // reason to stay in the DLQ; only the copy sent after claim retention is refused there on purpose.
    if (event && queue.deadLetters.has(message.messageId) && message.messageId !== lateMessageId && parsesAsEvent(message.body)) {
      violations.push({ kind: 'left-behind', detail: `${message.messageId} (${id}) still in the DLQ after the calm redrives` });
    }
  }
  if (alerts) violations.push(...checkAlerts(alerts, matching ?? truths[0], items));
  if (fallback) violations.push(...checkFallback(fallback, workload));
  return violations;
}

/**
 * Quota alerts: at most one event per client, day and threshold (every delivery of a key is the same
 * event: same eventId and payload; consumers dedupe on eventId), each threshold the true day total
 * reached was delivered (after the final sweep), none that it did not reach, and no outbox item pending.
 */
function checkAlerts(
  { deliveries, quota: quotaOf, planOf = () => 'standard' }: NonNullable<CheckInput['alerts']>,
  truth: Map<string, ExpectedValues>,
  items: Record<string, unknown>[],
): Violation[] {
  const violations: Violation[] = [];
  const byKey = new Map<string, Delivery[]>();
  for (const d of deliveries) {
    const key = `${d.event.clientId}/${d.event.day}/${d.event.threshold}%`;
    byKey.set(key, [...(byKey.get(key) ?? []), d]);
  }
  const keysOfId = new Map<string, Set<string>>();
  for (const [key, list] of byKey) {
    const shapes = new Set(list.map((d) => JSON.stringify(d.event)));
    if (shapes.size > 1)
      violations.push({ kind: 'alert', detail: `${key} sent as ${shapes.size} different events: ${[...shapes].join(' / ')}` });
    for (const d of list) keysOfId.set(d.event.eventId, (keysOfId.get(d.event.eventId) ?? new Set()).add(key));
  }
  // Consumers dedupe on eventId: two crossings under one id would lose one of them.
  for (const [eventId, keys] of keysOfId) {
    if (keys.size > 1)
      violations.push({ kind: 'alert', detail: `eventId "${eventId}" names ${keys.size} crossings: ${[...keys].join(', ')}` });
  }
  const dayTotals = new Map<string, number>();
  for (const [key, values] of truth) {
    const [clientId, day, route] = key.split(' | ');
    if (route === '') dayTotals.set(`${clientId}/${day}`, values[0]);
  }
  for (const [clientDay, requests] of dayTotals) {
    const clientId = clientDay.split('/')[0];
    const quota = quotaOf(clientId);
    for (const threshold of ALERTS.thresholdsPercent[planOf(clientId) as keyof typeof ALERTS.thresholdsPercent]) {
      const key = `${clientDay}/${threshold}%`;
      const reached = requests * 100 >= threshold * quota;
      const sent = byKey.get(key);
      if (reached && !sent) violations.push({ kind: 'alert', detail: `${key} reached (${requests} of ${quota}) but never sent` });
      for (const d of sent ?? []) {
        if (!reached || d.event.used * 100 < threshold * quota || d.event.used > requests || d.event.quota !== quota) {
          violations.push({ kind: 'alert', detail: `${key} sent with used ${d.event.used} of ${d.event.quota}; true total ${requests}` });
        }
      }
    }
  }
  for (const key of byKey.keys()) {
    const [clientId, day] = key.split('/');
    if (!dayTotals.has(`${clientId}/${day}`)) violations.push({ kind: 'alert', detail: `${key} sent for a client-day without usage` });
  }
  for (const item of items) {
    const day = /^ALERTS#(\d{4}-\d{2}-\d{2})$/.exec(String(item.pk))?.[1];
    if (day && !outlivesItsDay(item, day)) {
      violations.push({
        kind: 'alert',
        detail: `outbox ${String(item.pk)} ${String(item.sk)} expires at ${String(item.expiresAt)}: not claim retention + 1 day after its day`,
      });
    }
    if (/^ALERTS#\d{4}-\d{2}-\d{2}$/.test(String(item.pk)) && item.status !== 'sent') {
      violations.push({
        kind: 'alert',
        detail: `outbox ${String(item.pk)} ${String(item.sk)} still ${String(item.status)} after the final sweep`,
      });
    }
  }
  return violations;
}

/**
 * An outbox item outlives every event of its day that can still be counted (capabilities/counting/PROTOCOL.md's assumptions): it expires
 * claim retention + 1 day after its day starts (within that day), so a late event finds its crossing claimed.
 */
function outlivesItsDay(item: Record<string, unknown>, day: string): boolean {
  const dayStart = Date.parse(`${day}T00:00:00Z`) / 1000;
  const due = dayStart + (CLAIM_RETENTION_DAYS + 1) * 86_400;
  return typeof item.expiresAt === 'number' && item.expiresAt >= due && item.expiresAt < due + 86_400;
}

/** Rows of one key added up: numbers summed (counters only ever grow by ADD), the rest kept from the first row. */
function sumRowsByKey(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const key = `${String(row.pk)}\u0000${String(row.sk)}`;
    const sum = byKey.get(key);
    if (!sum) {
      byKey.set(key, { ...row });
      continue;
    }
    for (const [name, value] of Object.entries(row)) {
      if (typeof value === 'number' && typeof sum[name] === 'number') sum[name] = (sum[name] as number) + value;
      else if (!(name in sum)) sum[name] = value;
    }
  }
  return [...byKey.values()];
}

/** The daily job ended when it met no faults, and the month's statement (its last revision) holds the true total. */
function checkPipeline(pipeline: PipelineState, truths: readonly Map<string, ExpectedValues>[]): Violation[] {
  const out: Violation[] = pipeline.failures.map((detail) => ({ kind: 'pipeline' as const, detail }));
  const monthTotal = (truth: Map<string, ExpectedValues>) =>
    [...truth]
      .filter(([key]) => key.split(' | ')[1].startsWith(pipeline.month) && key.endsWith(' | '))
      .reduce((sum, [, v]) => sum + v[0], 0);
  const totals = truths.map(monthTotal);
  if (!pipeline.statement) {
    if (totals[0] > 0) out.push({ kind: 'pipeline', detail: `no statement for ${pipeline.month}` });
    return out;
  }
  const stated = pipeline.statement.corrections?.at(-1)?.requests ?? pipeline.statement.requests;
  if (!totals.includes(stated))
    out.push({ kind: 'pipeline', detail: `statement ${pipeline.month} says ${stated} requests; true total ${totals[0]}` });
  return out;
}

/**
 * The statement's files as its manifest lists them: its last revision's CSV and JSON lines are in the bucket with
 * the SHA-256 the manifest records, and the JSON lines add up to the revision's requests (a client of the statement
 * reads the files, not the manifest's sum).
 */
function checkStatementFiles(pipeline: PipelineState): Violation[] {
  const { statement, objects } = pipeline;
  if (!statement || !objects) return [];
  const revision = statement.corrections?.at(-1);
  const files = revision?.files ?? statement.files ?? [];
  const requests = revision?.requests ?? statement.requests;
  const out: Violation[] = [];
  for (const file of files) {
    const body = objects.get(file.key);
    if (!body) out.push({ kind: 'pipeline', detail: `statement file ${file.key} is missing` });
    else if (createHash('sha256').update(body).digest('hex') !== file.sha256)
      out.push({ kind: 'pipeline', detail: `statement file ${file.key} does not match its manifest` });
    else if (file.key.endsWith('.jsonl')) {
      const lines = body
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '');
      const sum = lines.reduce((total, line) => total + Number(JSON.parse(line).total?.requests ?? 0), 0);
      if (sum !== requests)
        out.push({ kind: 'pipeline', detail: `statement file ${file.key} adds up to ${sum} requests; its manifest says ${requests}` });
    }
  }
  if (files.length === 0) out.push({ kind: 'pipeline', detail: `statement ${pipeline.month} lists no files` });
  return out;
}

interface StatementFile {
  readonly key: string;
  readonly sha256: string;
}

/**
 * The usage send's fallback is durable: every event the publisher gave up on is in the log group, whole, under the
 * dropped-event message (read here with JSON.parse, not with replay's reader), and the replays run without faults
 * ended with nothing failed or invalid. (That each of them was then counted once is the counts' check.)
 */
function checkFallback(fallback: FallbackState, workload: Workload): Violation[] {
  const logged = new Map<string, string>();
  for (const line of fallback.lines) {
    const record = JSON.parse(line) as { message?: string; usageEvent?: UsageEvent };
    if (record.message === 'usage event dropped' && record.usageEvent)
      logged.set(record.usageEvent.eventId, JSON.stringify(record.usageEvent));
  }
  const out: Violation[] = fallback.failures.map((detail) => ({ kind: 'fallback' as const, detail }));
  for (const id of fallback.dropped) {
    const want = workload.events.get(id);
    if (!logged.has(id)) out.push({ kind: 'fallback', detail: `${id} was dropped by the publisher and never logged` });
    else if (want && logged.get(id) !== JSON.stringify(want))
      out.push({ kind: 'fallback', detail: `${id} was logged other than it was sent` });
  }
  return out;
}

/** Whether a body is a valid usage event v1 (the contract's schema, not the aggregator's parser). */
function parsesAsEvent(body: string): boolean {
  try {
    return usageEventV1.safeParse(JSON.parse(body)).success;
  } catch {
    return false;
  }
}
