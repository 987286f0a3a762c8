// Quota alerts, watched where they are sent: the final sweep's backstop hides any failure of the aggregator's
// alert step and of the scheduled sweeps (it recovers every crossing from the counters and resends every pending
// item), so the checker's end state alone cannot tell a step that works from one that never sends. This monitor
// holds each run that reports success to what it promises (capabilities/counting/alert-step.ts, alerts/sweeper.ts):
// - an alert step that returned without error or timeout sent every outbox item it claimed, marked it sent, and
//   left every crossing its client-days had reached when it started claimed (its reads are strongly consistent);
// - a sweep that returned without error did the same for its own claims and every client's crossings on the days
//   it swept, resent every item that was pending when it started, claimed `resendOlderThanMs` before and still pending, and
//   resent no item of another claimer younger than that;
// - a sweep that returned without error after sweeping every day sent the marker of its complete sweep
//   (`ALERTS#SWEEPER`/`ALL_DAYS`, at its `now`), and one of the recent days only sent none (docs/alerts.md: the
//   marker records the last complete sweep, so the older days are read once an hour, not on every run).
// - an aggregator container never claims a crossing again once a claim of it was answered, taken or refused
//   (alert-step.ts: "crossings already claimed (by anyone) cost no further write"; its cache holds 10,000 ids,
//   more than any run meets).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertStep } from '../capabilities/counting/alert-step';
import type { SweepReport } from '../capabilities/alerts/sweeper';
import { ALERTS } from '../contracts/billing';
import { CLAIM_RETENTION_DAYS, MAX_FUTURE_SKEW_MS } from '../contracts/usage-queue';
import { itemKey, USAGE_PK_PREFIX } from '../contracts/table';
import { type Delivery, deliveredClaims } from './alert-model';
import { dayTotalRequests } from './read-counters';
import type { SimStore } from './store';

type Item = Record<string, unknown>;
type Doc = { send(command: object): Promise<unknown> };

interface Claim {
  readonly eventId: string;
  readonly key: { readonly pk: string; readonly sk: string };
  readonly at: number;
}

export interface AlertMonitorOptions {
  readonly store: SimStore;
  readonly tableName: string;
  /** True (virtual) time now, ms. */
  readonly now: () => number;
  /** Every delivery the modelled bus received so far. */
  readonly deliveries: readonly Delivery[];
  /** Each client's daily quota in force (its override's, else its plan's; the run's one quota in most runs). */
  readonly quota: (clientId: string) => number;
  /** Each client's plan (its thresholds). @default standard */
  readonly planOf?: (clientId: string) => string;
}

const OUTBOX = /^ALERTS#\d{4}-\d{2}-\d{2}$/;

export class AlertMonitor {
  readonly violations: string[] = [];
  /** Outbox claims each container's code was told it made (its conditional Put answered success). */
  private readonly claims = new Map<string, Claim[]>();
  /** Containers whose earlier alert step ran out of time: its work may still be going on in the background. */
  private readonly background = new Set<string>();
  /** The `now` of every sweep of the run: a marker of a complete sweep of every day must carry one of them. */
  private readonly sweepNows = new Set<number>();
  /** The `at` of every marker of a complete sweep each container sent (whether or not it landed). */
  private readonly markerPuts = new Map<string, number[]>();
  /** Per aggregator container (one alert step each): crossings whose claim it sent and got an answer to. */
  private readonly answered = new Map<string, Set<string>>();
  /** Requests each container's alert code has sent. */
  private readonly requests = new Map<string, number>();

  constructor(private readonly o: AlertMonitorOptions) {}

  /** The DynamoDB client of one container's alert code, every outbox claim it is told it made recorded. */
  doc(containerId: string, inner: Doc): Doc {
    return {
      send: async (command) => {
        this.requests.set(containerId, (this.requests.get(containerId) ?? 0) + 1);
        const input = (command as { input?: { Item?: Item; ConditionExpression?: string } }).input;
        const item = input?.Item;
        if (command.constructor.name === 'PutCommand' && item?.pk === MARKER.pk && item.sk === MARKER.sk)
          this.markerPuts.set(containerId, [...(this.markerPuts.get(containerId) ?? []), Number(item.at)]);
        const claim = command.constructor.name === 'PutCommand' && item && OUTBOX.test(String(item.pk)) && input.ConditionExpression;
        const eventId = String((item?.event as { eventId?: unknown } | undefined)?.eventId);
        const answered = this.answered.get(containerId);
        if (claim && answered?.has(eventId)) this.violations.push(`${containerId} claimed ${eventId} again after its claim was answered`);
        const answer = await inner.send(command).catch((error: unknown) => {
          if (claim && (error as Error)?.name === 'ConditionalCheckFailedException') answered?.add(eventId);
          throw error;
        });
        if (claim) answered?.add(eventId);
        if (claim && item) {
          const claims = this.claims.get(containerId) ?? [];
          claims.push({ eventId, key: { pk: String(item.pk), sk: String(item.sk) }, at: this.o.now() });
          this.claims.set(containerId, claims);
        }
        return answer;
      },
    };
  }

  /** One container's alert step, checked whenever it reports success. */
  step(container: { readonly id: string; readonly alive: boolean }, inner: AlertStep): AlertStep {
    if (!this.answered.has(container.id)) this.answered.set(container.id, new Set());
    return async (clientDays, budgetMs) => {
      const started = this.o.now();
      const reached = clientDays.flatMap(({ clientId, day }) => this.reachedNow(clientId, day));
      const requestsBefore = this.requests.get(container.id) ?? 0;
      const outcome = await inner(clientDays, budgetMs);
      const who = `${container.id}'s alert step`;
      if (!container.alive) return outcome;
      // Given no time, it starts nothing (work started past the deadline goes on unwatched, alert-step.ts).
      const sent = (this.requests.get(container.id) ?? 0) - requestsBefore;
      if (budgetMs <= 0 && sent > 0 && !this.background.has(container.id))
        this.violations.push(`${who} was given ${budgetMs} ms and sent ${sent} request(s)`);
      // Given nothing to alert, it does nothing and says so: no timeout, no credit figure (each would be a metric
      // datapoint, AlertStepFailures or CreditAlertsSent, for a batch with nothing to alert).
      if (clientDays.length === 0 && (outcome.timedOut || outcome.creditSent !== undefined || outcome.sent !== 0))
        this.violations.push(`${who} was given no client-day and reported ${JSON.stringify({ ...outcome, error: undefined })}`);
      // It may say it ran out of time only once its budget has (its timer is the virtual clock).
      if (outcome.timedOut && this.o.now() - started < budgetMs) {
        this.violations.push(`${who} said it timed out after ${this.o.now() - started} of its ${budgetMs} ms`);
      }
      this.checkNotABug(who, outcome.error);
      // A step that started its work and ran out of time may go on in the background: the container's later steps
      // could be judged by its claims, so they are not judged at all. One whose part failed has waited for the other
      // (capabilities/counting/alert-step.ts; seeds 477 and 88828 before that): nothing of it goes on.
      if (outcome.timedOut && budgetMs > 0) this.background.add(container.id);
      if (outcome.timedOut || this.background.has(container.id)) return outcome;
      // A failed step still reports the alerts it delivered (a mark that failed after PutEvents: metric AlertsSent).
      if (outcome.error !== undefined) {
        const delivered = deliveredClaims(this.claims.get(container.id) ?? [], this.o.deliveries, container.id, started);
        if (outcome.sent !== delivered)
          this.violations.push(`${who} failed and reported ${String(outcome.sent)} sent; it delivered ${delivered}`);
        return outcome;
      }
      const own = this.checkOwnClaims(who, container.id, started);
      if (outcome.sent !== own) this.violations.push(`${who} reported ${String(outcome.sent)} sent; it claimed and sent ${own}`);
      this.checkClaimed(who, reached);
      return outcome;
    };
  }

  /**
   * One scheduled sweep: what was pending and reached when it started, checked when it reports success. With
   * `scope` (the sweep's `now` and `allDays` option), it must also have swept the days docs/alerts.md promises:
   * yesterday, today and (within the future skew bound of midnight) tomorrow; and every day back to the oldest
   * one the aggregator still counts when told so, or when the table holds no record of a complete sweep of every
   * day (docs/alerts.md: `ALERTS#SWEEPER`/`ALL_DAYS`) by another sweep of the run less than an hour before this one.
   */
  async sweep(
    container: { readonly id: string; readonly alive: boolean },
    resendOlderThanMs: number,
    run: () => Promise<SweepReport>,
    clientIds: readonly string[],
    scope?: { readonly now: number; readonly allDays?: boolean },
  ): Promise<SweepReport> {
    const started = this.o.now();
    if (scope) this.sweepNows.add(scope.now);
    const markedAtStart = this.get(MARKER).Item?.at;
    const items = this.o.store.items(this.o.tableName);
    const pending = items.filter((item) => OUTBOX.test(String(item.pk)) && item.status === 'pending' && typeof item.claimedAt === 'number');
    // Every client's day counters as they stood at the start (the sweep reads them later, never less).
    const counterDays = items.flatMap((item) => {
      const clientId = String(item.pk).slice(USAGE_PK_PREFIX.length);
      const day = /^DAY#(\d{4}-\d{2}-\d{2})$/.exec(String(item.sk))?.[1];
      return String(item.pk).startsWith(USAGE_PK_PREFIX) && day && clientIds.includes(clientId) ? [{ clientId, day }] : [];
    });
    const reached = counterDays.flatMap(({ clientId, day }) => this.reachedNow(clientId, day).map((r) => ({ ...r, day })));
    const who = `${container.id}'s sweep`;
    const report = await run().catch((error: unknown) => {
      if (container.alive) this.checkNotABug(who, error);
      throw error;
    });
    if (!container.alive) return report;
    // Another sweep's record of every day swept, written meanwhile (even by a sweep that began after this one, or
    // that died once it had written it), lets this one sweep the recent days only.
    const marked = this.get(MARKER).Item?.at;
    const recorded =
      scope !== undefined &&
      typeof marked === 'number' &&
      marked !== scope.now &&
      this.sweepNows.has(marked) &&
      marked > scope.now - HOUR_MS;
    const allDays = scope?.allDays ?? !recorded;
    // And no more: with a complete sweep recorded less than an hour before its `now` from its start to its end
    // (its read of the marker is strongly consistent), it sweeps the recent days only (more reads, never an alert).
    const recent = (at: unknown) => typeof at === 'number' && scope !== undefined && scope.now - at < HOUR_MS;
    if (scope?.allDays === undefined && recent(markedAtStart) && recent(marked)) {
      const older = report.days.filter((day) => !daysOwed(scope?.now ?? 0, false).includes(day));
      if (older.length > 0)
        this.violations.push(`${who} swept ${older.length} older day(s), with a complete sweep recorded at ${String(markedAtStart)}`);
    }
    const owed = scope ? daysOwed(scope.now, allDays) : [];
    const missed = owed.filter((day) => !report.days.includes(day));
    // Never a day older than the aggregator counts: its outbox items may be gone by TTL, and claiming its crossings
    // again would send them again, days later.
    const beyond = scope ? report.days.filter((day) => !daysOwed(scope.now, true).includes(day)) : [];
    if (beyond.length > 0) this.violations.push(`${who} swept ${beyond.join(', ')}, outside the days the aggregator counts`);
    if (missed.length > 0)
      this.violations.push(`${who} did not sweep ${missed.join(', ')} (${allDays ? 'every day' : 'recent days'} owed)`);
    const days = new Set([...report.days, ...owed]);
    if (scope) {
      const complete = daysOwed(scope.now, true).every((day) => report.days.includes(day));
      const marks = this.markerPuts.get(container.id) ?? [];
      if (complete && !marks.includes(scope.now)) this.violations.push(`${who} swept every day and sent no marker of it at ${scope.now}`);
      if (!complete && marks.length > 0) this.violations.push(`${who} swept the recent days only and sent a marker of every day swept`);
    }
    const recovered = this.checkOwnClaims(who, container.id, started);
    if (report.recovered !== recovered)
      this.violations.push(`${who} reported ${report.recovered} recovered; it claimed and sent ${recovered}`);
    this.checkClaimed(
      who,
      reached.filter((r) => days.has(r.day)),
    );
    for (const item of pending) {
      const day = String(item.pk).slice('ALERTS#'.length);
      if (!days.has(day) || (item.claimedAt as number) > started - resendOlderThanMs) continue;
      const eventId = (item.event as { eventId: string }).eventId;
      // Marked sent meanwhile: its claimer sent it and its mark landed late (a write applied after a slow answer).
      if (this.get({ pk: String(item.pk), sk: String(item.sk) }).Item?.status !== 'pending') continue;
      if (!this.o.deliveries.some((d) => d.event.eventId === eventId && d.at >= started)) {
        this.violations.push(`${who} (${started}..${this.o.now()}) left ${eventId}, pending since ${String(item.claimedAt)}, unsent`);
      }
    }
    // Too early: an item of another claimer, younger than resendOlderThanMs when the sweep ended, may still be in its hands.
    const own = new Set((this.claims.get(container.id) ?? []).map((c) => c.eventId));
    const cutoff = this.o.now() - resendOlderThanMs;
    let resent = 0;
    for (const d of this.o.deliveries) {
      if (d.by !== container.id || d.at < started || own.has(d.event.eventId)) continue;
      resent += 1;
      const { Item } = this.get(itemKey.alert(d.event.day, d.event.clientId, d.event.threshold));
      if (typeof Item?.claimedAt === 'number' && Item.claimedAt > cutoff) {
        this.violations.push(`${who} resent ${d.event.eventId}, claimed at ${Item.claimedAt}, before ${resendOlderThanMs} ms had passed`);
      }
    }
    if (report.resent !== resent) this.violations.push(`${who} reported ${report.resent} resent; it resent ${resent}`);
    return report;
  }

  /** Failures come from the world (DynamoDB, the bus), never from the code itself: a TypeError is a bug. */
  private checkNotABug(who: string, error: unknown): void {
    const name = (error as Error | undefined)?.name;
    if (name === 'TypeError' || name === 'ReferenceError' || name === 'RangeError') {
      this.violations.push(`${who} failed with a ${name}: ${(error as Error).message}`);
    }
  }

  /** Every outbox item the container claimed since `since` was delivered by it and is marked sent; returns how many. */
  private checkOwnClaims(who: string, containerId: string, since: number): number {
    let count = 0;
    for (const claim of this.claims.get(containerId) ?? []) {
      if (claim.at < since) continue;
      count += 1;
      const delivered = this.o.deliveries.some((d) => d.by === containerId && d.event.eventId === claim.eventId && d.at >= claim.at);
      if (!delivered) this.violations.push(`${who} claimed ${claim.eventId} and returned without sending it`);
      const { Item } = this.get(claim.key);
      if (Item?.status !== 'sent') this.violations.push(`${who} sent ${claim.eventId} but left it ${String(Item?.status)}`);
    }
    return count;
  }

  /** Every crossing in `reached` has its outbox item (claimed by someone). */
  private checkClaimed(who: string, reached: readonly { key: { pk: string; sk: string }; label: string }[]): void {
    for (const { key, label } of reached) {
      if (!this.get(key).Item) this.violations.push(`${who} returned with ${label} reached and unclaimed`);
    }
  }

  /** Thresholds the client's day total has reached now (its true state in the table), as outbox keys. */
  private reachedNow(clientId: string, day: string): { key: { pk: string; sk: string }; label: string }[] {
    const requests = dayTotalRequests(this.get(itemKey.dayCounter(clientId, day)).Item);
    const quota = this.o.quota(clientId);
    return ALERTS.thresholdsPercent[(this.o.planOf?.(clientId) ?? 'standard') as keyof typeof ALERTS.thresholdsPercent]
      .filter((threshold) => requests > 0 && requests * 100 >= threshold * quota)
      .map((threshold) => ({ key: itemKey.alert(day, clientId, threshold), label: `${clientId}/${day}/${threshold}% (${requests})` }));
  }

  private get(key: { pk: string; sk: string }): { Item?: Item } {
    // The monitor's own read: the table's truth, never a replica behind (sim/stale-reads.ts).
    return this.o.store.execute(new GetCommand({ TableName: this.o.tableName, Key: key, ConsistentRead: true })) as { Item?: Item };
  }
}

const HOUR_MS = 3_600_000;
/** The sweeper's record of its last complete sweep (docs/alerts.md "The alert sweeper"). */
const MARKER = { pk: 'ALERTS#SWEEPER', sk: 'ALL_DAYS' };
const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The UTC days a sweep at `now` must cover, computed here from the documented bounds (not with the sweeper's code). */
function daysOwed(now: number, allDays: boolean): string[] {
  const newest = dayOf(now + MAX_FUTURE_SKEW_MS);
  const days: string[] = [];
  for (let at = Date.parse(dayOf(now)) - (allDays ? CLAIM_RETENTION_DAYS - 1 : 1) * DAY_MS; dayOf(at) <= newest; at += DAY_MS)
    days.push(dayOf(at));
  return days;
}
