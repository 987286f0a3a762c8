// The alert sweeper: the backstop that makes a lost alert step harmless. For today and yesterday (UTC)
// it recomputes every client's crossings from the daily counters (the aggregator may have crashed
// between completing a journal and alerting, or its alert step failed or ran out of time), claims and
// sends the missing ones, then resends outbox items left pending (a crash between claim and send).
// Idempotent: run it as often as you like; it never sends a second event for a claimed crossing.
import { addDays, utcDay } from '../usage/calendar-days';
import { listClients } from '../customers/client-store';
import { readDayTotals } from './day-totals';
import { type AlertDeps, detectThresholdCrossings, resendPending } from './threshold-crossings';

export interface SweepOptions {
  readonly now: Date;
  /** UTC days swept, ending today. @default 2 (today and yesterday) */
  readonly days?: number;
  /**
   * Pending outbox items younger than this are left to the one who claimed them (it may still be
   * sending). @default 120 000 (twice the aggregator's timeout)
   */
  readonly resendOlderThanMs?: number;
  /** Clients whose counters are read and whose crossings are sent per step. @default 100 */
  readonly chunk?: number;
}

export interface SweepReport {
  readonly days: string[];
  readonly clients: number;
  /** Crossings found on the counters that nobody had claimed yet, now sent. */
  readonly recovered: number;
  /** Pending outbox items sent again. */
  readonly resent: number;
  /** Parts that failed (their work is left for the next run). */
  readonly errors: number;
}

export interface SweepDeps extends AlertDeps {
  readonly onError?: (error: unknown, context: { step: string; day: string }) => void;
}

export async function sweepAlerts(deps: SweepDeps, options: SweepOptions): Promise<SweepReport> {
  const today = utcDay(options.now);
  const days = Array.from({ length: options.days ?? 2 }, (_, i) => addDays(today, -i));
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
  for (const day of days) {
    for (let i = 0; i < clients.length; i += chunk) {
      await part('recompute', day, async () => {
        const clientDays = clients.slice(i, i + chunk).map((c) => ({
          clientId: c.clientId,
          day,
          plan: c.plan,
          // A per-client override's quota is the one its alerts are against (as of this run).
          ...(c.override ? { override: c.override } : {}),
        }));
        const totals = (await readDayTotals(deps.table, clientDays)).filter((t) => t.requests > 0);
        recovered += (await detectThresholdCrossings(deps, totals)).length;
      });
    }
    await part('resend', day, async () => {
      resent += (await resendPending(deps, day, options.resendOlderThanMs ?? 120_000)).length;
    });
  }
  // Every part ran; a failure still fails the run so the function's errors alarm.
  if (firstError !== undefined) throw firstError;
  return { days, clients: clients.length, recovered, resent, errors };
}
