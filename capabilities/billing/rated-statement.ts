// Rated statements: a month read by the statements' reader (capabilities/statements/monthly-usage.ts) rated per
// client, as billed (the plans in force) or as a what-if (every day under one plan, optionally another price book).
import type { ClientMonth } from '../statements/monthly-usage';
import { ratedPlanOfDay } from '../statements/statement-files';
import { contractTariffs, rateMonth, type DayToRate, type Rating, type Tariff, type TariffOf } from './rating';

/** Every day of the client's month to rate, under the plans in force or, for a what-if, under `plan`. */
export function daysToRate(usage: ClientMonth, plan?: string): DayToRate[] {
  const byDay = new Map(usage.days.map((d) => [d.day, d]));
  return usage.planDays.map(({ day, plans }) => {
    const counted = byDay.get(day);
    // A day without route items (counted before route items existed) is rated on its day total.
    const routes = counted ? (counted.routes.size > 0 ? counted.routes : new Map([['', counted.total]])) : new Map();
    return { day, plan: plan ?? ratedPlanOfDay(plans), routes };
  });
}

export const rateClient = (month: string, usage: ClientMonth, tariffOf: TariffOf = contractTariffs, plan?: string): Rating =>
  rateMonth(usage.client.clientId, month, daysToRate(usage, plan), tariffOf);

/** One client's month as billed and under another plan (or price book), and the difference. */
export interface WhatIf {
  readonly clientId: string;
  readonly actual: Rating;
  readonly whatIf: Rating;
  readonly differenceMinor: number;
}

/** Re-rates every client's month under `plan` (with `prices` instead of the plan's own price book, if given). */
export function whatIf(month: string, usage: readonly ClientMonth[], plan: string, tariff?: Tariff): WhatIf[] {
  const tariffOf: TariffOf = (p) => (p === plan && tariff ? tariff : contractTariffs(p));
  return usage.map((u) => {
    const actual = rateClient(month, u);
    const other = rateClient(month, u, tariffOf, plan);
    return { clientId: u.client.clientId, actual, whatIf: other, differenceMinor: other.totalMinor - actual.totalMinor };
  });
}
