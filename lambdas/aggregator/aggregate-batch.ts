// The use case: count a batch of usage events exactly once, writing each counter item about once per batch.
// Protocol (README, Usage aggregation): journal head → claims in per-second claim logs → journal body → pending →
// counters (marker-guarded, idempotent) → complete. A delivery that meets a claim of an unfinished journal finishes it.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UsageEvent } from '../../contracts/usage-event';
import {
  aggregateRoutes,
  counterId,
  decodeDeltas,
  encodeDeltas,
  parseRecord,
  withDayTotals,
  type CounterDelta,
  type RecordBody,
} from './aggregate';
import { claimPageOf, eventHash, EVENT_HASH_BYTES, MARKER_PREFIX, newJournalId } from './keys';
import { AggregatorRepository, type JournalHead } from './repository';
import { OutOfTime, withRetry } from './retry';

export interface AggregatorOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Claim logs per requestTime second. @default 1 */
  readonly claimShards?: number;
  /** TTL of claims and journals; must exceed the queue's retention. @default 15 days */
  readonly retentionSeconds?: number;
  /** A journal's lease lasts this long past its applier's end, covering requests still in flight. @default 5000 */
  readonly leaseMarginMs?: number;
  /** No new work starts this close to the end of the invocation. @default 1000 */
  readonly safetyMs?: number;
  /** Markers of a complete journal are removed only once it has been complete this long. @default 10000 */
  readonly markerGraceMs?: number;
  /** Concurrent DynamoDB requests per batch. @default 32 */
  readonly concurrency?: number;
  /** Unfinished journals of others this batch finishes at most. @default 8 */
  readonly maxResumesPerBatch?: number;
}

export interface BatchResult {
  /** messageIds to report in batchItemFailures: poison records and whatever could not be finished now. */
  readonly failures: string[];
  readonly poison: { readonly id: string; readonly reason: string }[];
  /** Events counted by this batch. */
  readonly counted: number;
  /** Records acknowledged without counting: already counted (by an earlier delivery) or repeated within the batch. */
  readonly duplicates: number;
  /** Counter UpdateItem requests sent (own journal and resumed ones). */
  readonly counterWrites: number;
  /** Other batches' unfinished journals completed here. */
  readonly resumed: number;
  readonly journalId?: string;
}

interface EventGroup {
  readonly event: UsageEvent;
  readonly hash: Buffer;
  readonly hashKey: string;
  readonly page: string;
  readonly recordIds: string[];
  state: 'open' | 'mine' | 'duplicate' | 'failed' | 'counted';
  awaiting?: string;
}

/** A Map that forgets its oldest entries: per-container caches of facts that never become false. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (this.has(key)) this.delete(key);
    super.set(key, value);
    if (this.size > this.max) this.delete(this.keys().next().value as K);
    return this;
  }
}

export interface Aggregator {
  aggregateBatch(records: readonly RecordBody[], invocation: { remainingTimeMs: number }): Promise<BatchResult>;
}

export function createAggregator(options: AggregatorOptions): Aggregator {
  const clock = options.clock ?? Date.now;
  const shards = options.claimShards ?? 1;
  const retentionSeconds = options.retentionSeconds ?? 15 * 24 * 3600;
  const leaseMarginMs = options.leaseMarginMs ?? 5_000;
  const safetyMs = options.safetyMs ?? 1_000;
  const markerGraceMs = options.markerGraceMs ?? 10_000;
  const concurrency = options.concurrency ?? 32;
  const maxResumes = options.maxResumesPerBatch ?? 8;
  const repo = new AggregatorRepository(options.doc, options.tableName, () => Math.floor(clock() / 1000) + retentionSeconds);

  /** Journals known complete (→ completedAt) or aborted (→ -1): final states. */
  const finalJournals = new BoundedMap<string, number>(200_000);
  /** Markers seen on a counter item after our last write to it. */
  const markersSeen = new BoundedMap<string, readonly string[]>(200_000);
  /** When a non-final journal was last looked up, so cleanup does not ask again every batch. */
  const lookedUpAt = new BoundedMap<string, number>(50_000);

  async function aggregateBatch(records: readonly RecordBody[], invocation: { remainingTimeMs: number }): Promise<BatchResult> {
    const start = clock();
    const deadline = start + invocation.remainingTimeMs - safetyMs;
    const leaseUntil = start + invocation.remainingTimeMs + leaseMarginMs;
    const retry = <T>(what: string, op: () => Promise<T>) => withRetry(what, op, { clock, deadline, sleep: options.sleep });
    let counterWrites = 0;
    let resumed = 0;

    // 1. Validate; group by eventId (a repeat inside the batch shares the first one's fate).
    const poison: { id: string; reason: string }[] = [];
    const groups = new Map<string, EventGroup>();
    for (const record of records) {
      const parsed = parseRecord(record);
      if (parsed.kind === 'poison') {
        poison.push({ id: parsed.id, reason: parsed.reason });
        continue;
      }
      const existing = groups.get(parsed.event.eventId);
      if (existing) {
        existing.recordIds.push(parsed.id);
        continue;
      }
      const hash = eventHash(parsed.event.eventId);
      groups.set(parsed.event.eventId, {
        event: parsed.event,
        hash,
        hashKey: hash.toString('latin1'),
        page: claimPageOf(parsed.event, hash, shards),
        recordIds: [parsed.id],
        state: 'open',
      });
    }

    const result = (journalId?: string): BatchResult => {
      const failures = poison.map((p) => p.id);
      let counted = 0;
      let duplicates = 0;
      for (const group of groups.values()) {
        if (group.state === 'counted') {
          counted += 1;
          duplicates += group.recordIds.length - 1;
        } else if (group.state === 'duplicate') duplicates += group.recordIds.length;
        else failures.push(...group.recordIds);
      }
      return { failures, poison, counted, duplicates, counterWrites, resumed, journalId };
    };
    if (groups.size === 0) return result();

    // Journal heads, from cache when final.
    async function headsOf(ids: Iterable<string>): Promise<Map<string, JournalHead | undefined>> {
      const heads = new Map<string, JournalHead | undefined>();
      const unknown: string[] = [];
      for (const id of ids) {
        const final = finalJournals.get(id);
        if (final === undefined) unknown.push(id);
        else heads.set(id, { journalId: id, status: final < 0 ? 'aborted' : 'complete', leaseUntil: 0, completedAt: final });
      }
      if (unknown.length > 0) {
        const fetched = await retry('read journals', () => repo.getJournalHeads(unknown));
        for (const id of unknown) {
          const head = fetched.get(id);
          remember(head);
          heads.set(id, head);
        }
      }
      return heads;
    }
    function remember(head: JournalHead | undefined) {
      if (head?.status === 'complete') finalJournals.set(head.journalId, head.completedAt ?? 0);
      if (head?.status === 'aborted') finalJournals.set(head.journalId, -1);
    }

    // 2. Open our journal: claims may name it from now on.
    const journalId = newJournalId();
    await retry('create journal', () => repo.createJournal(journalId, leaseUntil));

    // 3. Claim every event in its page's log, serialised by a conditional append.
    const awaiting = new Map<string, EventGroup[]>();
    async function claimPage(page: string, pageGroups: EventGroup[]) {
      let open = pageGroups;
      while (open.length > 0) {
        const entries = await retry('read claims', () => repo.readClaimPage(page));
        const owners = new Map<string, string[]>();
        let lastSeq = 0;
        for (const entry of entries) {
          lastSeq = Math.max(lastSeq, entry.seq);
          const bytes = Buffer.from(entry.hashes);
          for (let i = 0; i + EVENT_HASH_BYTES <= bytes.length; i += EVENT_HASH_BYTES) {
            const key = bytes.toString('latin1', i, i + EVENT_HASH_BYTES);
            const list = owners.get(key);
            if (list) list.push(entry.journalId);
            else owners.set(key, [entry.journalId]);
          }
        }
        const foreign = new Set<string>();
        for (const group of open) for (const id of owners.get(group.hashKey) ?? []) if (id !== journalId) foreign.add(id);
        const heads = foreign.size > 0 ? await headsOf(foreign) : new Map<string, JournalHead | undefined>();
        const candidates: EventGroup[] = [];
        for (const group of open) {
          const ids = owners.get(group.hashKey) ?? [];
          if (ids.includes(journalId)) {
            group.state = 'mine';
            continue;
          }
          // At most one owner is not aborted: a claim is appended only when every earlier owner is aborted.
          const liveId = ids.find((id) => heads.get(id)?.status !== 'aborted');
          if (liveId === undefined) {
            candidates.push(group);
            continue;
          }
          let head = heads.get(liveId);
          const now = clock();
          if (head?.status === 'claiming' && head.leaseUntil < now) {
            // Its writer stopped before opening the journal for counting: abort it, and its claims no longer count.
            const outcome = await retry('abort journal', () => repo.transition(liveId, 'claiming', 'aborted', { leaseExpiredBefore: now }));
            head = outcome.head;
            remember(head);
            heads.set(liveId, head);
            if (head?.status === 'aborted') {
              candidates.push(group);
              continue;
            }
          }
          if (head === undefined || head.status === 'complete')
            group.state = 'duplicate'; // a missing head expired by TTL: counted long ago
          else if (head.status === 'pending' && head.leaseUntil < now) {
            group.awaiting = liveId;
            const list = awaiting.get(liveId);
            if (list) list.push(group);
            else awaiting.set(liveId, [group]);
          } else group.state = 'failed'; // its owner is still at work: retry later
        }
        if (candidates.length === 0) return;
        const hashes = Buffer.concat(candidates.map((g) => g.hash));
        const appended = await retry('append claims', () => repo.appendClaims(page, lastSeq + 1, journalId, hashes));
        if (appended) {
          for (const group of candidates) group.state = 'mine';
          return;
        }
        open = candidates; // someone appended first (or our own retried append landed): read again
      }
    }
    const byPage = new Map<string, EventGroup[]>();
    for (const group of groups.values()) {
      const list = byPage.get(group.page);
      if (list) list.push(group);
      else byPage.set(group.page, [group]);
    }
    await runLimited([...byPage], concurrency, ([page, pageGroups]) => claimPage(page, pageGroups), OutOfTime);

    // Markers that may be removed from a counter item: of journals complete for longer than the grace period.
    function removableMarkers(id: string, now: number): string[] {
      return (markersSeen.get(id) ?? []).filter((marker) => {
        const doneAt = finalJournals.get(marker.slice(MARKER_PREFIX.length));
        return doneAt !== undefined && doneAt >= 0 && doneAt < now - markerGraceMs;
      });
    }
    async function learnMarkerJournals(deltas: readonly CounterDelta[]) {
      const now = clock();
      const unknown = new Set<string>();
      for (const delta of deltas) {
        for (const marker of markersSeen.get(counterId(delta)) ?? []) {
          const id = marker.slice(MARKER_PREFIX.length);
          if (finalJournals.has(id) || (lookedUpAt.get(id) ?? -Infinity) > now - markerGraceMs) continue;
          unknown.add(id);
        }
      }
      if (unknown.size === 0) return;
      const ids = [...unknown].slice(0, 300);
      for (const id of ids) lookedUpAt.set(id, now);
      try {
        const heads = await retry('read journals', () => repo.getJournalHeads(ids));
        for (const id of ids) {
          const head = heads.get(id);
          if (head) remember(head);
          else finalJournals.set(id, 0); // expired by TTL: long complete
        }
      } catch (error) {
        if (!(error instanceof OutOfTime)) throw error;
      }
    }
    async function applyJournal(id: string, deltas: readonly CounterDelta[]) {
      await learnMarkerJournals(deltas);
      await runLimited(deltas, concurrency, async (delta) => {
        const cid = counterId(delta);
        const remove = removableMarkers(cid, clock());
        counterWrites += 1;
        const outcome = await retry('apply counter', () => repo.applyCounter(delta, id, remove));
        if (outcome.applied) markersSeen.set(cid, outcome.markers);
      });
    }
    async function complete(id: string) {
      const doneAt = clock();
      const outcome = await retry('complete journal', () => repo.transition(id, 'pending', 'complete', { completedAt: doneAt }));
      if (outcome.head?.status !== 'complete') throw new Error(`journal ${id} could not complete: ${outcome.head?.status ?? 'missing'}`);
      remember(outcome.head);
    }

    // 4. Count our claimed events: body first (a pending journal always has one), then pending, apply, complete.
    const mine = [...groups.values()].filter((g) => g.state === 'mine');
    if (mine.length > 0) {
      try {
        const routeDeltas = [...aggregateRoutes(mine.map((g) => g.event)).values()];
        await retry('write journal', () => repo.putJournalBody(journalId, encodeDeltas(routeDeltas)));
        const opened = await retry('open journal', () => repo.transition(journalId, 'claiming', 'pending'));
        if (opened.head?.status !== 'pending') {
          for (const group of mine) group.state = 'failed'; // aborted by another batch: our claims no longer count
        } else {
          await applyJournal(journalId, withDayTotals(routeDeltas));
          await complete(journalId);
          for (const group of mine) group.state = 'counted';
        }
      } catch (error) {
        if (!(error instanceof OutOfTime)) throw error;
      }
    }

    // 5. Finish journals of crashed or timed-out batches whose events came back here; then those events are duplicates.
    for (const [otherId, waiting] of [...awaiting].slice(0, maxResumes)) {
      try {
        const now = clock();
        let done = false;
        if (await retry('lease journal', () => repo.acquireLease(otherId, now, leaseUntil))) {
          const body = await retry('read journal', () => repo.getJournalBody(otherId));
          if (!body) throw new Error(`journal ${otherId} is pending without a body`);
          await applyJournal(otherId, withDayTotals(decodeDeltas(body)));
          await complete(otherId);
          resumed += 1;
          done = true;
        } else {
          const head = await retry('read journal', () => repo.getJournalHead(otherId));
          remember(head);
          done = head?.status === 'complete';
        }
        for (const group of waiting) group.state = done ? 'duplicate' : 'failed';
      } catch (error) {
        if (!(error instanceof OutOfTime)) throw error;
      }
    }
    return result(journalId);
  }

  return { aggregateBatch };
}

/** Runs tasks with at most `limit` in flight; stops starting new ones after a failure and rethrows the first. */
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
  swallow?: new (...args: never[]) => Error,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        if (swallow && error instanceof swallow) continue;
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}
