// Client plans, per-client overrides and prepaid credits in the simulator (issue 19). In some runs (chosen by a
// generator of their own, so the other runs keep their schedules) the run's clients are on different plans, most
// with a per-client override of their daily quota (docs/plans.md "Per-client overrides"; docs/alerts.md: a quota
// alert is measured against the override's quota), and gate-plan clients may hold prepaid credits that the run's
// requests spend, topped up before the run and maybe once during it (docs/alerts.md "Low credit balance"). Such a
// run wires the alert code as production does (functions/aggregator/handler.ts, functions/alert-sweeper/handler.ts):
// the aggregator's step looks overrides up and checks credits; the sweeper takes quotas from the client list and
// sweeps credits. Half of them also sweep twice more, later and more than an hour apart (docs/alerts.md: the
// older days at least once an hour).
import { between, chance, pick, type Random } from './random';

export type SimPlan = 'standard' | 'payg' | 'free';

export interface ClientSetup {
  readonly plan: SimPlan;
  /** The daily quota of the client's override, when it has one. */
  readonly overrideQuota?: number;
  /** Prepaid credits (gate plans only): the first top-up, before the run, and maybe one during it (ms after its start). */
  readonly credits?: { readonly initial: number; readonly topUp?: { readonly at: number; readonly units: number } };
}

export interface ClientPlans {
  readonly clients: Readonly<Record<string, ClientSetup>>;
  /** Sweeps after the chaos, ms after the run's start, more than an hour apart (empty: none). */
  readonly lateSweeps: readonly number[];
}

/** Units one event takes from a balance at admission (an event without `units` costs 1, the usage event contract). */
export const unitsOf = (event: { readonly units?: number }) => event.units ?? 1;

/**
 * The run's client setup, or undefined (in half the runs). `spent` is the units each client's requests take in
 * the run; the final balance is drawn (0, below 1,000, exactly 1,000, just above it, well above it), so a threshold
 * is crossed at the end of the run, during it, or not at all. `lastSendMs` bounds the mid-run top-up's time.
 */
export function drawClientPlans(
  random: Random,
  clientIds: readonly string[],
  spent: (clientId: string) => number,
  lastSendMs: number,
): ClientPlans | undefined {
  if (!chance(random, 0.5)) return undefined;
  const clients: Record<string, ClientSetup> = {};
  for (const clientId of clientIds) {
    const plan = pick(random, ['standard', 'payg', 'payg', 'free'] as const);
    const overrideQuota = chance(random, 0.75) ? pick(random, [2, 3, 5, 10, 40]) : undefined;
    let credits: ClientSetup['credits'];
    if (plan !== 'standard' && chance(random, 0.8)) {
      const left = pick(random, [0, between(random, 1, 999), 1_000, 1_000 + between(random, 1, 3), between(random, 1_001, 3_000)]);
      const initial = spent(clientId) + left;
      const topUp = chance(random, 0.5)
        ? {
            at: between(random, 0, lastSendMs + 2_000),
            units: pick(random, [between(random, 1, 3), between(random, 1, 1_000), between(random, 1_000, 3_000)]),
          }
        : undefined;
      if (initial >= 1) credits = { initial, ...(topUp ? { topUp } : {}) };
    }
    clients[clientId] = {
      plan,
      ...(overrideQuota !== undefined ? { overrideQuota } : {}),
      ...(credits ? { credits } : {}),
    };
  }
  const lateSweeps = chance(random, 0.5) ? [between(random, 1_200_000, 3_000_000)] : [];
  if (lateSweeps.length > 0) lateSweeps.push(lateSweeps[0] + between(random, 3_600_001, 5_400_000));
  return { clients, lateSweeps };
}
