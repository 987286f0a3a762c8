// A batch run wholly in calm (no fault from its start to its result) held to the cost and the progress the protocol
// promises (capabilities/counting/PROTOCOL.md; issue 19: the counts alone never show an extra request or an event
// failed for no reason). From the batch's own requests and answers (sim/calm-batch-log.ts):
// - cost, steps 2–5: one journal created; per claim page one read, and one more only after a refused append, each
//   append at the slot after the last entry read, at most one landing; each journal transition and lease taken at
//   most once; a head read alone only after a write to it was refused, a body only after its lease was taken; heads
//   read in bulk only for journals met (an owner on a page read, a marker seen, an entry of the pending index), a
//   journal the container knows final only when the pending index lists it; per journal completed, exactly one
//   counter UpdateItem per client-day of its body ("writes each counter item about once per batch"); the pending
//   index read at most once a minute per container (step 5b), its entries written for the own journal only, each
//   deleted at most once.
// - the result's `counterWrites` (its counter UpdateItems) and `resumed` (other journals it completed), and the heads
//   it wrote: its own lease covers the invocation plus the 5 s margin (step 2), a lease it takes is the same, and a
//   journal it completes names it (`completedBy`) at a time within the batch.
// - progress ("every delivery makes progress"): a batch that ended within the half of its budget in which pages are
//   started acknowledges every record that is not refused, except records whose event another journal holds while
//   it is at work: `claiming` or `pending` within its lease as the batch read it (step 3: "still leased → retry
//   later"), or found so by the batch's read after a refused abort or lease (someone else decided), or a `pending`
//   one left for later because more than `maxResumesPerBatch` (8) such journals own the batch's events (step 5).
import { createHash } from 'node:crypto';
import type { BatchResult } from '../capabilities/counting/exactly-once';
import { decodeDeltas } from '../capabilities/counting/counter-deltas';
import { AGGREGATOR_ATTRIBUTES as A } from '../contracts/table';
import { type BatchLog, type HeadView, headsIn, type LoggedRequest, pkOf, skOf } from './calm-batch-log';

type Item = Record<string, unknown>;

/** capabilities/counting/PROTOCOL.md and the aggregator's defaults the simulation runs with. */
const LEASE_MARGIN_MS = 5_000;
const SAFETY_MS = 1_000;
const CLAIM_SHARE_OF_BUDGET = 0.5;
const MAX_RESUMES = 8;
const HASH_BYTES = 16;
const CLAIM_PAGES_PER_WALKER = 32;

export interface CalmBatch {
  readonly log: BatchLog;
  readonly records: readonly { readonly id: string; readonly body: string }[];
  readonly result: BatchResult;
  /** True times the batch was handed over and its result came back. */
  readonly begun: number;
  readonly ended: number;
  readonly timeoutMs: number;
}

export class CalmBatchMonitor {
  readonly violations: string[] = [];

  constructor(
    /** How far any container's clock may be from true time, ms. */
    private readonly skewMs: number,
    /** The aggregator's `pendingSweepEveryMs` (the product's default: once a minute). */
    private readonly pendingSweepEveryMs = 60_000,
  ) {}

  check(batch: CalmBatch): void {
    const own = batch.result.journalId;
    const say = (detail: string) => this.violations.push(`${batch.log.containerId} batch ${own ?? '(no journal)'} (calm): ${detail}`);
    const requests = batch.log.requests;
    for (const r of requests) if (r.error && r.error !== 'ConditionalCheckFailedException') say(`${r.op} ${pkOf(r.input)} met ${r.error}`);
    const heads = journalHeadWrites(requests);
    this.checkJournalWrites(batch, heads, say);
    this.checkClaims(batch, say);
    this.checkHeadReads(batch, say);
    this.checkCounters(batch, heads, say);
    this.checkPendingIndex(batch, say);
    this.checkProgress(batch, say);
  }

  /** One journal created (with a lease covering the invocation), each transition and lease taken at most once. */
  private checkJournalWrites(batch: CalmBatch, heads: ReturnType<typeof journalHeadWrites>, say: (d: string) => void): void {
    const own = batch.result.journalId;
    // Step 1–2: a batch that refused every record has nothing to claim, so no journal (and no alert step).
    const refused = new Set(batch.result.poison.map((p) => p.id));
    if (own !== undefined && batch.records.every((r) => refused.has(r.id))) say('refused every record and still has a journal');
    const created = heads.filter((w) => w.kind === 'create');
    if (created.length !== (own === undefined ? 0 : 1) || created.some((w) => w.journalId !== own))
      say(`created ${created.length} journal head(s) (${created.map((w) => w.journalId).join(' ')}), owes one for its own journal`);
    const lease = created[0] ? Number(created[0].request.input.Item && (created[0].request.input.Item as Item)[A.journalLease]) : undefined;
    const covers = batch.begun + batch.timeoutMs + LEASE_MARGIN_MS;
    if (lease !== undefined && Math.abs(lease - covers) > this.skewMs)
      say(`its journal's lease ${lease} is not the invocation's end plus the 5 s margin (${covers} ± ${this.skewMs})`);
    const seen = new Set<string>();
    for (const w of heads) {
      if (w.kind === 'create') continue;
      // Walkers of one batch (one per 32 pages) may each meet an expired owner and try to abort it: the first lands,
      // the others are refused. Any other transition, and a lease, has one sender per batch.
      const key = `${w.journalId} ${w.kind}${w.kind === '→aborted' && w.request.error ? ' refused' : ''}`;
      if (seen.has(key) && !key.endsWith(' refused')) say(`${w.kind} of journal ${w.journalId} sent twice`);
      seen.add(key);
      if (w.kind === 'lease' && w.journalId === own) say('took the lease of its own journal');
      if (w.kind === 'lease' && lease !== undefined && Number((w.request.input.ExpressionAttributeValues as Item)[':until']) !== lease)
        say(`took journal ${w.journalId}'s lease until another time than its own journal's`);
      const attrs = w.request.output?.Attributes as Item | undefined;
      if (w.kind === '→complete' && attrs) {
        const at = Number(attrs[A.journalDone]);
        if (attrs[A.journalDoneBy] !== own)
          say(`completed journal ${w.journalId} naming ${String(attrs[A.journalDoneBy])} as its completer`);
        if (!(at >= batch.begun - this.skewMs && at <= batch.ended + this.skewMs))
          say(`completed journal ${w.journalId} with completedAt ${at} outside the batch's time`);
      }
    }
    // Step 3 and 5: another's journal is aborted, or its lease taken, only once its lease has run out in a head the
    // batch read before (by any container's clock: lease + skew; two parts may read it apart, so any such read).
    // The write re-checks it; sending it anyway costs a refused write and a head read.
    const views = headViews(batch.log.requests);
    for (const w of heads) {
      if (w.journalId === own || (w.kind !== '→aborted' && w.kind !== 'lease')) continue;
      const seen = (views.get(w.journalId) ?? []).filter((v) => v.at <= w.request.sentAt);
      if (seen.length > 0 && seen.every((v) => v.lease >= w.request.sentAt + this.skewMs))
        say(`sent ${w.kind} of journal ${w.journalId}, whose every head it read was leased past then (${seen[0].lease})`);
    }
    // Step 5: at most `maxResumesPerBatch` (8) other journals resumed (their lease taken) per batch.
    const leases = new Set(heads.filter((w) => w.kind === 'lease' && w.journalId !== own && !w.request.error).map((w) => w.journalId));
    if (leases.size > MAX_RESUMES) say(`took the lease of ${leases.size} other journals, more than ${MAX_RESUMES}`);
    const resumed = heads.filter((w) => w.kind === '→complete' && w.journalId !== own && !w.request.error).length;
    if (batch.result.resumed !== resumed) say(`resumed ${batch.result.resumed}; it completed ${resumed} other journal(s)`);
  }

  /** Per claim page: one read, one more only after a refused append; appends at the slot after the last entry read. */
  private checkClaims(batch: CalmBatch, say: (d: string) => void): void {
    const pages = new Map<string, { reads: number; refused: number; landed: number; lastSeq: number }>();
    for (const r of batch.log.requests) {
      const pk = pkOf(r.input);
      if (!pk.startsWith('CLAIM#')) continue;
      const page = pages.get(pk) ?? { reads: 0, refused: 0, landed: 0, lastSeq: 0 };
      pages.set(pk, page);
      if (r.op === 'Query') {
        if (r.input.ExclusiveStartKey === undefined) {
          page.reads += 1;
          page.lastSeq = 0;
        }
        for (const item of (r.output?.Items as Item[] | undefined) ?? []) page.lastSeq = Math.max(page.lastSeq, seqOf(item));
      } else if (r.op === 'Put') {
        const seq = seqOf(r.input.Item as Item);
        if (seq !== page.lastSeq + 1) say(`appended to ${pk} at ${seq}, its last read ended at ${page.lastSeq}`);
        if (r.error) page.refused += 1;
        else page.landed += 1;
      } else say(`${r.op} on claim page ${pk}`);
    }
    for (const [pk, page] of pages) {
      if (page.landed > 1) say(`${page.landed} appends landed on ${pk}`);
      if (page.reads > 1 + page.refused) say(`read ${pk} ${page.reads} times with ${page.refused} refused append(s)`);
    }
    // Step 3: "the pages are visited in one order every batch shares (by page name), from a random place in it, one
    // walker per 32 pages". With one walker, the pages it started are a stretch of that cycle: names rise, except
    // once where the walk wraps from the last name to the first, and never past where it began.
    const started = [...pages.keys()];
    if (started.length <= CLAIM_PAGES_PER_WALKER) {
      const wraps = started.filter((pk, i) => i > 0 && pk < started[i - 1]).length;
      if (wraps > 1 || (wraps === 1 && started[started.length - 1] >= started[0]))
        say(`walked its claim pages in an order that is no stretch of their names' cycle: ${started.join(' ')}`);
    }
  }

  /** Heads read alone only after a refused write to them; bodies only once their lease was taken; bulk reads only of journals met. */
  private checkHeadReads(batch: CalmBatch, say: (d: string) => void): void {
    const { requests, before } = batch.log;
    const refused = new Set<string>();
    const leased = new Set<string>();
    const met = new Set<string>(before.markerJournals);
    const listed = new Set<string>();
    const bodies = new Set<string>();
    for (const r of requests) {
      const pk = pkOf(r.input);
      if (r.op === 'Query' && pk.startsWith('CLAIM#'))
        for (const item of (r.output?.Items as Item[]) ?? []) met.add(String(item[A.claimJournal]));
      if (r.op === 'Query' && pk === 'JOURNAL#PENDING')
        for (const item of (r.output?.Items as Item[]) ?? []) listed.add(String(item.sk).replace(/^J#/, ''));
      if (r.op === 'Update' && pk.startsWith('USAGE#'))
        for (const name of Object.keys((r.output?.Attributes as Item) ?? {}))
          if (name.startsWith(A.markerPrefix)) met.add(name.slice(A.markerPrefix.length));
      if (!pk.startsWith('JOURNAL#') || pk === 'JOURNAL#PENDING') continue;
      const id = pk.slice('JOURNAL#'.length);
      if (r.op === 'Update' && r.error) refused.add(id);
      if (r.op === 'Update' && !r.error && r.input.UpdateExpression === 'SET #lease = :until') leased.add(id);
      if (r.op === 'Get' && skOf(r.input) === 'HEAD' && !refused.has(id))
        say(`read journal ${id}'s head alone with no refused write to it`);
      if (r.op === 'Get' && skOf(r.input) === 'BODY') {
        if (!leased.has(id) || bodies.has(id)) say(`read journal ${id}'s body ${bodies.has(id) ? 'again' : 'without taking its lease'}`);
        bodies.add(id);
      }
    }
    // A head the batch was told is final is read from memory from then on (journal-cache.ts); step 5b reads the
    // heads of the index's entries as they are.
    // (by when the read was sent: concurrent walkers' answers come back in any order)
    const toldFinal = new Map<string, number>();
    for (const r of requests)
      for (const v of headsIn(r)) if (isFinal(v.status) && !toldFinal.has(v.journalId)) toldFinal.set(v.journalId, v.at);
    for (const r of requests) {
      if (r.op === 'BatchGet') {
        for (const request of Object.values((r.input.RequestItems as Record<string, { Keys: Item[] }>) ?? {})) {
          for (const key of request.Keys) {
            const id = String(key.pk).slice('JOURNAL#'.length);
            if (!met.has(id) && !listed.has(id)) say(`read the head of journal ${id}, which it never met`);
            if ((toldFinal.get(id) ?? Number.POSITIVE_INFINITY) < r.sentAt && !listed.has(id))
              say(`read the head of journal ${id} again after it was told it is final`);
          }
        }
      }
    }
  }

  /** Exactly one counter UpdateItem per client-day of each journal it completed, none for others; `counterWrites` is their number. */
  private checkCounters(batch: CalmBatch, heads: ReturnType<typeof journalHeadWrites>, say: (d: string) => void): void {
    const writes = batch.log.requests.filter((r) => r.op === 'Update' && pkOf(r.input).startsWith('USAGE#'));
    // Exact even out of time: the product once counted a write cut off before it was sent (seeds 752, 755, 911,
    // 700025, 700346, 700525, 700615); it now counts each request as it is sent.
    const outOfTime = batch.ended - batch.begun >= batch.timeoutMs - SAFETY_MS;
    if (batch.result.counterWrites !== writes.length)
      say(`counterWrites ${batch.result.counterWrites}; it sent ${writes.length} counter UpdateItem(s)`);
    const byJournal = new Map<string, string[]>();
    for (const w of writes) {
      const id = setMarker(w.input)?.slice(A.markerPrefix.length) ?? '(no marker)';
      byJournal.set(id, [...(byJournal.get(id) ?? []), `${pkOf(w.input)}/${skOf(w.input)}`]);
    }
    const bodies = journalBodies(batch.log.requests);
    for (const w of heads) {
      if (w.kind !== '→complete' || w.request.error) continue;
      const body = bodies.get(w.journalId);
      const want = body ? [...new Set(decodeDeltas(body).map((d) => `USAGE#${d.clientId}/DAY#${d.day}`))].sort() : undefined;
      const got = (byJournal.get(w.journalId) ?? []).sort();
      byJournal.delete(w.journalId);
      if (want !== undefined && want.join(' ') !== got.join(' '))
        say(
          `completed journal ${w.journalId} after counter writes ${got.join(' ') || '(none)'}; its body's client-days are ${want.join(' ')}`,
        );
    }
    // Out of time, a journal may be left between its counter writes and its completion (a later batch finishes it).
    if (!outOfTime)
      for (const [id, items] of byJournal) say(`wrote counters ${items.join(' ')} for journal ${id}, which it did not complete`);
  }

  /** Step 5b at most once per `pendingSweepEveryMs` (a minute) per container; entries written for the own journal only, deleted at most once each. */
  private checkPendingIndex(batch: CalmBatch, say: (d: string) => void): void {
    let listedAt = batch.log.before.pendingListedAt;
    const deleted = new Set<string>();
    for (const r of batch.log.requests) {
      if (pkOf(r.input) !== 'JOURNAL#PENDING') continue;
      if (r.op === 'Query' && r.input.ExclusiveStartKey === undefined) {
        if (r.sentAt - listedAt < this.pendingSweepEveryMs)
          say(`read the pending index ${r.sentAt - listedAt} ms after its container's previous read`);
        listedAt = r.sentAt;
      } else if (r.op === 'Put' && skOf(r.input) !== `J#${batch.result.journalId}`) say(`listed ${skOf(r.input)}, not its own journal`);
      else if (r.op === 'Delete') {
        if (deleted.has(skOf(r.input))) say(`unlisted ${skOf(r.input)} twice`);
        deleted.add(skOf(r.input));
      }
    }
    // Step 4: a journal is listed before it turns pending and unlisted once complete (best effort: in calm it lands).
    const heads = journalHeadWrites(batch.log.requests);
    const listed = batch.log.requests.some((r) => r.op === 'Put' && pkOf(r.input) === 'JOURNAL#PENDING');
    if (heads.some((w) => w.kind === '→pending' && w.journalId === batch.result.journalId) && !listed)
      say('its journal turned pending without its entry in the pending index');
    const outOfTime = batch.ended - batch.begun >= batch.timeoutMs - SAFETY_MS;
    for (const w of heads) {
      if (w.kind === '→complete' && !w.request.error && !deleted.has(`J#${w.journalId}`) && !outOfTime)
        say(`completed journal ${w.journalId} without unlisting it`);
    }
  }

  /** A batch that ended within its claim share of the budget fails only records whose event another journal holds at work. */
  private checkProgress(batch: CalmBatch, say: (d: string) => void): void {
    const { result, records } = batch;
    if (batch.ended - batch.begun >= CLAIM_SHARE_OF_BUDGET * (batch.timeoutMs - SAFETY_MS)) return;
    const refused = new Set(result.poison.map((p) => p.id));
    const failed = result.failures.filter((id) => !refused.has(id));
    if (failed.length === 0) return;
    const views = headViews(batch.log.requests);
    const awaited = new Set<string>();
    for (const list of views.values())
      for (const v of list) if (v.status === 'pending' && v.lease < v.at - this.skewMs) awaited.add(v.journalId);
    const bodies = new Map(records.map((r) => [r.id, r.body]));
    for (const id of failed) {
      const eventId = eventIdOf(bodies.get(id));
      const why = eventId === undefined ? 'no event id' : this.excuse(batch, views, awaited, eventId);
      if (why !== undefined) say(`failed record ${id} (event ${eventId ?? '?'}) with time to spare: ${why}`);
    }
  }

  /** Undefined when another journal held the event at work as the batch saw it; else what the batch saw. */
  private excuse(batch: CalmBatch, views: Map<string, HeadView[]>, awaited: ReadonlySet<string>, eventId: string): string | undefined {
    const hash = Buffer.from(createHash('sha256').update(eventId).digest().subarray(0, HASH_BYTES));
    // Each read of a page is a Query and its continuations. The event's fate is decided after a read that names it
    // (a later read, after a refused append, concerns only the events still open then): one such read must show an
    // owner at work. Every read is kept with the journals it showed, so an owner's abort can be told apart as part of
    // a later read's decision.
    const reading = new Map<string, ClaimRead>();
    const reads: ClaimRead[] = [];
    const everyRead: ClaimRead[] = [];
    for (const r of batch.log.requests) {
      const pk = pkOf(r.input);
      if (r.op !== 'Query' || !pk.startsWith('CLAIM#')) continue;
      if (r.input.ExclusiveStartKey === undefined || !reading.has(pk)) {
        const started: ClaimRead = { from: r.at, at: r.at, owners: [], shown: new Set() };
        reading.set(pk, started);
        everyRead.push(started);
      }
      const read = reading.get(pk) as ClaimRead;
      read.at = r.at;
      for (const item of (r.output?.Items as Item[]) ?? []) read.shown.add(String(item[A.claimJournal]));
      const items = ((r.output?.Items as Item[]) ?? []).filter((item) => holds(item[A.claimHashes] as Uint8Array, hash));
      if (items.length === 0) continue;
      if (read.owners.length === 0) reads.push(read);
      read.owners.push(...items.sort((a, b) => seqOf(a) - seqOf(b)).map((i) => String(i[A.claimJournal])));
    }
    if (reads.length === 0) return 'no page read showed an owner';
    if (reads.some((read) => read.owners.includes(batch.result.journalId ?? ''))) return 'its own journal claimed it';
    const verdicts = reads.map((read) => this.ownerAtWork(batch, views, awaited, read, everyRead));
    return verdicts.includes(undefined) ? undefined : verdicts[verdicts.length - 1];
  }

  /** Undefined when the first owner not aborted, as the batch saw it after this read, was at work. */
  private ownerAtWork(
    batch: CalmBatch,
    views: Map<string, HeadView[]>,
    awaited: ReadonlySet<string>,
    read: ClaimRead,
    everyRead: readonly ClaimRead[],
  ): string | undefined {
    const since = read.at;
    // Its look through the pending index (step 5b) may abort an owner whose lease ran out after the batch saw it at
    // work: that abort is no part of the claim's decision (seed 176131). Nor is an abort after a later read of a page
    // that shows the same owner: the batch walks its pages one after another, and the owner's lease may run out
    // between one page's decision and the next's, which then aborts it (seeds 811028 and 813698).
    const swept =
      batch.log.requests.find((r) => r.op === 'Query' && pkOf(r.input) === 'JOURNAL#PENDING')?.sentAt ?? Number.POSITIVE_INFINITY;
    for (const owner of read.owners) {
      const handedOn = everyRead.find((r) => r.from > since && r.shown.has(owner))?.from ?? Number.POSITIVE_INFINITY;
      const notOurs = Math.min(swept, handedOn);
      const seen = (views.get(owner) ?? []).filter((v) => v.at >= since && !(v.status === 'aborted' && v.at >= notOurs));
      const finalBefore = batch.log.memory.final.has(owner) || (views.get(owner) ?? []).some((v) => v.at < since && isFinal(v.status));
      if (seen.length === 0 && finalBefore) continue; // known final: aborted, else the event is a duplicate (acknowledged)
      if (seen.some((v) => v.status === 'aborted')) continue;
      const atWork = seen.some(
        (v) =>
          (v.status === 'claiming' || v.status === 'pending') &&
          (v.lease >= v.at - this.skewMs || v.afterRefusal || (v.status === 'pending' && awaited.size > MAX_RESUMES)),
      );
      return atWork ? undefined : `owner ${owner} seen ${seen.map((v) => `${v.status} lease ${v.lease} at ${v.at}`).join(', ') || 'never'}`;
    }
    return 'every owner was aborted';
  }
}

/** One read of a claim page (a Query and its continuations): when it began and ended, the owners of the event judged, and every journal it showed. */
interface ClaimRead {
  readonly from: number;
  at: number;
  readonly owners: string[];
  readonly shown: Set<string>;
}

type HeadWrite = { journalId: string; kind: string; request: LoggedRequest };

/** The batch's writes of journal heads: `create`, `lease`, or `→<status>` transitions. */
function journalHeadWrites(requests: readonly LoggedRequest[]): HeadWrite[] {
  const out: HeadWrite[] = [];
  for (const r of requests) {
    const pk = pkOf(r.input);
    if (!pk.startsWith('JOURNAL#') || pk === 'JOURNAL#PENDING' || skOf(r.input) !== 'HEAD') continue;
    const journalId = pk.slice('JOURNAL#'.length);
    if (r.op === 'Put') out.push({ journalId, kind: 'create', request: r });
    else if (r.op === 'Update') {
      const to = (r.input.ExpressionAttributeValues as Item)[':to'];
      out.push({ journalId, kind: to === undefined ? 'lease' : `→${String(to)}`, request: r });
    }
  }
  return out;
}

/** Every journal head the batch was told about, in order, per journal. */
function headViews(requests: readonly LoggedRequest[]): Map<string, HeadView[]> {
  const views = new Map<string, HeadView[]>();
  const refused = new Set<string>();
  for (const r of requests) {
    const pk = pkOf(r.input);
    if (r.op === 'Update' && r.error && skOf(r.input) === 'HEAD') refused.add(pk);
    for (const v of headsIn(r, r.op === 'Get' && refused.has(pk))) views.set(v.journalId, [...(views.get(v.journalId) ?? []), v]);
  }
  return views;
}

/** Bodies the batch wrote or read, by journal. */
function journalBodies(requests: readonly LoggedRequest[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const r of requests) {
    if (skOf(r.input) !== 'BODY') continue;
    const id = pkOf(r.input).slice('JOURNAL#'.length);
    const item = (r.op === 'Put' ? r.input.Item : r.output?.Item) as Item | undefined;
    if (item?.[A.journalDeltas]) out.set(id, item[A.journalDeltas] as Uint8Array);
  }
  return out;
}

/** The marker attribute a counter write sets (`SET … #x = …` naming `m_<journal>`), not one it removes. */
function setMarker(input: Item): string | undefined {
  const names = (input.ExpressionAttributeNames as Record<string, string>) ?? {};
  const set = /SET (.*?)(?: REMOVE |$)/.exec(String(input.UpdateExpression))?.[1] ?? '';
  for (const [, placeholder] of set.matchAll(/(#\w+) =/g)) if (names[placeholder]?.startsWith(A.markerPrefix)) return names[placeholder];
  return undefined;
}

const isFinal = (status: string) => status === 'complete' || status === 'aborted';

function seqOf(item: Item): number {
  return Number(String(item.sk).replace(/^SEQ#/, ''));
}

function holds(hashes: Uint8Array | undefined, hash: Buffer): boolean {
  if (!hashes) return false;
  const bytes = Buffer.from(hashes);
  for (let i = 0; i + HASH_BYTES <= bytes.length; i += HASH_BYTES) if (bytes.subarray(i, i + HASH_BYTES).equals(hash)) return true;
  return false;
}

function eventIdOf(body: string | undefined): string | undefined {
  try {
    const id = (JSON.parse(body ?? '') as { eventId?: unknown }).eventId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
