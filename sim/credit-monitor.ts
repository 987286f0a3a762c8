// Low credit balance alerts, watched where they are sent and checked at the end of the run (docs/alerts.md "Low
// credit balance": exactly one `Credit Balance Threshold Crossed` event per client, threshold and top-up cycle, its
// eventId `credit-balance:<clientId>:<threshold>:<cycle>`, sent by the aggregator's step or, as a backstop, the
// sweeper, which also resends pending ones claimed more than `resendOlderThanMs` before). The crossings owed come
// from the oracle's own record of every balance (sim/credit-model.ts), never from the alert code:
// - an alert step or sweep that returned without error sent every credit alert it claimed (and deleted its pending
//   entry), reported that many, and left claimed every crossing standing, at its start and at its end (no top-up
//   re-armed it meanwhile), of the gate-plan clients it covers (the batch's, or every one of the registry);
// - a sweep that returned without error resent every pending entry claimed `resendOlderThanMs` before it started
//   and still pending, none younger, and reported how many;
// - at the end: every event is one real crossing (its id names its client, threshold and cycle; its balance is one
//   the client had in that cycle at or below the threshold; its plan the client's), every delivery of an id is the
//   same event, every crossing standing after the final sweep was sent, and no pending entry is left.
// - an aggregator container never claims a crossing again once a claim of it was answered, taken or refused (its
//   step's per-container cache, as for quota alerts: sim/alert-monitor.ts).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CreditBalanceLow } from '../capabilities/alerts/credit-alerts';
import type { SweepReport } from '../capabilities/alerts/sweeper';
import type { AlertStep } from '../capabilities/counting/alert-step';
import { itemKey } from '../contracts/table';
import { type Delivery, deliveredClaims } from './alert-model';
import { type CreditLedger, thresholdsOf } from './credit-model';
import type { SimStore } from './store';

type Item = Record<string, unknown>;
type Doc = { send(command: object): Promise<unknown> };

interface Crossing {
  readonly clientId: string;
  readonly threshold: number;
  readonly cycle: number;
  readonly eventId: string;
}

interface Claim extends Crossing {
  readonly at: number;
}

export interface CreditMonitorOptions {
  readonly store: SimStore;
  readonly tableName: string;
  readonly now: () => number;
  /** Every low-balance event the modelled bus received so far. */
  readonly deliveries: readonly Delivery<CreditBalanceLow>[];
  readonly ledger: CreditLedger;
  /** Each client's plan (as the registry holds it). */
  readonly planOf: (clientId: string) => string;
}

/** The documented identity of a crossing (docs/alerts.md), spelled here, not taken from the alert code. */
const idOf = (clientId: string, threshold: number, cycle: number) => `credit-balance:${clientId}:${threshold}:${cycle}`;
const PENDING_PK = 'ALERTS#CREDITS-PENDING';
const CLAIM_PK = /^ALERTS#CREDITS#(.+)$/;

export class CreditMonitor {
  readonly violations: string[] = [];
  private readonly claims = new Map<string, Claim[]>();
  /** Containers whose alert step ran out of time: its work may go on in the background (see sim/alert-monitor.ts). */
  private readonly background = new Set<string>();
  /** Per aggregator container (one alert step each): crossings whose claim it sent and got an answer to. */
  private readonly answered = new Map<string, Set<string>>();

  constructor(private readonly o: CreditMonitorOptions) {}

  /** The DynamoDB client of one container's alert code, every credit claim it is told it made recorded. */
  doc(containerId: string, inner: Doc): Doc {
    return {
      send: async (command) => {
        const put =
          command.constructor.name === 'TransactWriteCommand'
            ? (command as { input?: { TransactItems?: { Put?: { Item?: Item; ConditionExpression?: string } }[] } }).input
                ?.TransactItems?.[0]?.Put
            : undefined;
        const clientId = CLAIM_PK.exec(String(put?.Item?.pk))?.[1];
        const [threshold, cycle] = String(put?.Item?.sk).split('#').map(Number);
        const claim = put?.ConditionExpression !== undefined && clientId !== undefined;
        const eventId = claim ? idOf(clientId, threshold, cycle) : '';
        const answered = this.answered.get(containerId);
        if (claim && answered?.has(eventId)) this.violations.push(`${containerId} claimed ${eventId} again after its claim was answered`);
        const answer = await inner.send(command).catch((error: unknown) => {
          const reasons = (error as { CancellationReasons?: { Code?: string }[] })?.CancellationReasons;
          if (claim && reasons?.[0]?.Code === 'ConditionalCheckFailed') answered?.add(eventId);
          throw error;
        });
        if (claim) {
          answered?.add(eventId);
          const claims = this.claims.get(containerId) ?? [];
          claims.push({ clientId, threshold, cycle, eventId, at: this.o.now() });
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
      const standing = [...new Set(clientDays.map((c) => c.clientId))].flatMap((clientId) => this.standing(clientId));
      const outcome = await inner(clientDays, budgetMs);
      if (!container.alive) return outcome;
      if (outcome.timedOut && budgetMs > 0) this.background.add(container.id);
      if (outcome.timedOut || this.background.has(container.id)) return outcome;
      const who = `${container.id}'s alert step`;
      // A failed step still reports the alerts it delivered (a mark that failed after PutEvents).
      if (outcome.error !== undefined) {
        const delivered = deliveredClaims(this.claims.get(container.id) ?? [], this.o.deliveries, container.id, started);
        if ((outcome.creditSent ?? 0) !== delivered)
          this.violations.push(
            `${who} failed and reported ${String(outcome.creditSent)} low-balance alerts sent; it delivered ${delivered}`,
          );
        return outcome;
      }
      const own = this.checkOwnClaims(who, container.id, started);
      if ((outcome.creditSent ?? 0) !== own)
        this.violations.push(`${who} reported ${String(outcome.creditSent)} low-balance alerts sent; it claimed and sent ${own}`);
      this.checkClaimed(who, standing);
      return outcome;
    };
  }

  /** One sweep with the credits part: what was pending and standing when it started, checked when it reports success. */
  async sweep(
    container: { readonly id: string; readonly alive: boolean },
    resendOlderThanMs: number,
    run: () => Promise<SweepReport>,
    clientIds: readonly string[],
  ): Promise<SweepReport> {
    const started = this.o.now();
    const pending = this.pendingItems().filter((item) => typeof item.claimedAt === 'number');
    const standing = clientIds.flatMap((clientId) => this.standing(clientId));
    const report = await run();
    if (!container.alive) return report;
    const who = `${container.id}'s sweep`;
    const own = this.checkOwnClaims(who, container.id, started);
    if (report.credits?.recovered !== own)
      this.violations.push(`${who} reported ${String(report.credits?.recovered)} low-balance alerts recovered; it claimed and sent ${own}`);
    this.checkClaimed(who, standing);
    for (const item of pending) {
      if ((item.claimedAt as number) > started - resendOlderThanMs) continue;
      const eventId = (item.event as { eventId: string }).eventId;
      // Deleted meanwhile: its claimer (or another sweep) sent it.
      if (!this.get({ pk: PENDING_PK, sk: String(item.sk) }).Item) continue;
      if (!this.o.deliveries.some((d) => d.event.eventId === eventId && d.at >= started))
        this.violations.push(`${who} left ${eventId}, pending since ${String(item.claimedAt)}, unsent`);
    }
    const mine = new Set((this.claims.get(container.id) ?? []).map((c) => c.eventId));
    const cutoff = this.o.now() - resendOlderThanMs;
    let resent = 0;
    for (const d of this.o.deliveries) {
      if (d.by !== container.id || d.at < started || mine.has(d.event.eventId)) continue;
      resent += 1;
      const { Item } = this.get(itemKey.creditAlert(d.event.clientId, d.event.threshold, d.event.cycle));
      if (typeof Item?.claimedAt === 'number' && Item.claimedAt > cutoff)
        this.violations.push(`${who} resent ${d.event.eventId}, claimed at ${Item.claimedAt}, before ${resendOlderThanMs} ms had passed`);
    }
    if (report.credits?.resent !== resent)
      this.violations.push(`${who} reported ${String(report.credits?.resent)} low-balance alerts resent; it resent ${resent}`);
    return report;
  }

  /** After the final sweep: what the bus received against the oracle's record of every balance. */
  finalViolations(clientIds: readonly string[]): string[] {
    const out: string[] = [];
    const byId = new Map<string, Delivery<CreditBalanceLow>[]>();
    for (const d of this.o.deliveries) byId.set(d.event.eventId, [...(byId.get(d.event.eventId) ?? []), d]);
    for (const [eventId, list] of byId) {
      const shapes = new Set(list.map((d) => JSON.stringify(d.event)));
      if (shapes.size > 1) out.push(`${eventId} sent as ${shapes.size} different events: ${[...shapes].join(' / ')}`);
      for (const { event } of list) {
        const problem = this.unreal(event);
        if (problem) out.push(`${eventId} sent as ${JSON.stringify(event)}: ${problem}`);
      }
    }
    for (const clientId of clientIds) {
      for (const crossing of this.standing(clientId)) {
        if (!byId.has(crossing.eventId)) out.push(`${crossing.eventId} stands after the final sweep and was never sent`);
      }
    }
    for (const item of this.pendingItems()) out.push(`low-balance alert ${String(item.sk)} still pending after the final sweep`);
    for (const item of this.o.store.items(this.o.tableName)) {
      const clientId = CLAIM_PK.exec(String(item.pk))?.[1];
      const [threshold, cycle] = String(item.sk).split('#').map(Number);
      if (clientId !== undefined && !byId.has(idOf(clientId, threshold, cycle)))
        out.push(`low-balance alert ${String(item.pk)} ${String(item.sk)} claimed and never sent`);
    }
    return [...this.o.ledger.problems, ...out];
  }

  /** Why an event names no crossing the client's balance made (undefined: it names one). */
  private unreal(event: CreditBalanceLow): string | undefined {
    const plan = this.o.planOf(event.clientId);
    if (event.eventId !== idOf(event.clientId, event.threshold, event.cycle)) return 'its eventId names another crossing';
    if (event.plan !== plan) return `the client's plan is ${plan}`;
    if (!thresholdsOf(plan).includes(event.threshold)) return `${event.threshold} is no threshold of plan ${plan}`;
    const states = this.o.ledger.history.get(event.clientId) ?? [];
    const held = states.some(
      (s) => (s.cycles[event.threshold] ?? 0) === event.cycle && s.balance <= event.threshold && s.balance === event.balance,
    );
    return held ? undefined : `the client never held ${event.balance} at or below ${event.threshold} in cycle ${event.cycle}`;
  }

  /** The crossings the client's balance shows now (the oracle's record): each threshold of its plan at or above it. */
  private standing(clientId: string): Crossing[] {
    const state = this.o.ledger.current(clientId);
    if (!state) return [];
    return thresholdsOf(this.o.planOf(clientId))
      .filter((threshold) => state.balance <= threshold)
      .map((threshold) => {
        const cycle = state.cycles[threshold] ?? 0;
        return { clientId, threshold, cycle, eventId: idOf(clientId, threshold, cycle) };
      });
  }

  /** Every credit claim the container made since `since` was delivered by it and its pending entry deleted; how many. */
  private checkOwnClaims(who: string, containerId: string, since: number): number {
    let count = 0;
    for (const claim of this.claims.get(containerId) ?? []) {
      if (claim.at < since) continue;
      count += 1;
      if (!this.o.deliveries.some((d) => d.by === containerId && d.event.eventId === claim.eventId && d.at >= claim.at))
        this.violations.push(`${who} claimed ${claim.eventId} and returned without sending it`);
      if (this.get(itemKey.creditAlertPending(claim.clientId, claim.threshold, claim.cycle)).Item)
        this.violations.push(`${who} sent ${claim.eventId} but left it pending`);
    }
    return count;
  }

  /** Every crossing that stood when the call started and still stands (no top-up re-armed it) is claimed. */
  private checkClaimed(who: string, standing: readonly Crossing[]): void {
    for (const crossing of standing) {
      const still = this.standing(crossing.clientId).some((c) => c.eventId === crossing.eventId);
      if (still && !this.get(itemKey.creditAlert(crossing.clientId, crossing.threshold, crossing.cycle)).Item)
        this.violations.push(`${who} returned with ${crossing.eventId} standing and unclaimed`);
    }
  }

  private pendingItems(): Item[] {
    return this.o.store.items(this.o.tableName).filter((item) => item.pk === PENDING_PK);
  }

  private get(key: { pk: string; sk: string }): { Item?: Item } {
    // The monitor's own read: the table's truth, never a replica behind (sim/stale-reads.ts).
    return this.o.store.execute(new GetCommand({ TableName: this.o.tableName, Key: key, ConsistentRead: true })) as { Item?: Item };
  }
}
