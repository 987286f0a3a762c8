// A month's statement as files: CSV and JSON lines (one line per client), Stripe billing meter events,
// and a manifest. Pure and deterministic: the same usage gives the same bytes (no clocks, sorted keys).
import { createHash } from 'node:crypto';
import { BILLING } from '../../contracts/billing';
import { billableRuleOf, billableUnits } from '../../contracts/pricing';
import { dayStartMs } from '../usage/calendar-days';
import type { CounterValues } from '../usage/counters';
import type { ClientMonth } from './monthly-usage';

/**
 * Requests by status class. Counters keep 4xx and 5xx; the rest (2xx and 3xx) is `ok`. Beside them, the units of
 * all requests and the billable units (contracts/pricing.ts: the plan's billable routes × outcomes).
 */
export interface StatusClasses {
  readonly requests: number;
  readonly ok: number;
  readonly clientErrors: number;
  readonly serverErrors: number;
  readonly units: number;
  readonly billableUnits: number;
}

const classes = (c: CounterValues, billable: number): StatusClasses => ({
  requests: c.requests,
  ok: c.requests - c.clientErrors - c.serverErrors,
  clientErrors: c.clientErrors,
  serverErrors: c.serverErrors,
  units: c.units,
  billableUnits: billable,
});

const add = (a: StatusClasses, b: StatusClasses): StatusClasses => ({
  requests: a.requests + b.requests,
  ok: a.ok + b.ok,
  clientErrors: a.clientErrors + b.clientErrors,
  serverErrors: a.serverErrors + b.serverErrors,
  units: a.units + b.units,
  billableUnits: a.billableUnits + b.billableUnits,
});

const ZERO: StatusClasses = { requests: 0, ok: 0, clientErrors: 0, serverErrors: 0, units: 0, billableUnits: 0 };

/**
 * The plan whose billable rule prices a day: the last plan in force that day (on the day of a change, the plan
 * changed to). Shared with the rating (capabilities/billing), so a statement and its rating agree.
 */
export const ratedPlanOfDay = (plans: readonly string[]) => plans[plans.length - 1];

/** Billable units of one day's route counters under the rule of the day's rated plan. */
export function dayBillableUnits(routes: ReadonlyMap<string, CounterValues>, plans: readonly string[]): Map<string, number> {
  const rule = billableRuleOf(ratedPlanOfDay(plans));
  return new Map([...routes].map(([route, c]) => [route, billableUnits(rule, route, c)]));
}
const byKey = <T>(entries: Iterable<[string, T]>) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** One client's statement of one month; the shape of a JSON line. */
export interface ClientStatement {
  readonly month: string;
  readonly clientId: string;
  /** Plans in force, each with the first and last day it was in force on a day with usage. */
  readonly plans: readonly { readonly plan: string; readonly from: string; readonly to: string }[];
  readonly total: StatusClasses;
  readonly routes: Record<string, StatusClasses>;
  readonly days: readonly {
    readonly day: string;
    /** The plans in force that day joined with `|`, in order (`standard|premium` on the day of a change). */
    readonly plan: string;
    readonly total: StatusClasses;
    readonly routes: Record<string, StatusClasses>;
  }[];
}

export function clientStatement(month: string, usage: ClientMonth): ClientStatement {
  let total = ZERO;
  const routes = new Map<string, StatusClasses>();
  const plans: { plan: string; from: string; to: string }[] = [];
  const days = usage.days.map((d) => {
    for (const plan of d.plans) {
      const last = plans[plans.length - 1];
      if (last?.plan === plan) last.to = d.day;
      else plans.push({ plan, from: d.day, to: d.day });
    }
    const billable = dayBillableUnits(d.routes, d.plans);
    const dayRoutes = byKey([...d.routes].map(([route, c]) => [route, classes(c, billable.get(route) ?? 0)] as [string, StatusClasses]));
    for (const [route, c] of dayRoutes) routes.set(route, add(routes.get(route) ?? ZERO, c));
    // A day without route items (counted before route items existed) is judged by outcome on its day total.
    const dayBillable =
      d.routes.size === 0
        ? billableUnits(billableRuleOf(ratedPlanOfDay(d.plans)), '', d.total)
        : [...billable.values()].reduce((a, b) => a + b, 0);
    const dayTotal = classes(d.total, dayBillable);
    total = add(total, dayTotal);
    return { day: d.day, plan: d.plans.join('|'), total: dayTotal, routes: Object.fromEntries(dayRoutes) };
  });
  return { month, clientId: usage.client.clientId, plans, total, routes: Object.fromEntries(byKey(routes)), days };
}

/**
 * The statement files' format: 1 (before units were counted) had no `units` and `billable_units`; 2 has them. A month
 * closed in format 1 keeps it for its corrections, so a closed month is never revised for its format alone.
 */
export type StatementFormat = 1 | 2;
export const STATEMENT_FORMAT: StatementFormat = 2;

const CSV_HEADER_V1 = ['month', 'client_id', 'day', 'plan', 'route', 'requests', 'status_2xx_3xx', 'status_4xx', 'status_5xx'];
export const CSV_HEADER = [...CSV_HEADER_V1, 'units', 'billable_units'];
/** `day` and `route` of the total rows. */
export const ALL = 'ALL';

const csvField = (value: string | number) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const csvRow = (fields: (string | number)[]) => fields.map(csvField).join(',');

/** Per client: each day's routes then the day's total (route ALL), then the month per route and in total (day ALL). */
export function statementCsv(statements: readonly ClientStatement[], format: StatementFormat = STATEMENT_FORMAT): string {
  const counts = (c: StatusClasses) =>
    format === 1
      ? [c.requests, c.ok, c.clientErrors, c.serverErrors]
      : [c.requests, c.ok, c.clientErrors, c.serverErrors, c.units, c.billableUnits];
  const lines = [(format === 1 ? CSV_HEADER_V1 : CSV_HEADER).join(',')];
  for (const s of statements) {
    for (const d of s.days) {
      for (const [route, c] of Object.entries(d.routes)) lines.push(csvRow([s.month, s.clientId, d.day, d.plan, route, ...counts(c)]));
      lines.push(csvRow([s.month, s.clientId, d.day, d.plan, ALL, ...counts(d.total)]));
    }
    const plans = s.plans.map((p) => p.plan).join('|');
    for (const [route, c] of Object.entries(s.routes)) lines.push(csvRow([s.month, s.clientId, ALL, plans, route, ...counts(c)]));
    lines.push(csvRow([s.month, s.clientId, ALL, plans, ALL, ...counts(s.total)]));
  }
  return `${lines.join('\n')}\n`;
}

/** A statement in format 1: the status classes without units. */
function formatOne(s: ClientStatement) {
  const v1 = ({ requests, ok, clientErrors, serverErrors }: StatusClasses) => ({ requests, ok, clientErrors, serverErrors });
  const routes = (r: Record<string, StatusClasses>) => Object.fromEntries(Object.entries(r).map(([k, c]) => [k, v1(c)]));
  return {
    ...s,
    total: v1(s.total),
    routes: routes(s.routes),
    days: s.days.map((d) => ({ ...d, total: v1(d.total), routes: routes(d.routes) })),
  };
}

export function statementJsonl(statements: readonly ClientStatement[], format: StatementFormat = STATEMENT_FORMAT): string {
  return statements.map((s) => `${JSON.stringify(format === 1 ? formatOne(s) : s)}\n`).join('');
}

/** A Stripe billing meter event as its API takes it (POST /v1/billing/meter_events), one per client and day: its billable units. */
export interface MeterEvent {
  readonly event_name: string;
  /** Stripe drops a second event with the same identifier, so a resent file is not billed twice. */
  readonly identifier: string;
  /** Seconds since the epoch: 00:00 UTC of the day. */
  readonly timestamp: number;
  readonly payload: { readonly stripe_customer_id: string; readonly value: string };
}

export interface StripeExport {
  readonly events: readonly MeterEvent[];
  /** Clients with usage but no Stripe customer attribute: not in the file. */
  readonly unmapped: readonly string[];
}

export function meterEvents(statements: readonly ClientStatement[], usage: readonly ClientMonth[]): StripeExport {
  const { eventName, customerAttribute } = BILLING.stripe;
  const customers = new Map(usage.map((u) => [u.client.clientId, u.client[customerAttribute]]));
  const events: MeterEvent[] = [];
  const unmapped: string[] = [];
  for (const s of statements) {
    const customer = customers.get(s.clientId);
    if (typeof customer !== 'string' || customer === '') {
      if (s.total.billableUnits > 0) unmapped.push(s.clientId);
      continue;
    }
    for (const d of s.days) {
      if (d.total.billableUnits === 0) continue;
      events.push({
        event_name: eventName,
        identifier: `${s.clientId}_${d.day}_${eventName}`,
        timestamp: dayStartMs(d.day) / 1000,
        payload: { stripe_customer_id: customer, value: String(d.total.billableUnits) },
      });
    }
  }
  return { events, unmapped };
}

export const meterEventsJsonl = (events: readonly MeterEvent[]) => events.map((e) => `${JSON.stringify(e)}\n`).join('');

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Object keys of a month's statement files. */
export const statementKeys = (month: string, revision = 1) => {
  const prefix = `${BILLING.statementPrefix}/month=${month}`;
  // Revision 1 is the statement as closed; a recorded correction adds revision 2, 3, … beside it.
  const name = revision === 1 ? 'statement' : `statement.r${revision}`;
  return { csv: `${prefix}/${name}.csv`, jsonl: `${prefix}/${name}.jsonl`, manifest: `${prefix}/manifest.json` };
};

/** One client-day a correction changed: its billable units before (`from`) and in the correction (`to`). */
export interface BillableDayChange {
  readonly clientId: string;
  readonly day: string;
  readonly from: number;
  readonly to: number;
}

/** A correction of a closed month: the whole statement again, as revision N, with why it differs. */
export interface StatementCorrection {
  readonly revision: number;
  readonly reason: string;
  readonly clients: number;
  readonly requests: number;
  /** Requests of this revision minus those of the one before it. */
  readonly requestsDelta: number;
  /** Format 2: billable units of this revision, and minus those of the one before it (what a delta push sends). */
  readonly billableUnits?: number;
  readonly billableUnitsDelta?: number;
  /**
   * Format 2: every client-day whose billable units this revision changed (billable-deltas.ts), what the billing push
   * sends as one delta each (capabilities/billing/correction-delivery.ts says whether it reached the provider).
   */
  readonly billableDays?: readonly BillableDayChange[];
  readonly files: readonly { readonly key: string; readonly bytes: number; readonly sha256: string }[];
}

export interface StatementManifest {
  readonly version: 1;
  /** The files' format (absent: 1, the statements closed before units were counted). */
  readonly format?: 2;
  /** Billable units of all clients (format 2). */
  readonly billableUnits?: number;
  readonly month: string;
  /** `open` while any day may still receive late usage; `closed` statements are final. */
  readonly status: 'open' | 'closed';
  readonly openDays: readonly string[];
  readonly clients: number;
  readonly requests: number;
  readonly files: readonly { readonly key: string; readonly bytes: number; readonly sha256: string }[];
  /** Recorded corrections of the closed month, oldest first; the files above stay as they were closed. */
  readonly corrections?: readonly StatementCorrection[];
}

export interface StatementFiles {
  readonly manifest: StatementManifest;
  readonly objects: readonly { readonly key: string; readonly body: Buffer; readonly contentType: string }[];
}

export function statementFiles(
  month: string,
  statements: readonly ClientStatement[],
  openDays: readonly string[],
  revision = 1,
  format: StatementFormat = STATEMENT_FORMAT,
): StatementFiles {
  const keys = statementKeys(month, revision);
  const data = [
    { key: keys.csv, body: Buffer.from(statementCsv(statements, format)), contentType: 'text/csv' },
    { key: keys.jsonl, body: Buffer.from(statementJsonl(statements, format)), contentType: 'application/x-ndjson' },
  ];
  const manifest: StatementManifest = {
    version: 1,
    ...(format === 2 ? { format, billableUnits: statements.reduce((sum, s) => sum + s.total.billableUnits, 0) } : {}),
    month,
    status: openDays.length > 0 ? 'open' : 'closed',
    openDays,
    clients: statements.length,
    requests: statements.reduce((sum, s) => sum + s.total.requests, 0),
    files: data.map((o) => ({ key: o.key, bytes: o.body.length, sha256: sha256(o.body) })),
  };
  const manifestObject = {
    key: keys.manifest,
    body: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    contentType: 'application/json',
  };
  return { manifest, objects: [...data, manifestObject] };
}
