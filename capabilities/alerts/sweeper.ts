// The alert sweeper: the backstop that makes a lost alert step harmless. It recomputes every client's crossings
// from the daily counters of every UTC day that can still receive usage events (the aggregator may have crashed
// between completing a journal and alerting, or its alert step failed or ran out of time; a late event of an
// old day, from a DLQ redrive, is counted days after its day), claims and sends the missing ones, then resends
// outbox items left pending (a crash between claim and send). Today and yesterday are swept on every run;
// the older days at least once an hour (a marker item records the last complete sweep of them).
// With `credits`, it does the same for low credit balances of gate-plan clients (capabilities/alerts/credit-alerts.ts).
// Idempotent: run it as often as you like; it never sends a second event for a claimed crossing.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CLAIM_RETENTION_DAYS, MAX_FUTURE_SKEW_MS } from '../../contracts/usage-queue';
import { addDays, dayRange, utcDay } from '../usage/calendar-days';
import { listClients } from '../customers/client-store';
import { isGatePlan } from '../../contracts/plans';
import { readDayTotalsInRange } from './day-totals';
import { type AlertDeps, detectThresholdCrossings, resendPending } from './threshold-crossings';
import { type CreditAlertDeps, detectCreditAlerts, resendPendingCreditAlerts } from './credit-alerts';

export interface SweepOptions {
  readonly now: Date;
  /**
   * Sweep every day that can still receive events (true) or only the recent ones (false).
   * @default true when the last complete sweep of every day is an hour old or more (or unknown)
   */
  readonly allDays?: boolean;
  /**
   * Pending outbox items younger than this are left to the one who claimed them (it may still be
   * sending). @default 120 000 (twice the aggregator's timeout)
   */
  readonly resendOlderThanMs?: number;
  /** Clients whose counters are read and whose crossings are sent per step. @default 100 */
  readonly chunk?: number;
}

export interface SweepReport {
  /** The days swept, oldest first. */
  readonly days: string[];
  readonly clients: number;
  /** Crossings found on the counters that nobody had claimed yet, now sent. */
  readonly recovered: number;
  /** Pending outbox items sent again. */
  readonly resent: number;
  /** Parts that failed (their work is left for the next run). */
  readonly errors: number;
  /** Low credit balance alerts sent by this run: crossings nobody had claimed, and pending ones sent again. */
  readonly credits?: { readonly recovered: number; readonly resent: number };
}

export interface SweepDeps extends AlertDeps {
  /** Also sweep low credit balances of gate-plan clients (docs/alerts.md "Low credit balance"). */
  readonly credits?: Omit<CreditAlertDeps, 'claimed' | 'clock'>;
  readonly onError?: (error: unknown, context: { step: string; day: string }) => void;
}

/** Older days are swept again once the last complete sweep of them is this old. */
export const ALL_DAYS_EVERY_MS = 3_600_000;

/** Marker of the last complete sweep of every day (under the sweeper's `ALERTS#` items). */
const ALL_DAYS_MARKER = { pk: 'ALERTS#SWEEPER', sk: 'ALL_DAYS' } as const;

/**
 * The UTC days a sweep at `now` covers, oldest first: yesterday and today (and tomorrow, once `now` is within the
 * future skew bound of midnight); with `allDays`, back to the oldest day the aggregator still counts events of
 * (it refuses request times older than the claim retention less a day).
 */
export function sweepDays(now: Date, allDays: boolean): string[] {
  const today = utcDay(now);
  const newest = utcDay(new Date(now.getTime() + MAX_FUTURE_SKEW_MS));
  const oldest = allDays ? addDays(today, -(CLAIM_RETENTION_DAYS - 1)) : addDays(today, -1);
  return dayRange(oldest, newest);
}

export async function sweepAlerts(deps: SweepDeps, options: SweepOptions): Promise<SweepReport> {
  const now = options.now.getTime();
  const allDays = options.allDays ?? now - (await lastAllDaysSweep(deps)) >= ALL_DAYS_EVERY_MS;
  const days = sweepDays(options.now, allDays);
  const chunk = options.chunk ?? 100;
  const clients = await listClients(deps.table);
  let recovered = 0;
  let resent = 0;
  let errors = 0;
  let firstError: unknown;
  const part = async (step: string, day: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      errors += 1;
      firstError ??= error;
      deps.onError?.(error, { step, day });
    }
  };
  // One Query per client over all the days, then the crossings its counters show.
  for (let i = 0; i < clients.length; i += chunk) {
    await part('recompute', `${days[0]}..${days[days.length - 1]}`, async () => {
      const chunkClients = clients.slice(i, i + chunk).map((c) => ({
        clientId: c.clientId,
        plan: c.plan,
        // A per-client override's quota is the one its alerts are against (as of this run).
        ...(c.override ? { override: c.override } : {}),
      }));
      const totals = (await readDayTotalsInRange(deps.table, chunkClients, days[0], days[days.length - 1])).filter((t) => t.requests > 0);
      recovered += (await detectThresholdCrossings(deps, totals)).length;
    });
  }
  for (const day of days) {
    await part('resend', day, async () => {
      resent += (await resendPending(deps, day, options.resendOlderThanMs ?? 120_000)).length;
    });
  }
  // Low credit balances: one strongly consistent read of each gate-plan client's gate item, then the pending ones.
  const credits = { recovered: 0, resent: 0 };
  if (deps.credits) {
    const creditDeps: CreditAlertDeps = { ...deps.credits, clock: deps.clock };
    const gateClients = clients.filter((c) => isGatePlan(c.plan));
    for (let i = 0; i < gateClients.length; i += chunk) {
      await part('credits', days[days.length - 1], async () => {
        credits.recovered += (await detectCreditAlerts(creditDeps, gateClients.slice(i, i + chunk))).length;
      });
    }
    await part('credits resend', days[days.length - 1], async () => {
      credits.resent += (await resendPendingCreditAlerts(creditDeps, options.resendOlderThanMs ?? 120_000)).length;
    });
  }
  // Every part ran; a failure still fails the run so the function's errors alarm (and every day is swept next time).
  if (firstError !== undefined) throw firstError;
  if (allDays) {
    // Best effort: without the marker the next run sweeps every day again, which costs reads, never an alert.
    await deps.table.db
      .send(new PutCommand({ TableName: deps.table.tableName, Item: { ...ALL_DAYS_MARKER, at: now } }))
      .catch((error: unknown) => deps.onError?.(error, { step: 'mark every day swept', day: days[0] }));
  }
  return { days, clients: clients.length, recovered, resent, errors, ...(deps.credits ? { credits } : {}) };
}

async function lastAllDaysSweep(deps: SweepDeps): Promise<number> {
  const { Item } = await deps.table.db.send(
    new GetCommand({ TableName: deps.table.tableName, Key: ALL_DAYS_MARKER, ConsistentRead: true }),
  );
  return typeof Item?.at === 'number' ? Item.at : Number.NEGATIVE_INFINITY;
}
