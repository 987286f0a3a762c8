// Prepaid credit balances in the simulator: the gate's take of each admitted request's units from the balance on
// the client's gate item (modelled: one conditional ADD, as capabilities/gate/admission.ts writes it, at the
// request's send), and top-ups through the real `topUpCredits` (capabilities/gate/credits.ts), neither under faults
// (they are the route chain's and the operator's, not the code under test). It keeps the oracle's own record of
// every balance a client had and of each threshold's top-up cycle, counted here from the documented rule
// (docs/alerts.md "Low credit balance": a cycle is how many top-ups left the balance above the threshold), never
// read from the table.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { topUpCredits } from '../capabilities/gate/credits';
import { ALL_CREDIT_ALERT_THRESHOLDS, DEFAULT_CREDIT_ALERT_THRESHOLDS, PLANS, type PlanName } from '../contracts/plans';
import { GATE_ATTRIBUTES, itemKey } from '../contracts/table';
import type { SimStore } from './store';

/** One state of a client's balance: from `at` on, until the next one. */
export interface BalanceState {
  readonly at: number;
  readonly balance: number;
  /** Each threshold's top-up cycle (every plan's thresholds: a top-up re-arms them all). */
  readonly cycles: Readonly<Record<number, number>>;
}

/** The low-balance thresholds of a plan as its config sets them (contracts/plans.ts), read here without the alert code. */
export function thresholdsOf(plan: string): readonly number[] {
  const definition = PLANS[plan as PlanName] as { creditAlertThresholds?: readonly number[] } | undefined;
  return definition ? (definition.creditAlertThresholds ?? DEFAULT_CREDIT_ALERT_THRESHOLDS) : [];
}

export class CreditLedger {
  /** Every state of each credit-holding client's balance, oldest first. */
  readonly history = new Map<string, BalanceState[]>();
  /** Top-ups whose answer disagreed with the oracle's own balance (a modelling error, reported as a violation). */
  readonly problems: string[] = [];
  private topUps = 0;

  constructor(
    private readonly store: SimStore,
    private readonly tableName: string,
    private readonly now: () => number,
  ) {}

  /** The client's balance now (undefined: it holds no credits). */
  current(clientId: string): BalanceState | undefined {
    const states = this.history.get(clientId);
    return states?.[states.length - 1];
  }

  /** A top-up by the operator, through the production code, straight to the table. */
  async topUp(clientId: string, units: number): Promise<void> {
    const before = this.current(clientId);
    const db = { send: async (command: object) => this.store.execute(command) };
    const { balance } = await topUpCredits(
      { db: db as never, tableName: this.tableName },
      {
        clientId,
        units,
        by: 'sim',
        now: new Date(this.now()),
        topUpId: `sim-${++this.topUps}`,
      },
    );
    const expected = (before?.balance ?? 0) + units;
    if (balance !== expected) this.problems.push(`a top-up of ${units} for ${clientId} answered ${balance}, not ${expected}`);
    const cycles: Record<number, number> = { ...(before?.cycles ?? {}) };
    for (const threshold of ALL_CREDIT_ALERT_THRESHOLDS) {
      if (expected > threshold) cycles[threshold] = (cycles[threshold] ?? 0) + 1;
    }
    this.record(clientId, { at: this.now(), balance: expected, cycles });
  }

  /** The gate admits one request of a credit-holding client: its units leave the balance (the run never overspends). */
  take(clientId: string, units: number): void {
    const before = this.current(clientId);
    if (!before || units === 0) return;
    this.store.execute(
      new UpdateCommand({
        TableName: this.tableName,
        Key: itemKey.gate(clientId),
        UpdateExpression: 'ADD #cr :spend',
        ConditionExpression: '#cr >= :u',
        ExpressionAttributeNames: { '#cr': GATE_ATTRIBUTES.credits },
        ExpressionAttributeValues: { ':spend': -units, ':u': units },
      }),
    );
    this.record(clientId, { at: this.now(), balance: before.balance - units, cycles: before.cycles });
  }

  private record(clientId: string, state: BalanceState): void {
    this.history.set(clientId, [...(this.history.get(clientId) ?? []), state]);
  }
}
