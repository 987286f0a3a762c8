// The pending sweep (capabilities/counting/PROTOCOL.md step 5b; issue 19, edge 6): a journal that turned pending is
// finished "whether or not their events ever come back (they may be refused as too old, or wait in the DLQ)", and the
// pending index keeps no entry of a finished journal ("a leftover entry is dropped by the next look through the
// index"). docs/aggregation.md: "Once a minute each container also finishes the pending journals of the index whose
// batch died, so a half-applied journal never waits for its own events (which may come back too late, or never)."
//
// The knob (`withhold`, a generator of its own, off in half the runs): when a batch dies (crash, timeout, an
// unhandled error) after its journal was listed in the pending index (the entry is written just before it turns
// pending: the sweep must finish it if pending, abort it if still `claiming`), its messages still in the queue are,
// with this probability, withheld for the rest of the run: they never come back (the operator leaves them in the DLQ, or purges them).
// So that batches die there often enough, while the faults rage a container also crashes (`crashAfterPending` of the
// time) right as its journal's `claiming` → `pending` write lands, its answer lost (capabilities/counting/PROTOCOL.md: a batch can die at
// any await).
// Production traffic keeps arriving (docs/trusting-the-counts.md: the index is looked through "once a minute per
// container, whatever its batch holds"), so after the run calm traffic continues, one new event every 20 s, as long
// as the index owes work (at most `CALM_TRAFFIC_ROUNDS` events); then no entry may be owed.
//
// The truth, exactly: an event is counted iff it is claimed by a journal that turned pending (a pending journal is
// always finished, and counting happens only through one). An event with a message that was not withheld must be
// counted as before (its message comes back until it is). An event all of whose messages were withheld is counted iff
// a journal that turned pending claims it (recorded from the claim appends and the `claiming` → `pending` writes as
// they land, so TTL cannot hide them); if none does, it is lost by the operator, not by the product: the checker's
// truth leaves it out (`lostEvents`).
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EVENT_HASH_BYTES, eventHash } from '../capabilities/counting/keys';
import { AGGREGATOR_ATTRIBUTES as A, journalIdOf, PENDING_JOURNALS_PK, pendingJournalIdOf } from '../contracts/table';
import type { Container, DynamoStore } from './faulty-dynamo';
import { chance, pick, seededRandom } from './random';
import type { SqsModel } from './sqs-model';
import type { SimStore } from './store';

/** Calm traffic after the run: at most this many events, one every `CALM_TRAFFIC_EVERY_MS`. */
export const CALM_TRAFFIC_ROUNDS = 90;
export const CALM_TRAFFIC_EVERY_MS = 20_000;

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

/** An entry of the pending index the sweep owes work on at `now`, and why. */
export interface OwedEntry {
  readonly journalId: string;
  readonly why: string;
}

/**
 * The entries of the pending index the sweep owes work on at `now` (true time): the entry's lease and its journal's
 * lease both ended more than `skewMs` ago (by every container's clock), and the journal is finished or gone (the
 * entry should be dropped), still pending (it should be finished), or still claiming (it should be aborted). A pending
 * journal listed longer ago than `tooOldMs` is exempt: the sweep reports it (onError), never applies it.
 */
export function owedEntries(items: readonly Item[], now: number, skewMs: number, tooOldMs: number): OwedEntry[] {
  const heads = new Map<string, Item>();
  for (const item of items) {
    if (item.sk === 'HEAD' && String(item.pk).startsWith('JOURNAL#') && item.pk !== PENDING_JOURNALS_PK)
      heads.set(journalIdOf(String(item.pk)), item);
  }
  const owed: OwedEntry[] = [];
  for (const entry of items) {
    if (entry.pk !== PENDING_JOURNALS_PK) continue;
    const journalId = pendingJournalIdOf(String(entry.sk));
    if (Number(entry[A.journalLease] ?? 0) >= now - skewMs) continue;
    const head = heads.get(journalId);
    const status = head === undefined ? 'gone' : String(head[A.journalStatus]);
    if (status === 'complete' || status === 'aborted' || status === 'gone') {
      owed.push({ journalId, why: `is ${status} but still listed` });
      continue;
    }
    if (Number(head?.[A.journalLease] ?? 0) >= now - skewMs) continue;
    if (status === 'pending' && Number(entry[A.pendingSince] ?? 0) < now - tooOldMs) continue;
    owed.push({ journalId, why: `is still ${status}, its lease over` });
  }
  return owed;
}

export class PendingSweepCheck {
  /** Share of the batches that die after their journal turned pending whose messages are withheld (0: off). */
  readonly withhold: number;
  /** Share of the turns to pending, while the faults rage, at which the container crashes (with the knob on). */
  readonly crashAfterPending: number;
  readonly violations: string[] = [];
  private readonly random: () => number;
  /** Journal → the container that created it and when (its head's first write). */
  private readonly created = new Map<string, { containerId: string; at: number }>();
  private readonly turnedPending = new Set<string>();
  /** Journals whose pending-index entry landed. */
  private readonly listed = new Set<string>();
  /** Journal → the event hashes its claim appends name (recorded as they land). */
  private readonly claims = new Map<string, Set<string>>();
  /** Message id → body of every message withheld. */
  readonly withheld = new Map<string, string>();

  constructor(
    seed: number,
    private readonly now: () => number,
    private readonly trace: (line: string) => void,
    /** Whether DynamoDB faults are in force now (crashes come only then). */
    private readonly faulty: () => boolean = () => false,
    /** Off in runs with client plans: the calm traffic's events carry one plan, and the credit model does not see them. */
    enabled = true,
  ) {
    this.random = seededRandom((seed * 32_452_843 + 59) >>> 0);
    this.withhold = enabled && chance(this.random, 1 / 2) ? pick(this.random, [0.5, 1]) : 0;
    this.crashAfterPending = this.withhold > 0 ? pick(this.random, [0.2, 0.5]) : 0;
  }

  /** The store as one container reaches it: journal creations, claim appends and turns to pending are recorded as they land. */
  storeFor(container: Container, store: DynamoStore): DynamoStore {
    const containerId = container.id;
    return {
      execute: (command) => {
        const result = store.execute(command); // throws when a condition fails: then nothing landed
        if (command instanceof PutCommand) {
          const item = command.input.Item as (Key & Item) | undefined;
          const pk = String(item?.pk ?? '');
          if (item?.sk === 'HEAD' && pk.startsWith('JOURNAL#') && !this.created.has(journalIdOf(pk)))
            this.created.set(journalIdOf(pk), { containerId, at: this.now() });
          if (item && pk === PENDING_JOURNALS_PK) this.listed.add(pendingJournalIdOf(String(item.sk)));
          if (item && pk.startsWith('CLAIM#')) {
            const journal = String(item[A.claimJournal]);
            const bytes = Buffer.from(item[A.claimHashes] as Uint8Array);
            const hashes = this.claims.get(journal) ?? new Set<string>();
            for (let i = 0; i + EVENT_HASH_BYTES <= bytes.length; i += EVENT_HASH_BYTES)
              hashes.add(bytes.toString('latin1', i, i + EVENT_HASH_BYTES));
            this.claims.set(journal, hashes);
          }
        }
        if (command instanceof UpdateCommand && command.input.ExpressionAttributeValues?.[':to'] === 'pending') {
          const key = command.input.Key as Key | undefined;
          if (key?.sk === 'HEAD') this.turnedPending.add(journalIdOf(String(key.pk)));
          if (this.crashAfterPending > 0 && this.faulty() && chance(this.random, this.crashAfterPending))
            container.kill('crash after its journal turned pending');
        }
        return result;
      },
    };
  }

  /** A batch begun at `begun` in `containerId` died: if its journal was listed (or turned pending), maybe withhold its messages. */
  batchDied(containerId: string, begun: number, messageIds: readonly string[], queue: SqsModel): void {
    if (this.withhold === 0) return;
    const journals = [...this.created].filter(
      ([id, c]) => c.containerId === containerId && c.at >= begun && (this.listed.has(id) || this.turnedPending.has(id)),
    );
    if (journals.length === 0 || !chance(this.random, this.withhold)) return;
    const held = messageIds.filter((id) => queue.source.has(id));
    for (const id of held) {
      this.withheld.set(id, queue.source.get(id)?.body ?? '');
      queue.source.delete(id);
    }
    this.trace(`journal ${journals.map(([id]) => id).join(', ')} listed; its batch died: ${held.join(' ') || 'none'} withheld for good`);
  }

  /**
   * Event ids lost by the operator: every message of the id was withheld (`sent`: every message the queue took, id →
   * body), and no journal that turned pending claims it.
   */
  lostEvents(sent: ReadonlyMap<string, string>): Set<string> {
    const idOf = (body: string) => /"eventId":"([^"]+)"/.exec(body)?.[1];
    const held = new Set([...this.withheld.values()].map(idOf).filter((id): id is string => id !== undefined));
    for (const [messageId, body] of sent) {
      const id = idOf(body);
      if (id && !this.withheld.has(messageId)) held.delete(id);
    }
    const counted = new Set<string>();
    for (const journal of this.turnedPending) for (const hash of this.claims.get(journal) ?? []) counted.add(hash);
    return new Set([...held].filter((id) => !counted.has(eventHash(id).toString('latin1'))));
  }

  /** What the sweep still owes now (see `owedEntries`). */
  owed(store: SimStore, tableName: string, skewMs: number, tooOldMs: number): OwedEntry[] {
    return owedEntries(store.items(tableName), this.now(), skewMs, tooOldMs);
  }

  /** After the calm traffic: every entry the sweep owed work on must have been handled. */
  checkSettled(owed: readonly OwedEntry[], rounds: number): void {
    for (const entry of owed)
      this.violations.push(
        `pending index: journal ${entry.journalId} ${entry.why} after ${rounds} event(s) of calm traffic (one per ${CALM_TRAFFIC_EVERY_MS / 1000} s)`,
      );
  }
}
