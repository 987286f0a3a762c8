// The aggregator's alert step (PROTOCOL.md, step 6): after the batch's counting is settled, read the day
// totals of the client-days it touched and send the threshold crossings they reveal. Counts come first:
// this step never throws, never changes the batch's result and stops at the batch's deadline; whatever
// it leaves undone (an error, no time, a crash) the alert sweeper (usage-alerts/sweeper.ts) recovers.
import { type ClientDay, readDayTotals } from '../alerts/day-totals';
import { type AlertDeps, ClaimedCache, detectThresholdCrossings } from '../alerts/threshold-crossings';
import { type CreditAlertDeps, detectCreditAlerts } from '../alerts/credit-alerts';
import { sentDespite } from '../alerts/sent-unmarked';

export interface AlertOutcome {
  /** Client-days whose totals were (to be) checked. */
  readonly clientDays: number;
  /** Events this step sent (also those of a part that failed only at marking them sent). */
  readonly sent: number;
  /** Low credit balance events this step sent (only with `credits`). */
  readonly creditSent?: number;
  /** The step stopped at the batch's deadline (its work may go on in the background or be lost). */
  readonly timedOut: boolean;
  /** What made one of its parts fail (the other's sends are still reported); counting was not affected. */
  readonly error?: unknown;
}

/** Runs the alert step for some client-days within `budgetMs`. */
export type AlertStep = (clientDays: readonly ClientDay[], budgetMs: number) => Promise<AlertOutcome>;

export interface AlertStepOptions extends Omit<AlertDeps, 'claimed'> {
  /** Timer for the budget (the simulator's virtual clock). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Also check the low credit balances of the batch's gate-plan clients (capabilities/alerts/credit-alerts.ts). */
  readonly credits?: Omit<CreditAlertDeps, 'claimed'>;
}

export function createAlertStep(options: AlertStepOptions): AlertStep {
  // Per container: crossings already claimed (by anyone) cost no further write.
  const deps: AlertDeps = { ...options, claimed: new ClaimedCache() };
  const creditDeps: CreditAlertDeps | undefined = options.credits && { ...options.credits, claimed: new ClaimedCache() };
  return async (clientDays, budgetMs) => {
    if (clientDays.length === 0) return { clientDays: 0, sent: 0, timedOut: false };
    if (budgetMs <= 0) return { clientDays: clientDays.length, sent: 0, timedOut: true };
    // Both parts settle before the step returns: one failing never leaves the other sending unreported (seed 88828).
    const work = Promise.allSettled([
      readDayTotals(options.table, clientDays).then((totals) => detectThresholdCrossings(deps, totals)),
      creditDeps ? detectCreditAlerts(creditDeps, clientDays) : Promise.resolve(undefined),
    ]);
    const outcome = await withinBudget(work, budgetMs, options.sleep);
    if (outcome === 'timeout') return { clientDays: clientDays.length, sent: 0, timedOut: true };
    const [quota, credit] = outcome;
    const failed = [quota, credit].find((part) => part.status === 'rejected');
    return {
      clientDays: clientDays.length,
      sent: quota.status === 'fulfilled' ? quota.value.length : sentDespite(quota.reason),
      ...(credit.status === 'fulfilled' && credit.value ? { creditSent: credit.value.length } : {}),
      ...(credit.status === 'rejected' ? { creditSent: sentDespite(credit.reason) } : {}),
      timedOut: false,
      ...(failed ? { error: failed.reason } : {}),
    };
  };
}

async function withinBudget<T>(work: Promise<T>, budgetMs: number, sleep?: (ms: number) => Promise<void>): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = sleep
    ? sleep(budgetMs).then(() => 'timeout' as const)
    : new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), budgetMs);
      });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
