// The exactly-once protocol (PROTOCOL.md): count a batch of usage events once each, writing each counter
// item about once per batch. One method per protocol step; the storage is AggregatorRepository.
import { setTimeout as realSleep } from 'node:timers/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UsageEvent } from '../../contracts/usage-event';
import { CLAIM_RETENTION_DAYS, MAX_FUTURE_SKEW_MS } from '../../contracts/usage-queue';
import { runLimited } from '../aws/bounded-concurrency';
import {
  aggregateRoutes,
  type DayDelta,
  counterId,
  decodeDeltas,
  encodeDeltas,
  parseRecord,
  type RecordBody,
  dayDeltas,
} from './counter-deltas';
import type { AlertOutcome, AlertStep } from './alert-step';
import { JournalCache } from './journal-cache';
import {
  claimPageOf,
  claimSecondOf,
  EVENT_HASH_BYTES,
  eventHash,
  MARKER_PREFIX,
  newJournalId,
  PAYLOAD_FINGERPRINT_BYTES,
  payloadFingerprint,
  secondDisagrees,
} from './keys';
import { AggregatorRepository, type ClaimEntry, type JournalHead, type JournalHeads } from './repository';
import { OutOfTime, withRetry } from './retry';

const DAY_MS = 24 * 3600 * 1000;
/** Pause before a claim page is read again after a lost append: full jitter over 100 ms, doubling, at most 1 s. */
const CLAIM_BACKOFF_BASE_MS = 100;
const CLAIM_BACKOFF_MAX_MS = 1_000;
/** Claim pages one walker claims in turn (bench/README.md "Concurrent pollers": fewer walkers, fewer refused appends). */
const CLAIM_PAGES_PER_WALKER = 32;
/**
 * Share of a batch's time budget in which claim pages are started. A page started later is left for a later
 * delivery, unclaimed, so each delivery keeps time to count what it claimed: work is bounded by the budget and every
 * delivery makes progress, where claiming every page first could leave no time to count any (bench/README.md
 * "Bounded claim walk").
 */
const CLAIM_SHARE_OF_BUDGET = 0.5;

export interface AggregatorOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Randomness for journal ids and backoff jitter (seeded in the simulator). @default crypto and Math.random */
  readonly random?: () => number;
  /** Claim logs per requestTime second. @default 1 */
  readonly claimShards?: number;
  /** TTL of claims and journals. @default CLAIM_RETENTION_DAYS (contracts/usage-queue.ts), longer than any message can live */
  readonly retentionSeconds?: number;
  /** A journal's lease lasts this long past its applier's end, covering requests still in flight. @default 5000 */
  readonly leaseMarginMs?: number;
  /** No new work starts this close to the end of the invocation. @default 1000 */
  readonly safetyMs?: number;
  /**
   * Markers of a complete journal are removed only once it has been complete this long, by the remover's clock: the
   * longest a sent write may still land (10 s, PROTOCOL.md) plus the containers' clock skew (the lease margin, 5 s),
   * because the completion time was read on another container's clock (seed 210224: at 10 s, a write landing 8.3 s
   * after it was sent found its marker removed by a container 4 s ahead, and counted an event twice). @default 15000
   */
  readonly markerGraceMs?: number;
  /** Concurrent DynamoDB requests per batch. @default 32 */
  readonly concurrency?: number;
  /** Unfinished journals of others this batch finishes at most. @default 8 */
  readonly maxResumesPerBatch?: number;
  /**
   * How often a container looks through the pending-journal index for journals whose batch died after they
   * turned pending, to finish them without waiting for their events. @default 60000
   */
  readonly pendingSweepEveryMs?: number;
  /** Told about an unexpected error that failed part of a batch (the rest goes on). */
  readonly onError?: (error: unknown, context: { step: string; journalId?: string }) => void;
  /** Quota alerts (step 6): run once counting is settled, for the client-days the batch touched. */
  readonly alerts?: AlertStep;
}

/**
 * A record refused to the DLQ path, never counted: `invalid` (not a usage event v1), `too-old` (older than the
 * claim retention allows to check), `future` (requestTime beyond the future skew bound).
 */
export interface RefusedRecord {
  readonly id: string;
  readonly reason: string;
  readonly kind: 'invalid' | 'too-old' | 'future';
}

export interface BatchResult {
  /** messageIds to report in batchItemFailures: poison, too old, too far ahead, and whatever could not be finished now. */
  readonly failures: string[];
  readonly poison: RefusedRecord[];
  /** Events of this batch now counted (acknowledged), by its own journal or by another batch that finished it. */
  readonly counted: number;
  /**
   * Events whose journal this batch completed (its own, and those it resumed): each counted event is in exactly one
   * batch's figure, whoever finished its journal, so the EventsAggregated metric adds up to the events counted.
   */
  readonly completedEvents: number;
  /** Records acknowledged without counting: already counted (by an earlier delivery) or repeated within the batch. */
  readonly duplicates: number;
  /** Duplicates whose payload differs from the counted one (same eventId): the first one counts. */
  readonly conflicts: { readonly id: string; readonly eventId: string }[];
  /** Counter UpdateItem requests sent (own journal and resumed ones). */
  readonly counterWrites: number;
  /** Other batches' unfinished journals completed here. */
  readonly resumed: number;
  /** Parts of the batch that failed on an unexpected error (their records are retried). */
  readonly errors: number;
  readonly journalId?: string;
  /** The alert step's outcome (absent without an alert step); it never changes the fields above. */
  readonly alerts?: AlertOutcome;
}

interface EventGroup {
  readonly event: UsageEvent;
  readonly hash: Buffer;
  readonly hashKey: string;
  readonly fingerprint: Buffer;
  readonly page: string;
  readonly recordIds: string[];
  /** Payload fingerprint of each record (latin1), to spot an event id reused with another payload. */
  readonly prints: Map<string, string>;
  /** Records whose requestTime is in another second than their id's (`secondDisagrees`): each is a conflict. */
  readonly disagreeing: Set<string>;
  /** The fingerprint the counted copy had, when another journal counted it (older claims have none). */
  countedPrint?: string;
  state: 'open' | 'mine' | 'duplicate' | 'failed' | 'counted';
}

interface Owner {
  readonly journalId: string;
  readonly fingerprint?: string;
}

export interface Aggregator {
  aggregateBatch(records: readonly RecordBody[], invocation: { remainingTimeMs: number }): Promise<BatchResult>;
}

export function createAggregator(options: AggregatorOptions): Aggregator {
  const settings = {
    clock: options.clock ?? Date.now,
    sleep: options.sleep ?? realSleep,
    shards: options.claimShards ?? 1,
    retentionSeconds: options.retentionSeconds ?? CLAIM_RETENTION_DAYS * 24 * 3600,
    leaseMarginMs: options.leaseMarginMs ?? 5_000,
    safetyMs: options.safetyMs ?? 1_000,
    markerGraceMs: options.markerGraceMs ?? 15_000,
    concurrency: options.concurrency ?? 32,
    maxResumes: options.maxResumesPerBatch ?? 8,
    pendingSweepEveryMs: options.pendingSweepEveryMs ?? 60_000,
  };
  const repo = new AggregatorRepository(
    options.doc,
    options.tableName,
    () => Math.floor(settings.clock() / 1000) + settings.retentionSeconds,
    settings.sleep,
  );
  const cache = new JournalCache();
  return {
    aggregateBatch: (records, invocation) => new BatchRun(options, settings, repo, cache, invocation.remainingTimeMs).run(records),
  };
}

type Settings = {
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly shards: number;
  readonly retentionSeconds: number;
  readonly leaseMarginMs: number;
  readonly safetyMs: number;
  readonly markerGraceMs: number;
  readonly concurrency: number;
  readonly maxResumes: number;
  readonly pendingSweepEveryMs: number;
};

/** One batch going through the protocol's steps. */
class BatchRun {
  private readonly start: number;
  private readonly deadline: number;
  /** No claim page is started after this moment (CLAIM_SHARE_OF_BUDGET). */
  private readonly claimCutoff: number;
  private readonly leaseUntil: number;
  private readonly groups = new Map<string, EventGroup>();
  private readonly poison: RefusedRecord[] = [];
  /** Unfinished journals of crashed batches that own some of our events, with those events. */
  private readonly awaiting = new Map<string, EventGroup[]>();
  private readonly journalId: string;
  /** Set when a claim append's outcome stayed unknown: our journal must never become pending. */
  private journalVoid = false;
  private counterWrites = 0;
  private completedEvents = 0;
  private resumed = 0;
  private errors = 0;
  /** Client-days of journals other batches left pending that this one completed (for the alert step). */
  private readonly resumedClientDays: { clientId: string; day: string }[] = [];

  constructor(
    private readonly options: AggregatorOptions,
    private readonly s: Settings,
    private readonly repo: AggregatorRepository,
    private readonly cache: JournalCache,
    remainingTimeMs: number,
  ) {
    this.start = s.clock();
    this.deadline = this.start + remainingTimeMs - s.safetyMs;
    this.claimCutoff = this.start + Math.max(0, this.deadline - this.start) * CLAIM_SHARE_OF_BUDGET;
    this.leaseUntil = this.start + remainingTimeMs + s.leaseMarginMs;
    this.journalId = newJournalId(options.random);
  }

  async run(records: readonly RecordBody[]): Promise<BatchResult> {
    this.group(records);
    if (this.groups.size === 0) return this.result(undefined);
    await this.retry('create journal', () => this.repo.createJournal(this.journalId, this.leaseUntil));
    await this.claimAll();
    await this.countOwn();
    await this.resumeOthers();
    await this.finishPending();
    const result = this.result(this.journalId);
    return this.options.alerts ? { ...result, alerts: await this.alert(this.options.alerts) } : result;
  }

  // 6. Alerts: the client-days whose totals this batch knows to be final for its events (counted here, or
  //    found counted by a complete journal, which may have crashed before alerting), and those of the
  //    journals it resumed, with the plan their events carry. Nothing here changes the result above.
  private async alert(step: AlertStep): Promise<AlertOutcome> {
    const plans = new Map<string, { plan: string; at: string }>();
    for (const { event } of this.groups.values()) {
      const known = plans.get(event.clientId);
      if (!known || known.at < event.requestTime) plans.set(event.clientId, { plan: event.plan, at: event.requestTime });
    }
    const clientDays = new Map<string, { clientId: string; day: string; plan: string }>();
    const add = (clientId: string, day: string, plan: string | undefined) => {
      if (plan !== undefined) clientDays.set(counterId({ clientId, day }), { clientId, day, plan });
    };
    for (const group of this.groups.values()) {
      if (group.state === 'counted' || group.state === 'duplicate') add(group.event.clientId, group.event.day, group.event.plan);
    }
    // A resumed journal's clients outside this batch have no known plan here: the sweeper covers them.
    for (const { clientId, day } of this.resumedClientDays) add(clientId, day, plans.get(clientId)?.plan);
    return step([...clientDays.values()], this.deadline - this.s.clock());
  }

  private retry<T>(what: string, op: () => Promise<T>): Promise<T> {
    return withRetry(what, op, { clock: this.s.clock, deadline: this.deadline, sleep: this.s.sleep, random: this.options.random });
  }

  /** Whether a pause of `ms` still ends before the deadline. */
  private readonly canWait = (ms: number): boolean => this.s.clock() + ms < this.deadline;

  /** Heads of journals in bulk (`getJournalHeads`), retried, within the deadline. */
  private readJournals(ids: readonly string[]): Promise<JournalHeads> {
    return this.retry('read journals', () => this.repo.getJournalHeads(ids, this.canWait));
  }

  /** Runs one part of the batch; an unexpected error fails that part only (its records are retried later). */
  private async isolated(step: string, journalId: string | undefined, part: () => Promise<void>, onFailure: () => void): Promise<void> {
    try {
      await part();
    } catch (error) {
      onFailure();
      if (error instanceof OutOfTime) return;
      this.errors += 1;
      this.options.onError?.(error, { step, journalId });
    }
  }

  // 1. Validate; group by eventId (a repeat inside the batch shares the first one's fate); refuse events
  //    too old to check against their claims, and events from the future. Both bounds apply to the requestTime
  //    and to the second its id carries (the claim page's), whichever is further out.
  private group(records: readonly RecordBody[]): void {
    const oldest = this.start - (this.s.retentionSeconds * 1000 - DAY_MS);
    const newest = this.start + MAX_FUTURE_SKEW_MS;
    for (const record of records) {
      const parsed = parseRecord(record);
      if (parsed.kind === 'poison') {
        this.poison.push({ id: parsed.id, reason: parsed.reason, kind: 'invalid' });
        continue;
      }
      const requestTime = Date.parse(parsed.event.requestTime);
      const claimTime = claimSecondOf(parsed.event) * 1000;
      if (Math.min(requestTime, claimTime) < oldest) {
        // Its claims may have expired, so counting it could count it twice: to the DLQ for an operator.
        this.poison.push({ id: parsed.id, reason: 'older than the claim retention: cannot be checked for duplicates', kind: 'too-old' });
        continue;
      }
      if (Math.max(requestTime, claimTime) > newest) {
        // Counted now, it would never be too old to count again once its claims expire. Retried, it is counted
        // once its time has come (within the queue's receives), else it waits in the DLQ for an operator.
        this.poison.push({
          id: parsed.id,
          reason: `request time is more than ${MAX_FUTURE_SKEW_MS / 1000} s ahead of the aggregator clock: refused, never counted`,
          kind: 'future',
        });
        continue;
      }
      const fingerprint = payloadFingerprint(parsed.event);
      // A requestTime in another second than its id's: claimed on the id's page like any copy, reported as a conflict.
      const disagrees = secondDisagrees(parsed.event);
      const existing = this.groups.get(parsed.event.eventId);
      if (existing) {
        existing.recordIds.push(parsed.id);
        existing.prints.set(parsed.id, fingerprint.toString('latin1'));
        if (disagrees) existing.disagreeing.add(parsed.id);
        continue;
      }
      const hash = eventHash(parsed.event.eventId);
      this.groups.set(parsed.event.eventId, {
        event: parsed.event,
        hash,
        hashKey: hash.toString('latin1'),
        fingerprint,
        page: claimPageOf(parsed.event, hash, this.s.shards),
        recordIds: [parsed.id],
        prints: new Map([[parsed.id, fingerprint.toString('latin1')]]),
        disagreeing: new Set(disagrees ? [parsed.id] : []),
        state: 'open',
      });
    }
  }

  // 2–3. Claim every event in its page's log (the journal exists, so claims may name it), serialised by a
  //      conditional append. A page whose append outcome stays unknown voids the journal.
  //      Concurrent batches hold events of the same seconds (prod's pollers fill them at once), and two batches on
  //      one page at the same moment cost a refused append (billed like the ~4 KB item it meets). So the pages are
  //      walked in one order shared by every batch (by page name), each batch starting at a random place in it and
  //      walking a few pages at a time: batches moving at the same pace stay apart instead of all racing for every
  //      page at once. Only the order changes; each append is still conditional on the slot read.
  private async claimAll(): Promise<void> {
    const byPage = new Map<string, EventGroup[]>();
    for (const group of this.groups.values()) byPage.set(group.page, [...(byPage.get(group.page) ?? []), group]);
    const pages = [...byPage].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const start = Math.floor((this.options.random ?? Math.random)() * pages.length);
    const walk = [...pages.slice(start), ...pages.slice(0, start)];
    // One walker per CLAIM_PAGES_PER_WALKER pages, each walking its own stretch of the order, so a batch spanning
    // many seconds (a backlog) still claims within its time.
    const walkers = Math.min(this.s.concurrency, Math.ceil(walk.length / CLAIM_PAGES_PER_WALKER));
    const stretch = Math.ceil(walk.length / Math.max(1, walkers));
    await Promise.all(
      Array.from({ length: walkers }, async (_, w) => {
        // Each walker starts its first page whatever the time, so every delivery makes progress; later pages only
        // before the cutoff. Events of pages not started stay unclaimed and are retried.
        for (const [i, [page, groups]] of walk.slice(w * stretch, (w + 1) * stretch).entries()) {
          if (i > 0 && this.s.clock() >= this.claimCutoff) {
            for (const group of groups) group.state = 'failed';
          } else await this.claimPage(page, groups);
        }
      }),
    );
    if (this.journalVoid) await this.abandonOwnJournal();
  }

  private async claimPage(page: string, pageGroups: EventGroup[]): Promise<void> {
    let unresolvedAppend = false;
    await this.isolated(
      'claim',
      this.journalId,
      async () => {
        let open = pageGroups;
        for (let lost = 0; open.length > 0; lost++) {
          // Lost the slot to a concurrent batch (prod's pollers take batches of the same seconds at once): wait a
          // random moment first, so the losers do not all read and append again together and collide again.
          if (lost > 0) await this.backoff(lost);
          const entries = await this.retry('read claims', () => this.repo.readClaimPage(page));
          unresolvedAppend = false; // a completed read shows every append of ours that landed
          const owners = ownersByHash(entries);
          const candidates = await this.settleOwnership(open, owners);
          if (candidates.length === 0) return;
          const lastSeq = entries.reduce((max, e) => Math.max(max, e.seq), 0);
          unresolvedAppend = true;
          const appended = await this.retry('append claims', () =>
            this.repo.appendClaims(
              page,
              lastSeq + 1,
              this.journalId,
              Buffer.concat(candidates.map((g) => g.hash)),
              Buffer.concat(candidates.map((g) => g.fingerprint)),
            ),
          );
          if (appended) {
            unresolvedAppend = false;
            for (const group of candidates) group.state = 'mine';
            return;
          }
          open = candidates; // someone appended first, or our own retried append landed: read again
        }
      },
      () => {
        if (unresolvedAppend) this.journalVoid = true;
        for (const group of pageGroups) if (group.state === 'open') group.state = 'failed';
      },
    );
  }

  /** Full-jitter pause before a page is read again after a lost append (none when it would pass the deadline). */
  private async backoff(lost: number): Promise<void> {
    const delay = (this.options.random ?? Math.random)() * Math.min(CLAIM_BACKOFF_MAX_MS, CLAIM_BACKOFF_BASE_MS * 2 ** (lost - 1));
    if (this.canWait(delay)) await this.s.sleep(delay);
  }

  /** Decides each open event's fate from its page's owners; returns the events this batch may claim. */
  private async settleOwnership(open: EventGroup[], owners: Map<string, Owner[]>): Promise<EventGroup[]> {
    const foreign = new Set<string>();
    for (const group of open) for (const o of owners.get(group.hashKey) ?? []) if (o.journalId !== this.journalId) foreign.add(o.journalId);
    const heads = foreign.size > 0 ? await this.headsOf(foreign) : new Map<string, JournalHead | undefined>();
    const candidates: EventGroup[] = [];
    for (const group of open) {
      const list = owners.get(group.hashKey) ?? [];
      if (list.some((o) => o.journalId === this.journalId)) {
        group.state = 'mine';
        continue;
      }
      // At most one owner is not aborted: a claim is appended only when every earlier owner is aborted.
      const live = list.find((o) => heads.get(o.journalId)?.status !== 'aborted');
      if (live === undefined) {
        candidates.push(group);
        continue;
      }
      let head = heads.get(live.journalId);
      const now = this.s.clock();
      if (head?.status === 'claiming' && head.leaseUntil < now) {
        // Its writer stopped before opening the journal for counting: abort it, and its claims no longer count.
        const outcome = await this.retry('abort journal', () =>
          this.repo.transition(live.journalId, 'claiming', 'aborted', { leaseExpiredBefore: now }),
        );
        head = outcome.head;
        this.cache.remember(head);
        heads.set(live.journalId, head);
        if (head?.status === 'aborted') {
          candidates.push(group);
          continue;
        }
      }
      if (head === undefined) {
        // Claims outlive their journal by less than the age limit, so a missing head means a damaged table.
        throw new Error(`journal ${live.journalId} owns a claim but has no head`);
      }
      if (head.status === 'complete') {
        group.state = 'duplicate';
        group.countedPrint = live.fingerprint;
      } else if (head.status === 'pending' && head.leaseUntil < now) {
        // Once this batch finishes that journal, the event is a duplicate of the copy it holds.
        group.countedPrint = live.fingerprint;
        this.awaiting.set(live.journalId, [...(this.awaiting.get(live.journalId) ?? []), group]);
      } else {
        group.state = 'failed'; // its owner is still at work: retry later
      }
    }
    return candidates;
  }

  /** Journal heads, from memory when final. */
  private async headsOf(ids: Iterable<string>): Promise<Map<string, JournalHead | undefined>> {
    const heads = new Map<string, JournalHead | undefined>();
    const unknown: string[] = [];
    for (const id of ids) {
      const known = this.cache.known(id);
      if (known) heads.set(id, known);
      else unknown.push(id);
    }
    if (unknown.length > 0) {
      const fetched = await this.readJournals(unknown);
      for (const id of unknown) {
        const head = fetched.heads.get(id);
        this.cache.remember(head);
        heads.set(id, head);
      }
      if (fetched.unanswered.length > 0) throw new OutOfTime('read journals');
    }
    return heads;
  }

  /** Our journal may hold claims we do not know of: abort it so they are void (or leave it to its lease). */
  private async abandonOwnJournal(): Promise<void> {
    for (const group of this.groups.values()) if (group.state === 'mine' || group.state === 'open') group.state = 'failed';
    await this.isolated(
      'abort own journal',
      this.journalId,
      async () => {
        const outcome = await this.retry('abort own journal', () => this.repo.transition(this.journalId, 'claiming', 'aborted'));
        this.cache.remember(outcome.head);
      },
      () => undefined,
    );
  }

  // 4. Count our claimed events: body first (a pending journal always has one), then pending, apply, complete.
  private async countOwn(): Promise<void> {
    const mine = [...this.groups.values()].filter((g) => g.state === 'mine');
    if (mine.length === 0 || this.journalVoid) return;
    await this.isolated(
      'count',
      this.journalId,
      async () => {
        const routeDeltas = [...aggregateRoutes(mine.map((g) => g.event)).values()];
        // The body, and the journal's entry in the pending index (both before it can be pending, so a crash from
        // then on leaves it where step 5b finds it), side by side.
        await Promise.all([
          this.retry('write journal', () => this.repo.putJournalBody(this.journalId, encodeDeltas(routeDeltas))),
          this.retry('list journal', () => this.repo.putPendingEntry(this.journalId, this.s.clock(), this.leaseUntil)),
        ]);
        const opened = await this.retry('open journal', () => this.repo.transition(this.journalId, 'claiming', 'pending'));
        if (opened.head?.status !== 'pending') {
          for (const group of mine) group.state = 'failed'; // aborted by another batch: our claims no longer count
          await this.unlist(this.journalId);
          return;
        }
        await this.applyJournal(this.journalId, dayDeltas(routeDeltas));
        const done = await this.complete(this.journalId);
        if (done === 'lost') {
          // Our lease ran out and another batch holds it: it completes the journal; our events come back then.
          for (const group of mine) group.state = 'failed';
          return;
        }
        if (done === 'ours') this.completedEvents += mine.length;
        for (const group of mine) group.state = 'counted';
        await this.unlist(this.journalId);
      },
      () => {
        for (const group of mine) if (group.state === 'mine') group.state = 'failed';
      },
    );
  }

  private async applyJournal(id: string, deltas: readonly DayDelta[]): Promise<void> {
    await this.learnMarkerJournals(deltas);
    await runLimited(deltas, this.s.concurrency, async (delta) => {
      const cid = counterId({ clientId: delta.clientId, day: delta.day });
      const removable = (this.cache.markersSeen.get(cid) ?? []).filter((marker) =>
        this.cache.completeBefore(marker.slice(MARKER_PREFIX.length), this.s.clock() - this.s.markerGraceMs),
      );
      // Counted as each request is sent: a write cut off by the deadline before it was sent is no write.
      const outcome = await this.retry('apply counter', () => {
        this.counterWrites += 1;
        return this.repo.applyCounter(delta, id, removable);
      });
      if (outcome.applied) this.cache.markersSeen.set(cid, outcome.markers);
    });
  }

  /** Looks up the journals named by markers we saw, so their markers can be removed once they are complete. */
  private async learnMarkerJournals(deltas: readonly DayDelta[]): Promise<void> {
    const now = this.s.clock();
    const unknown = new Set<string>();
    for (const delta of deltas) {
      for (const marker of this.cache.markersSeen.get(counterId({ clientId: delta.clientId, day: delta.day })) ?? []) {
        const id = marker.slice(MARKER_PREFIX.length);
        if (this.cache.final.has(id) || (this.cache.lookedUpAt.get(id) ?? Number.NEGATIVE_INFINITY) > now - this.s.markerGraceMs) continue;
        unknown.add(id);
      }
    }
    if (unknown.size === 0) return;
    const ids = [...unknown].slice(0, 300);
    try {
      const { heads, unanswered } = await this.readJournals(ids);
      // Recorded once answered: a look-up cut off by the deadline (maybe never sent) is no reason to wait a grace
      // period before the next one, which would leave the markers on the item for the next write too.
      const answered = ids.filter((id) => !unanswered.includes(id));
      for (const id of answered) this.cache.lookedUpAt.set(id, now);
      for (const id of answered) {
        const head = heads.get(id);
        if (head) this.cache.remember(head);
        else this.cache.final.set(id, 0); // expired by TTL: complete long ago
      }
    } catch (error) {
      if (!(error instanceof OutOfTime)) throw error;
    }
  }

  /**
   * Moves a journal pending → complete under this batch's lease: `ours` when this batch's transition completed it,
   * `theirs` when another batch's did, `lost` when another batch has taken the lease since (ours ran out): that
   * batch applies the journal again (the markers keep it from adding twice) and completes it, so every write to the
   * journal's counters is sent before the completion its markers' grace is measured from (PROTOCOL.md step 4).
   */
  private async complete(id: string): Promise<'ours' | 'theirs' | 'lost'> {
    const doneAt = this.s.clock();
    const outcome = await this.retry('complete journal', () =>
      this.repo.transition(id, 'pending', 'complete', { completedAt: doneAt, completedBy: this.journalId, leaseHeld: this.leaseUntil }),
    );
    if (outcome.head?.status === 'pending') return 'lost';
    if (outcome.head?.status !== 'complete') throw new Error(`journal ${id} could not complete: ${outcome.head?.status ?? 'missing'}`);
    this.cache.remember(outcome.head);
    // A retried transition whose first attempt applied finds the journal complete by us, not changed by this attempt.
    const ours = outcome.head.completedBy === undefined ? outcome.changed : outcome.head.completedBy === this.journalId;
    return ours ? 'ours' : 'theirs';
  }

  // 5. Finish journals of crashed or timed-out batches whose events came back here; then those events are duplicates.
  private async resumeOthers(): Promise<void> {
    for (const [otherId, waiting] of [...this.awaiting].slice(0, this.s.maxResumes)) {
      await this.isolated(
        'resume',
        otherId,
        async () => {
          const done = await this.resume(otherId);
          for (const group of waiting) group.state = done ? 'duplicate' : 'failed';
        },
        () => {
          for (const group of waiting) group.state = 'failed';
        },
      );
    }
    for (const waiting of [...this.awaiting.values()].slice(this.s.maxResumes)) for (const group of waiting) group.state = 'failed';
  }

  /** Finishes a pending journal whose lease expired (if we get its lease); true once it is complete. */
  private async resume(otherId: string): Promise<boolean> {
    if (await this.retry('lease journal', () => this.repo.acquireLease(otherId, this.s.clock(), this.leaseUntil))) {
      const body = await this.retry('read journal', () => this.repo.getJournalBody(otherId));
      if (!body) throw new Error(`journal ${otherId} is pending without a body`);
      const deltas = decodeDeltas(body);
      await this.applyJournal(otherId, dayDeltas(deltas));
      const done = await this.complete(otherId);
      if (done === 'lost') return false;
      // The body holds one row per client, day and route: its requests are the journal's events.
      if (done === 'ours') this.completedEvents += deltas.reduce((n, d) => n + d.values.requests, 0);
      this.resumed += 1;
      for (const { clientId, day } of deltas) this.resumedClientDays.push({ clientId, day });
      await this.unlist(otherId);
      return true;
    }
    const head = await this.retry('read journal', () => this.repo.getJournalHead(otherId));
    this.cache.remember(head);
    return head?.status === 'complete';
  }

  // 5b. At most once a minute per container: finish the journals of the pending-journal index whose batch died
  //     after they turned pending, whether or not their events ever come back (they may be refused as too old,
  //     or wait in the DLQ); abort those that never turned pending; drop the entries of finished ones.
  private async finishPending(): Promise<void> {
    const now = this.s.clock();
    if (now - this.cache.pendingSweptAt < this.s.pendingSweepEveryMs || now >= this.deadline) return;
    this.cache.pendingSweptAt = now;
    // As old as an event that can still be counted, no older: MIN_RETENTION_DAYS (contracts/usage-queue.ts)
    // keeps every counter such a journal touches in the table.
    const oldest = now - (this.s.retentionSeconds * 1000 - DAY_MS);
    await this.isolated(
      'finish pending',
      undefined,
      async () => {
        const entries = await this.retry('list pending journals', () => this.repo.listPendingEntries());
        const due = entries
          .filter((e) => e.leaseUntil < now && e.journalId !== this.journalId && !this.awaiting.has(e.journalId))
          .slice(0, Math.max(0, this.s.maxResumes - this.resumed) + 16);
        if (due.length === 0) return;
        const { heads, unanswered } = await this.readJournals(due.map((e) => e.journalId));
        for (const entry of due) {
          if (unanswered.includes(entry.journalId)) continue; // out of time: the next sweep looks again
          const head = heads.get(entry.journalId);
          this.cache.remember(head);
          if (head === undefined || head.status === 'complete' || head.status === 'aborted') {
            await this.unlist(entry.journalId);
          } else if (head.leaseUntil >= this.s.clock()) {
            // its applier is still at work
          } else if (head.status === 'claiming') {
            // It never turned pending: abort it (as a batch meeting its claims would), so its claims are void.
            const outcome = await this.retry('abort journal', () =>
              this.repo.transition(entry.journalId, 'claiming', 'aborted', { leaseExpiredBefore: this.s.clock() }),
            );
            this.cache.remember(outcome.head);
            if (outcome.head?.status === 'aborted') await this.unlist(entry.journalId);
          } else if (entry.since < oldest) {
            this.options.onError?.(new Error(`pending journal ${entry.journalId} is too old to finish safely`), {
              step: 'finish pending',
              journalId: entry.journalId,
            });
          } else if (this.resumed < this.s.maxResumes) {
            await this.resume(entry.journalId);
          }
        }
      },
      () => undefined,
    );
  }

  /** Drops a journal's pending-index entry; a failure only leaves work for the next look through the index. */
  private async unlist(journalId: string): Promise<void> {
    try {
      await this.retry('unlist journal', () => this.repo.deletePendingEntry(journalId));
    } catch (error) {
      if (!(error instanceof OutOfTime)) this.options.onError?.(error, { step: 'unlist journal', journalId });
    }
  }

  private result(journalId: string | undefined): BatchResult {
    const failures = this.poison.map((p) => p.id);
    const conflicts: { id: string; eventId: string }[] = [];
    let counted = 0;
    let duplicates = 0;
    for (const group of this.groups.values()) {
      if (group.state === 'counted') {
        counted += 1;
        duplicates += group.recordIds.length - 1;
      } else if (group.state === 'duplicate') duplicates += group.recordIds.length;
      else {
        failures.push(...group.recordIds);
        continue;
      }
      // Records whose payload differs from the one counted (ours: the group's first; another journal's: its claim's),
      // and records whose requestTime disagrees with their id's second, even the one counted.
      const reference = group.state === 'counted' ? group.fingerprint.toString('latin1') : group.countedPrint;
      for (const [id, print] of group.prints) {
        if ((reference !== undefined && print !== reference) || group.disagreeing.has(id))
          conflicts.push({ id, eventId: group.event.eventId });
      }
    }
    return {
      failures,
      poison: this.poison,
      counted,
      duplicates,
      conflicts,
      completedEvents: this.completedEvents,
      counterWrites: this.counterWrites,
      resumed: this.resumed,
      errors: this.errors,
      journalId,
    };
  }
}

/** Which journals claim each event hash on a page, in append order, with the payload fingerprint they saw. */
function ownersByHash(entries: readonly ClaimEntry[]): Map<string, Owner[]> {
  const owners = new Map<string, Owner[]>();
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const bytes = Buffer.from(entry.hashes);
    const prints = entry.fingerprints ? Buffer.from(entry.fingerprints) : undefined;
    for (let i = 0, n = 0; i + EVENT_HASH_BYTES <= bytes.length; i += EVENT_HASH_BYTES, n++) {
      const key = bytes.toString('latin1', i, i + EVENT_HASH_BYTES);
      const fingerprint = prints?.toString('latin1', n * PAYLOAD_FINGERPRINT_BYTES, (n + 1) * PAYLOAD_FINGERPRINT_BYTES);
      owners.set(key, [...(owners.get(key) ?? []), { journalId: entry.journalId, fingerprint }]);
    }
  }
  return owners;
}
