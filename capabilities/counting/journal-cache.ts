// What one aggregator container remembers between batches: journals known final (complete or aborted,
// facts that never become false), markers seen on counter items, and when unfinished journals were last
// looked up. Losing it (a new container) costs reads, never correctness.
import type { JournalHead } from './repository';

/** A Map that forgets its oldest entries. */
export class BoundedMap<K, V> extends Map<K, V> {
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

export class JournalCache {
  /** Journals known complete (→ completedAt) or aborted (→ -1). */
  readonly final = new BoundedMap<string, number>(200_000);
  /** Markers seen on a counter item after our last write to it. */
  readonly markersSeen = new BoundedMap<string, readonly string[]>(200_000);
  /** When a non-final journal was last looked up, so cleanup does not ask again every batch. */
  readonly lookedUpAt = new BoundedMap<string, number>(50_000);
  /** When this container last looked through the pending-journal index. */
  pendingSweptAt = Number.NEGATIVE_INFINITY;

  remember(head: JournalHead | undefined): void {
    if (head?.status === 'complete') this.final.set(head.journalId, head.completedAt ?? 0);
    if (head?.status === 'aborted') this.final.set(head.journalId, -1);
  }

  /** The head of a final journal, from memory. */
  known(journalId: string): JournalHead | undefined {
    const final = this.final.get(journalId);
    if (final === undefined) return undefined;
    return { journalId, status: final < 0 ? 'aborted' : 'complete', leaseUntil: 0, completedAt: final };
  }

  /** Whether a journal has been complete for longer than `graceMs` (its markers may be removed). */
  completeBefore(journalId: string, before: number): boolean {
    const doneAt = this.final.get(journalId);
    return doneAt !== undefined && doneAt >= 0 && doneAt < before;
  }
}
