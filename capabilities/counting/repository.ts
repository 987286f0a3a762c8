// Storage of the aggregator: claim pages, journals and counter items, through a DynamoDB DocumentClient passed in.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../aws/query-pages';
import {
  AGGREGATOR_ATTRIBUTES as A,
  claimSeq,
  itemKey,
  journalIdOf,
  PENDING_JOURNALS_PK,
  pendingJournalIdOf,
  TABLE_KEYS,
} from '../../contracts/table';
import { dayItemAmounts } from '../usage/counters';
import type { DayDelta } from './counter-deltas';
import { MARKER_PREFIX, markerAttribute } from './keys';

export type JournalStatus = 'claiming' | 'pending' | 'complete' | 'aborted';

export interface JournalHead {
  readonly journalId: string;
  readonly status: JournalStatus;
  /** Epoch ms until which the journal's current applier owns it. */
  readonly leaseUntil: number;
  readonly completedAt?: number;
  /** The batch whose transition completed it (absent on journals completed before this field existed). */
  readonly completedBy?: string;
}

/** What a bulk look-up of journal heads learnt (`getJournalHeads`). */
export interface JournalHeads {
  /** The heads read: a journal asked for and read is absent here only when it has no head (expired by TTL). */
  readonly heads: ReadonlyMap<string, JournalHead>;
  /** Journals whose heads were left unread when the deadline allowed no further try: their state is unknown. */
  readonly unanswered: readonly string[];
}

export interface ClaimEntry {
  readonly seq: number;
  readonly journalId: string;
  /** Concatenated event hashes. */
  readonly hashes: Uint8Array;
  /** Concatenated payload fingerprints, one per hash (absent on entries written before fingerprints existed). */
  readonly fingerprints?: Uint8Array;
}

/** An entry of the pending-journal index: a journal that may be pending (its head says). */
export interface PendingEntry {
  readonly journalId: string;
  /** Epoch ms it was about to turn pending. */
  readonly since: number;
  /** Its lease at that moment: before then its own batch is still at work. */
  readonly leaseUntil: number;
}

export interface CounterApplyResult {
  /** false when the journal had already been applied to this item (its marker was there). */
  readonly applied: boolean;
  /** Journal markers present on the item after the write (unknown when not applied). */
  readonly markers: readonly string[];
}

const isConditionFailure = (error: unknown) => (error as { name?: string })?.name === 'ConditionalCheckFailedException';

export class AggregatorRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Epoch seconds after which claims and journals may be deleted by TTL (longer than the queue's retention). */
    private readonly expiresAt: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  async readClaimPage(page: string): Promise<ClaimEntry[]> {
    const entries: ClaimEntry[] = [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
      ExpressionAttributeValues: { ':pk': page },
      ConsistentRead: true,
    });
    for (const item of items) {
      entries.push({
        seq: claimSeq(String(item.sk)),
        journalId: String(item[A.claimJournal]),
        hashes: item[A.claimHashes] as Uint8Array,
        fingerprints: item[A.claimFingerprints] as Uint8Array | undefined,
      });
    }
    return entries;
  }

  /** Appends one claim entry at `seq`; false when another batch took that sequence number first. */
  async appendClaims(page: string, seq: number, journalId: string, hashes: Uint8Array, fingerprints: Uint8Array): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...itemKey.claimEntry(page, seq),
            [A.claimJournal]: journalId,
            [A.claimHashes]: hashes,
            [A.claimFingerprints]: fingerprints,
            [TABLE_KEYS.timeToLive]: this.expiresAt(),
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Creates a journal in state `claiming`. Journal ids are random, so a condition failure means an earlier attempt of ours landed. */
  async createJournal(journalId: string, leaseUntil: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...itemKey.journalHead(journalId),
            [A.journalStatus]: 'claiming',
            [A.journalLease]: leaseUntil,
            [TABLE_KEYS.timeToLive]: this.expiresAt(),
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getJournalHead(journalId: string): Promise<JournalHead | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: itemKey.journalHead(journalId), ConsistentRead: true }),
    );
    return out.Item ? toHead(journalId, out.Item) : undefined;
  }

  /**
   * Heads of many journals (strongly consistent); absent ones are missing from `heads`. Keys DynamoDB leaves
   * unprocessed are asked again after a pause, while `canWait(pause)` allows it (the batch's deadline): those still
   * unread then are `unanswered`, their state unknown.
   */
  async getJournalHeads(journalIds: readonly string[], canWait: (pauseMs: number) => boolean): Promise<JournalHeads> {
    const heads = new Map<string, JournalHead>();
    for (let i = 0; i < journalIds.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = journalIds.slice(i, i + 100).map((id) => itemKey.journalHead(id));
      for (let round = 0; keys && keys.length > 0; round++) {
        const pause = round > 0 ? Math.min(500, 20 * 2 ** round) : 0;
        if (!canWait(pause)) {
          const unread = [...keys.map((key) => journalIdOf(String(key.pk))), ...journalIds.slice(i + 100)];
          return { heads, unanswered: unread };
        }
        if (pause > 0) await this.sleep(pause);
        const out: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const id = journalIdOf(String(item.pk));
          heads.set(id, toHead(id, item));
        }
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return { heads, unanswered: [] };
  }

  async putJournalBody(journalId: string, deltas: Uint8Array): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...itemKey.journalBody(journalId), [A.journalDeltas]: deltas, [TABLE_KEYS.timeToLive]: this.expiresAt() },
      }),
    );
  }

  /** Lists the journal in the pending-journal index (before it may turn pending). */
  async putPendingEntry(journalId: string, since: number, leaseUntil: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...itemKey.pendingJournal(journalId),
          [A.pendingSince]: since,
          [A.journalLease]: leaseUntil,
          [TABLE_KEYS.timeToLive]: this.expiresAt(),
        },
      }),
    );
  }

  /** Removes a journal from the pending-journal index (it is complete, aborted or gone). */
  async deletePendingEntry(journalId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: itemKey.pendingJournal(journalId) }));
  }

  /** The pending-journal index (eventually consistent: an entry written a moment ago may be missing). */
  async listPendingEntries(): Promise<PendingEntry[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
      ExpressionAttributeValues: { ':pk': PENDING_JOURNALS_PK },
    });
    return items.map((item) => ({
      journalId: pendingJournalIdOf(String(item[TABLE_KEYS.sortKey])),
      since: Number(item[A.pendingSince] ?? 0),
      leaseUntil: Number(item[A.journalLease] ?? 0),
    }));
  }

  async getJournalBody(journalId: string): Promise<Uint8Array | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: itemKey.journalBody(journalId), ConsistentRead: true }),
    );
    return out.Item?.[A.journalDeltas] as Uint8Array | undefined;
  }

  /**
   * Moves a journal from `from` to `to` if it is still in `from` (and, when given, its lease has expired).
   * Returns the head as it is afterwards, so callers can tell "we did it" from "someone else decided".
   */
  async transition(
    journalId: string,
    from: JournalStatus,
    to: JournalStatus,
    options: { leaseHeld?: number; leaseExpiredBefore?: number; completedAt?: number; completedBy?: string } = {},
  ): Promise<{ changed: boolean; head: JournalHead | undefined }> {
    const names: Record<string, string> = { '#st': A.journalStatus };
    const values: Record<string, unknown> = { ':from': from, ':to': to };
    const sets = ['#st = :to'];
    let condition = '#st = :from';
    if (options.completedAt !== undefined) {
      names['#done'] = A.journalDone;
      values[':done'] = options.completedAt;
      sets.push('#done = :done');
    }
    if (options.completedBy !== undefined) {
      names['#by'] = A.journalDoneBy;
      values[':by'] = options.completedBy;
      sets.push('#by = :by');
    }
    if (options.leaseExpiredBefore !== undefined) {
      names['#lease'] = A.journalLease;
      values[':now'] = options.leaseExpiredBefore;
      condition += ' AND #lease < :now';
    }
    if (options.leaseHeld !== undefined) {
      // Only the lease's holder moves the journal on: the lease it was granted is still the journal's.
      names['#lease'] = A.journalLease;
      values[':held'] = options.leaseHeld;
      condition += ' AND #lease = :held';
    }
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey.journalHead(journalId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { changed: true, head: out.Attributes ? toHead(journalId, out.Attributes) : undefined };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { changed: false, head: await this.getJournalHead(journalId) };
    }
  }

  /** Extends the lease of a pending journal whose lease has expired: the caller becomes its only applier. */
  async acquireLease(journalId: string, now: number, leaseUntil: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey.journalHead(journalId),
          UpdateExpression: 'SET #lease = :until',
          ConditionExpression: '#st = :pending AND #lease < :now',
          ExpressionAttributeNames: { '#st': A.journalStatus, '#lease': A.journalLease },
          ExpressionAttributeValues: { ':pending': 'pending', ':now': now, ':until': leaseUntil },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Adds a journal's delta to one client-day's item, once: the day's requests and each route's counters (the compact
   * form of `usage/counters.ts`, from which readers sum the day's other totals) in one UpdateItem that sets the journal's marker and is conditional on its
   * absence, so a second attempt (retry after a timeout, or a resumer) changes nothing and a reader never sees
   * the routes and the total apart. Also removes markers of journals known to be complete, so items stay small.
   */
  async applyCounter(delta: DayDelta, journalId: string, removeMarkers: readonly string[]): Promise<CounterApplyResult> {
    const names: Record<string, string> = { '#m': markerAttribute(journalId), '#cid': 'clientId', '#day': 'day' };
    const values: Record<string, unknown> = { ':one': 1, ':cid': delta.clientId, ':day': delta.day };
    const adds: string[] = [];
    const amounts = dayItemAmounts(delta.total.requests, delta.routes);
    for (const [attribute, amount] of amounts) {
      const token = `a${adds.length.toString(36)}`;
      names[`#${token}`] = attribute;
      values[`:${token}`] = amount;
      adds.push(`#${token} :${token}`);
    }
    const removes = removeMarkers
      .filter((m) => m !== names['#m'])
      .map((m, i) => {
        names[`#r${i}`] = m;
        return `#r${i}`;
      });
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey.dayCounter(delta.clientId, delta.day),
          UpdateExpression: `ADD ${adds.join(', ')} SET #m = :one, #cid = :cid, #day = :day${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_not_exists(#m)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          // Only the attribute names are needed (the markers); UPDATED_NEW would miss markers set by others.
          ReturnValues: 'ALL_NEW',
        }),
      );
      return {
        applied: true,
        markers: Object.keys(out.Attributes ?? {})
          .filter((name) => name.startsWith(MARKER_PREFIX))
          .sort(),
      };
    } catch (error) {
      if (isConditionFailure(error)) return { applied: false, markers: [] };
      throw error;
    }
  }
}

function toHead(journalId: string, item: Record<string, unknown>): JournalHead {
  return {
    journalId,
    status: item[A.journalStatus] as JournalStatus,
    leaseUntil: Number(item[A.journalLease] ?? 0),
    completedAt: item[A.journalDone] === undefined ? undefined : Number(item[A.journalDone]),
    completedBy: item[A.journalDoneBy] === undefined ? undefined : String(item[A.journalDoneBy]),
  };
}
