// The journal lease, watched as it is used (capabilities/counting/PROTOCOL.md): a batch aborts another's
// `claiming` journal, or takes over another's `pending` one, only once that journal's lease has run out by the
// taker's clock, which is within the run's skew bound of true time; and only the lease's holder moves a journal to
// `complete` (step 4: a completion landing after another batch took the lease is refused, seed 4088). Breaking the
// lease costs no count while the counter markers hold, so the counts alone never show it; this monitor does, at the
// write that breaks it.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AGGREGATOR_ATTRIBUTES as A, itemKey, journalIdOf } from '../contracts/table';
import type { DynamoStore } from './faulty-dynamo';

type Key = { pk: string; sk: string };

export class LeaseMonitor {
  readonly violations: string[] = [];
  /** Journals that turned pending while missing from the pending index (a journal invariant, not a lease one). */
  readonly unlisted: string[] = [];
  /** Which container created each journal: its own writes need no lease check. */
  private readonly creators = new Map<string, string>();
  /** Per journal, the container whose write set its current lease, and that lease. */
  private readonly holders = new Map<string, { readonly containerId: string; readonly lease: number }>();

  constructor(
    private readonly store: DynamoStore,
    private readonly tableName: string,
    /** True (virtual) time now, ms. */
    private readonly now: () => number,
    /** How far any container's clock may be from true time, ms. */
    private readonly skewMs: number,
  ) {}

  /** The store as one container reaches it, every write that takes a journal from another checked against its lease. */
  storeFor(containerId: string): DynamoStore {
    return { execute: (command) => this.execute(containerId, command) };
  }

  private execute(containerId: string, command: object): unknown {
    if (command instanceof PutCommand) {
      const item = command.input.Item as (Key & Record<string, unknown>) | undefined;
      const journalId = journalHeadId(item);
      if (journalId !== undefined && !this.creators.has(journalId)) this.creators.set(journalId, containerId);
      const result = this.store.execute(command); // throws when its condition fails: then nothing was created
      if (journalId !== undefined) this.holders.set(journalId, { containerId, lease: Number(item?.[A.journalLease]) });
      return result;
    }
    if (!(command instanceof UpdateCommand)) return this.store.execute(command);
    const journalId = journalHeadId(command.input.Key as Key | undefined);
    const to = command.input.ExpressionAttributeValues?.[':to'];
    if (journalId !== undefined && to === 'pending') return this.opens(journalId, command);
    if (journalId !== undefined && to === 'complete') return this.completes(journalId, containerId, command);
    if (journalId === undefined || !takesOver(command, this.creators.get(journalId) === containerId)) {
      return this.store.execute(command);
    }
    // The monitor's own read: the table's truth, never a replica behind (sim/stale-reads.ts).
    const before = (
      this.store.execute(new GetCommand({ TableName: this.tableName, Key: command.input.Key, ConsistentRead: true })) as {
        Item?: Record<string, unknown>;
      }
    ).Item;
    const result = this.store.execute(command); // throws when its condition fails: then nothing was taken
    const until = command.input.ExpressionAttributeValues?.[':until'];
    if (typeof until === 'number') this.holders.set(journalId, { containerId, lease: until });
    const lease = Number(before?.[A.journalLease] ?? 0);
    const status = String(before?.[A.journalStatus]);
    const newestTakerClock = this.now() + this.skewMs;
    if ((status === 'claiming' || status === 'pending') && lease >= newestTakerClock) {
      this.violations.push(
        `journal ${journalId} (${status}) taken by ${containerId} at ${this.now()} while its lease ran until ${lease} (skew bound ${this.skewMs} ms)`,
      );
    }
    return result;
  }

  /** capabilities/counting/PROTOCOL.md step 4: a journal moves to `complete` only by the holder of its lease. */
  private completes(journalId: string, containerId: string, command: UpdateCommand): unknown {
    const before = this.head(journalId);
    const result = this.store.execute(command); // throws when its condition fails: then it was not completed
    const holder = this.holders.get(journalId);
    const lease = Number(before?.[A.journalLease]);
    if (before?.[A.journalStatus] === 'pending' && holder && holder.lease === lease && holder.containerId !== containerId) {
      this.violations.push(
        `journal ${journalId} completed by ${containerId} at ${this.now()} while ${holder.containerId} held its lease (until ${lease})`,
      );
    }
    return result;
  }

  /** The monitor's own read: the table's truth, never a replica behind (sim/stale-reads.ts). */
  private head(journalId: string): Record<string, unknown> | undefined {
    const out = this.store.execute(
      new GetCommand({ TableName: this.tableName, Key: itemKey.journalHead(journalId), ConsistentRead: true }),
    );
    return (out as { Item?: Record<string, unknown> }).Item;
  }

  /** capabilities/counting/PROTOCOL.md step 4: a journal turns pending only once it is in the pending index, where step 5b finds it. */
  private opens(journalId: string, command: UpdateCommand): unknown {
    const result = this.store.execute(command); // throws when its condition fails: then it did not turn pending
    // The monitor's own read: the table's truth, never a replica behind (sim/stale-reads.ts).
    const entry = this.store.execute(
      new GetCommand({ TableName: this.tableName, Key: itemKey.pendingJournal(journalId), ConsistentRead: true }),
    );
    if (!(entry as { Item?: unknown }).Item)
      this.unlisted.push(`journal ${journalId} turned pending without an entry in the pending index`);
    return result;
  }
}

function journalHeadId(key: Key | undefined): string | undefined {
  if (key?.sk !== 'HEAD' || typeof key.pk !== 'string' || !key.pk.startsWith('JOURNAL#')) return undefined;
  return journalIdOf(key.pk);
}

/** An abort of a journal its creator still owns, or a lease taken over (acquireLease sets the lease alone). */
function takesOver(command: UpdateCommand, own: boolean): boolean {
  const to = command.input.ExpressionAttributeValues?.[':to'];
  if (to === 'aborted') return !own;
  return command.input.UpdateExpression === 'SET #lease = :until';
}
