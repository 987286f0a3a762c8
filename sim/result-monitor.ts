// What a batch reports, held to what it did, as each result comes back (issue 19: the counts alone never show a
// result that misreports). Every record is acknowledged or failed, once (counted + duplicates + failures = records),
// poison and conflicts name the batch's own records; `counted` is the events of its own journal if that journal is
// complete, and `completedEvents` (the EventsAggregated metric) the events of the journals whose head names this
// batch as the one that completed them (`doneBy`). Under faults a transition may land after the batch gave up on it,
// so there `counted` may fall short, never exceed; a batch run wholly in calm must report it exactly. `completedEvents`
// is exact under faults too, but for the journals whose completion the batch could not know: those whose last
// transition to complete met an error other than a refused condition, or was refused and the head read after it failed
// (a refused transition reads the head, and a head naming the batch is its own completion, landed on an earlier try).
import type { BatchResult } from '../capabilities/counting/exactly-once';
import { AGGREGATOR_ATTRIBUTES as A, itemKey, journalIdOf, PENDING_JOURNALS_PK } from '../contracts/table';
import { type LoggedRequest, pkOf } from './calm-batch-log';
import { readJournalBody } from './read-counters';
import type { SimStore } from './store';

/** capabilities/counting/PROTOCOL.md step 3, and the aggregator's default safety margin the simulation runs with. */
const CLAIM_PAGES_PER_WALKER = 32;
const CLAIM_SHARE_OF_BUDGET = 0.5;
const SAFETY_MS = 1_000;

export class ResultMonitor {
  readonly violations: string[] = [];

  constructor(
    private readonly store: SimStore,
    private readonly tableName: string,
  ) {}

  /**
   * No call is started at or past the batch's deadline (capabilities/counting/retry.ts: no new attempt after it; the
   * work left is failed and retried by SQS). A Query's next page and the Get of a head after a refused transition
   * finish a call begun before it. A BatchGet's unprocessed keys are asked again only before it (seed 76625).
   */
  checkDeadline(containerId: string, requests: readonly LoggedRequest[], deadline: number): void {
    const late = requests.find((r) => r.sentAt >= deadline && r.op !== 'Get' && r.input.ExclusiveStartKey === undefined);
    if (late) this.violations.push(`${containerId}: sent ${late.op} ${late.sentAt - deadline} ms past its deadline`);
  }

  /**
   * capabilities/counting/PROTOCOL.md step 3: "a page is started only in the first half of the batch's time budget
   * (each walker's first page whatever the time)", one walker per 32 pages. Judged, faults or not, for a batch whose
   * records span at most 32 pages (their ids' seconds times the shards): its one walker may start only its first
   * page at or past the half of the budget counted from its first request (the batch began no later).
   */
  checkClaimCutoff(
    containerId: string,
    requests: readonly LoggedRequest[],
    bodies: readonly string[],
    budgetMs: number,
    shards: number,
  ): void {
    const seconds = new Set(bodies.map((body) => /"eventId":"([0-9a-z]{1,8})\./.exec(body)?.[1] ?? body));
    if (requests.length === 0 || seconds.size * Math.max(1, shards) > CLAIM_PAGES_PER_WALKER) return;
    const cutoff =
      requests.reduce((first, r) => Math.min(first, r.sentAt), Number.POSITIVE_INFINITY) + CLAIM_SHARE_OF_BUDGET * (budgetMs - SAFETY_MS);
    const starts = new Map<string, number>();
    for (const r of requests) {
      const pk = pkOf(r.input);
      if (r.op === 'Query' && pk.startsWith('CLAIM#')) starts.set(pk, Math.min(starts.get(pk) ?? r.sentAt, r.sentAt));
    }
    const order = [...starts].sort(([, a], [, b]) => a - b);
    const late = order.slice(1).filter(([, at]) => at >= cutoff);
    if (late.length > 0)
      this.violations.push(`${containerId}: started claim page ${late[0][0]} ${late[0][1] - cutoff} ms past the half of its budget`);
  }

  /** The client-days (`<client> <day>`) of the journals other than its own whose head names this batch as completing them. */
  completedClientDays(own: string | undefined): Set<string> {
    const done = new Set<string>();
    const bodies = new Map<string, Uint8Array>();
    for (const item of this.store.items(this.tableName)) {
      const pk = String(item.pk);
      if (own === undefined || !pk.startsWith('JOURNAL#') || pk === PENDING_JOURNALS_PK) continue;
      const id = journalIdOf(pk);
      if (item.sk !== 'HEAD') bodies.set(id, item[A.journalDeltas] as Uint8Array);
      else if (id !== own && item[A.journalDoneBy] === own) done.add(id);
    }
    const clientDays = new Set<string>();
    for (const id of done) {
      const body = bodies.get(id);
      if (body) for (const key of readJournalBody(body).keys()) clientDays.add(key.split(' | ').slice(0, 2).join(' '));
    }
    return clientDays;
  }

  check(
    containerId: string,
    records: readonly string[],
    result: BatchResult,
    calmThroughout: boolean,
    requests: readonly LoggedRequest[],
  ): void {
    const say = (detail: string) => this.violations.push(`${containerId} batch ${result.journalId ?? '(no journal)'}: ${detail}`);
    const ids = new Set(records);
    const failed = new Set(result.failures);
    if (failed.size !== result.failures.length || result.failures.some((id) => !ids.has(id))) {
      say(`failures ${result.failures.join(' ')} repeat a record or name one not in the batch`);
    }
    for (const [name, value] of Object.entries({
      counted: result.counted,
      duplicates: result.duplicates,
      completedEvents: result.completedEvents,
    })) {
      // Each a whole number: NaN would pass every comparison below.
      if (!Number.isInteger(value) || value < 0) say(`${name} is ${value}, not a count`);
    }
    if (result.counted + result.duplicates + failed.size !== records.length) {
      say(`counted ${result.counted} + duplicates ${result.duplicates} + failures ${failed.size} ≠ ${records.length} records`);
    }
    if (result.poison.some((p) => !failed.has(p.id))) say('a poison record is not in the failures');
    if (result.conflicts.some((c) => !ids.has(c.id) || failed.has(c.id))) say('a conflict names a record not acknowledged');

    const own = result.journalId;
    const bodies = new Map<string, Uint8Array>();
    const doneBy = new Map<string, string>();
    let ownStatus: string | undefined;
    for (const item of this.store.items(this.tableName)) {
      const pk = String(item.pk);
      if (own === undefined || !pk.startsWith('JOURNAL#') || pk === PENDING_JOURNALS_PK) continue;
      const id = journalIdOf(pk);
      if (item.sk !== 'HEAD') bodies.set(id, item[A.journalDeltas] as Uint8Array);
      else if (id === own) ownStatus = String(item[A.journalStatus]);
      if (item.sk === 'HEAD' && item[A.journalDoneBy] !== undefined) doneBy.set(id, String(item[A.journalDoneBy]));
    }
    const events = (id: string) => {
      const body = bodies.get(id);
      let n = 0;
      if (body) for (const row of readJournalBody(body).values()) n += row[0];
      return n;
    };
    const completedByOwn = [...doneBy].filter(([, by]) => by === own).map(([id]) => id);
    const completed = completedByOwn.reduce((n, id) => n + events(id), 0);
    const unsure = completedByOwn.filter((id) => !knewCompletion(requests, id)).reduce((n, id) => n + events(id), 0);
    if (result.completedEvents > completed || result.completedEvents < completed - unsure) {
      say(
        `completedEvents ${result.completedEvents}; the journals it completed hold ${completed} event(s)` +
          (unsure > 0 ? `, ${unsure} of them in completions it could not know` : ''),
      );
    }
    const ownEvents = own !== undefined && ownStatus === 'complete' ? events(own) : 0;
    if ((result.counted > 0 && result.counted !== ownEvents) || (calmThroughout && result.counted !== ownEvents)) {
      say(`counted ${result.counted}; its own journal is ${ownStatus ?? 'absent'} with ${ownEvents} counted event(s)`);
    }
  }
}

/** Whether a batch was told it completed a journal: its last transition to complete answered, or was refused and the head read after. */
export function knewCompletion(requests: readonly LoggedRequest[], journalId: string): boolean {
  const { pk, sk } = itemKey.journalHead(journalId);
  const head = (r: LoggedRequest) => {
    const key = r.input.Key as { pk?: unknown; sk?: unknown } | undefined;
    return key?.pk === pk && key.sk === sk;
  };
  const values = (r: LoggedRequest) => r.input.ExpressionAttributeValues as Record<string, unknown> | undefined;
  let last = -1;
  requests.forEach((r, i) => {
    if (r.op === 'Update' && head(r) && values(r)?.[':to'] === 'complete') last = i;
  });
  if (last < 0) return true;
  const error = requests[last].error;
  if (error === undefined) return true;
  if (error !== 'ConditionalCheckFailedException') return false;
  return requests.slice(last + 1).some((r) => r.op === 'Get' && head(r) && r.error === undefined);
}
