// Counter markers, watched as they are written (capabilities/counting/PROTOCOL.md, step 4 and the assumptions): a
// marker m_J leaves a counter item only once J has been complete markerGraceMs, and it does leave: a container that
// saw m_J on its previous write of an item removes it with its next write there, once J has been complete that long.
// Markers never change a count, so the counts alone never show a marker kept for ever or removed too early.
import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AGGREGATOR_ATTRIBUTES as A, itemKey, journalIdOf, USAGE_PK_PREFIX } from '../contracts/table';
import type { DynamoStore } from './faulty-dynamo';

type Item = Record<string, unknown>;

/** What one container last saw on one counter item: the markers its own applied write left there. */
interface Seen {
  readonly markers: ReadonlySet<string>;
  /** Whether that write landed in a calm stretch (see `calmFor`). */
  readonly calm: boolean;
}

export interface MarkerMonitorOptions {
  readonly store: DynamoStore;
  readonly tableName: string;
  /** True (virtual) time now, ms. */
  readonly now: () => number;
  /** How far any container's clock may be from true time, ms. */
  readonly skewMs: number;
  /** Whether DynamoDB faults are in force now. */
  readonly faulty: () => boolean;
  /**
   * How long a batch may take from its journal look-ups to a counter write landing: the function timeout plus the
   * longest a write lands late or a spike delays an answer (capabilities/counting/PROTOCOL.md bounds both by 10 s).
   */
  readonly batchSpanMs: number;
  /**
   * The least grace a remover's clock must show: the 10 s write lifetime of capabilities/counting/PROTOCOL.md. The
   * aggregator waits 15 s, adding the containers' clock skew; a real-time check of that margin is the count checker's
   * (seed 210224). @default 10000
   */
  readonly markerGraceMs?: number;
}

const HEAD_SK = itemKey.journalHead('').sk;
const isMarker = (name: string) => name.startsWith(A.markerPrefix);

export class MarkerMonitor {
  readonly violations: string[] = [];
  private readonly seen = new Map<string, Seen>();
  /** Per container, the journals whose heads DynamoDB left unprocessed the last time it asked for them. */
  private readonly unread = new Map<string, Set<string>>();
  /** The last true time a call went through while faults were in force. */
  private lastFaulty = Number.NEGATIVE_INFINITY;
  private readonly graceMs: number;

  constructor(private readonly o: MarkerMonitorOptions) {
    this.graceMs = o.markerGraceMs ?? 10_000;
  }

  /** The store as one container reaches it (through `inner`, e.g. another monitor), every counter write checked. */
  storeFor(containerId: string, inner: DynamoStore = this.o.store): DynamoStore {
    return { execute: (command) => this.execute(containerId, inner, command) };
  }

  /**
   * A BatchGet of this container's left these keys unprocessed: until it reads them, it may not know those journals
   * are complete (the look-up stops at the batch's deadline, capabilities/counting/repository.ts getJournalHeads).
   */
  leftUnread(containerId: string, keys: readonly Item[]): void {
    const unread = this.unread.get(containerId) ?? new Set<string>();
    for (const key of keys) unread.add(journalIdOf(String(key.pk)));
    this.unread.set(containerId, unread);
  }

  /**
   * Calm long enough that a batch writing now did all of its look-ups without faults: none were in force for a
   * whole batch span (a call sent under faults lands at most that long after).
   */
  private calmFor(now: number): boolean {
    return now - this.lastFaulty >= 2 * this.o.batchSpanMs;
  }

  private execute(containerId: string, inner: DynamoStore, command: object): unknown {
    const now = this.o.now();
    if (this.o.faulty()) this.lastFaulty = now;
    if (command instanceof BatchGetCommand || command instanceof GetCommand) this.read(containerId, command);
    const key = command instanceof UpdateCommand ? (command.input.Key as Item | undefined) : undefined;
    if (!key || !String(key.pk).startsWith(USAGE_PK_PREFIX)) return inner.execute(command);
    const before = markersOf(this.get(key));
    const result = inner.execute(command as UpdateCommand); // throws when its condition fails: nothing written
    const after = markersOf(this.get(key));
    const named = Object.values((command as UpdateCommand).input.ExpressionAttributeNames ?? {}).filter(isMarker);
    if (!named.some((m) => after.has(m))) return result; // not a counter write (the daily job's archive marks)
    const item = `${String(key.pk)}/${String(key.sk)}`;
    for (const removed of [...before].filter((m) => !after.has(m))) this.checkRemoval(removed, item, containerId, now);
    const seenKey = `${containerId}\u0000${item}`;
    const previous = this.seen.get(seenKey);
    const calm = this.calmFor(now);
    if (previous?.calm && calm) this.checkCleanUp(previous, before, after, item, containerId, now);
    this.seen.set(seenKey, { markers: after, calm });
    return result;
  }

  /** A marker is removed only once its journal has been complete markerGraceMs by the remover's clock. */
  private checkRemoval(marker: string, item: string, containerId: string, now: number): void {
    const head = this.head(marker);
    if (!head) return; // expired by TTL: complete long ago
    const done = head[A.journalDone];
    const newestRemoverClock = now + this.o.skewMs;
    if (head[A.journalStatus] !== 'complete' || typeof done !== 'number' || done >= newestRemoverClock - this.graceMs) {
      this.violations.push(
        `${containerId} removed ${marker} from ${item} at ${now}: journal ${String(head[A.journalStatus])}, complete at ${String(done)} (grace ${this.graceMs} ms, skew bound ${this.o.skewMs} ms)`,
      );
    }
  }

  /**
   * Markers the writer saw on its previous write of the item, of journals complete long enough before its look-ups
   * (their completion lands within a batch span of its stamp, a look-up precedes the write by at most a span), are
   * gone after this write. Only between two writes in calm stretches: under faults a look-up may fail or run out of
   * time, and the markers then wait for a later write.
   */
  private checkCleanUp(
    previous: Seen,
    before: ReadonlySet<string>,
    after: ReadonlySet<string>,
    item: string,
    containerId: string,
    now: number,
  ): void {
    for (const marker of previous.markers) {
      if (!after.has(marker) || !before.has(marker)) continue;
      const head = this.head(marker);
      const done = head?.[A.journalDone];
      if (head?.[A.journalStatus] !== 'complete' || typeof done !== 'number') continue;
      if (this.unread.get(containerId)?.has(marker.slice(A.markerPrefix.length))) continue;
      if (done + this.o.skewMs + this.graceMs + 2 * this.o.batchSpanMs <= now) {
        this.violations.push(
          `${containerId} left ${marker} on ${item} at ${now}: it saw the marker on its previous write there, and the journal was complete at ${done} (grace ${this.graceMs} ms)`,
        );
      }
    }
  }

  /** Heads this container's look-up reached: read, whatever DynamoDB answers next time. */
  private read(containerId: string, command: BatchGetCommand | GetCommand): void {
    const unread = this.unread.get(containerId);
    if (!unread) return;
    const keys =
      command instanceof GetCommand
        ? [command.input.Key as Item]
        : Object.values(command.input.RequestItems ?? {}).flatMap((request) => (request.Keys ?? []) as Item[]);
    for (const key of keys) if (key.sk === HEAD_SK) unread.delete(journalIdOf(String(key.pk)));
  }

  private get(key: Item): Item | undefined {
    // The monitor's own read: the table's truth, never a replica behind (sim/stale-reads.ts).
    return (this.o.store.execute(new GetCommand({ TableName: this.o.tableName, Key: key, ConsistentRead: true })) as { Item?: Item }).Item;
  }

  private head(marker: string): Item | undefined {
    return this.get(itemKey.journalHead(marker.slice(A.markerPrefix.length)));
  }
}

function markersOf(item: Item | undefined): Set<string> {
  return new Set(Object.keys(item ?? {}).filter(isMarker));
}
