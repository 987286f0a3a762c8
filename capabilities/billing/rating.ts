// Rating: the amount due per client per month, with line items, from a month of counters and the price books
// (contracts/pricing.ts). Pure: integer minor units throughout (BigInt where a product could pass 2^53), no clocks.
import { billableUnits, PRICING, type BillableRule, type OutcomeUnits, type PriceBook } from '../../contracts/pricing';

/** What a plan costs: which units are billable and at what price. */
export interface Tariff {
  readonly billable: BillableRule;
  readonly prices: PriceBook;
}

/** The tariff of a plan; throws on a plan with none. */
export type TariffOf = (plan: string) => Tariff;

export const contractTariffs: TariffOf = (plan) => {
  const tariff = (PRICING as Record<string, Tariff>)[plan];
  if (!tariff) throw new Error(`no price book for plan ${JSON.stringify(plan)}`);
  return tariff;
};

/** One day to rate: the plan rated (the last in force that day) and the day's route counters. */
export interface DayToRate {
  readonly day: string;
  readonly plan: string;
  readonly routes: ReadonlyMap<string, OutcomeUnits>;
}

export interface LineItem {
  readonly kind: 'fee' | 'included' | 'tier';
  readonly plan: string;
  /** The period of the plan this line belongs to (UTC days, both included). */
  readonly from: string;
  readonly to: string;
  readonly description: string;
  readonly units: number;
  readonly amountMinor: number;
}

export interface Rating {
  readonly clientId: string;
  readonly month: string;
  readonly currency: string;
  readonly billableUnits: number;
  readonly lines: readonly LineItem[];
  readonly totalMinor: number;
}

/** a × b / c rounded half up, exactly (BigInt), for whole a, b ≥ 0 and c ≥ 1. */
export function mulDivRound(a: number, b: number, c: number): number {
  const n = BigInt(a) * BigInt(b);
  const d = BigInt(c);
  const result = (n * 2n + d) / (d * 2n);
  if (result > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`amount too large: ${result}`);
  return Number(result);
}

/** Contiguous runs of days under one plan, in order. */
function periods(days: readonly DayToRate[]): { plan: string; days: DayToRate[] }[] {
  const runs: { plan: string; days: DayToRate[] }[] = [];
  for (const day of days) {
    const last = runs[runs.length - 1];
    if (last?.plan === day.plan) last.days.push(day);
    else runs.push({ plan: day.plan, days: [day] });
  }
  return runs;
}

/** Billable units of one day under a rule. */
export const dayBillable = (rule: BillableRule, day: DayToRate) =>
  [...day.routes].reduce((sum, [route, counts]) => sum + billableUnits(rule, route, counts), 0);

/**
 * Rates one client's month. `days` lists every day of the month (days without traffic have no routes). Each
 * contiguous period under one plan is rated on its own: its fee and included units prorated by its days over the
 * month's (fee rounded half up, included units rounded down), then the units beyond the included ones through the
 * graduated tiers (each tier's amount rounded half up).
 */
export function rateMonth(clientId: string, month: string, days: readonly DayToRate[], tariffOf: TariffOf = contractTariffs): Rating {
  const monthDays = days.length;
  const lines: LineItem[] = [];
  let currency: string | undefined;
  let billable = 0;
  for (const period of periods(days)) {
    const { billable: rule, prices } = tariffOf(period.plan);
    if (currency !== undefined && prices.currency !== currency)
      throw new Error(`plans of ${clientId} in ${month} are priced in ${currency} and ${prices.currency}: rate them apart`);
    currency = prices.currency;
    const from = period.days[0].day;
    const to = period.days[period.days.length - 1].day;
    const n = period.days.length;
    const whole = n === monthDays;
    const units = period.days.reduce((sum, day) => sum + dayBillable(rule, day), 0);
    billable += units;
    const line = (kind: LineItem['kind'], description: string, lineUnits: number, amountMinor: number) =>
      lines.push({ kind, plan: period.plan, from, to, description, units: lineUnits, amountMinor });
    const fee = mulDivRound(prices.monthlyFeeMinor, n, monthDays);
    line('fee', whole ? `${period.plan}: monthly fee` : `${period.plan}: monthly fee, ${n}/${monthDays} days`, 0, fee);
    const included = Number((BigInt(prices.includedUnits) * BigInt(n)) / BigInt(monthDays));
    const used = Math.min(units, included);
    line('included', `${period.plan}: ${used} of ${included} included units`, used, 0);
    let beyond = units - used;
    let lower = 0;
    for (const [i, tier] of prices.tiers.entries()) {
      if (beyond === 0) break;
      const size = tier.upTo === null ? beyond : Math.min(beyond, tier.upTo - lower);
      const range = tier.upTo === null ? `above ${lower}` : `${lower + 1}–${tier.upTo}`;
      line(
        'tier',
        `${period.plan}: tier ${i + 1} (${range}) at ${tier.priceMinor}/${prices.perUnits} units`,
        size,
        mulDivRound(size, tier.priceMinor, prices.perUnits),
      );
      beyond -= size;
      lower = tier.upTo ?? lower;
    }
  }
  return {
    clientId,
    month,
    currency: currency ?? 'usd',
    billableUnits: billable,
    lines,
    totalMinor: lines.reduce((sum, l) => sum + l.amountMinor, 0),
  };
}
