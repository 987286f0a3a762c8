// The billing push: each client-day's billable units to the billing provider once, as soon as the day is settled.
// Per client-day the ledger (push-ledger.ts) holds what the provider confirmed; a push sends only the difference
// (a late event: one delta under a new identifier), resolves a record of unknown outcome by reading back what the
// provider recorded (never a blind resend), and reports, without sending, what the provider's 35-day window refuses.
// Run twice, or killed anywhere and rerun, it sends nothing more (docs/billing.md "Pushing to Stripe").
import { BILLING } from '../../contracts/billing';
import { COUNTERS_FINAL_AFTER_DAYS } from '../../contracts/usage-queue';
import { readMonth, type MonthSources } from '../statements/monthly-usage';
import { monthOf } from '../statements/months';
import { clientStatement } from '../statements/statement-files';
import { addDays, dayStartMs, utcDay } from '../usage/calendar-days';
import { type BillingProvider, UnknownOutcomeError } from './provider';
import { confirmRecord, dropRecord, type LedgerDay, type LedgerRecord, readLedger, startRecord } from './push-ledger';

/** Stripe accepts meter events "within the past 35 calendar days"; an hour of margin for a slow run. */
export const PROVIDER_WINDOW_MS = 35 * 86_400_000 - 3_600_000;
/** Stripe enforces an identifier's uniqueness "within a rolling period of at least 24 hours": resend the same one only well inside it. */
export const SAME_IDENTIFIER_FOR_MS = 12 * 3_600_000;

export interface PushDeps extends MonthSources {
  readonly provider: BillingProvider;
  readonly now: Date;
  /** Pause before resending a rate-limited record. @default 1000 ms */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Only this settled day (YYYY-MM-DD). @default every settled day of the push range */
  readonly day?: string;
  /**
   * Report what would be sent, write and send nothing: `sent` lists the records a push would start, `unknown` the
   * pending ones it would resolve by reading back (the provider is not called at all).
   */
  readonly dryRun?: boolean;
}

export interface PushReport {
  /** Records the provider accepted in this run. */
  readonly sent: { clientId: string; day: string; identifier: string; value: number }[];
  /** Pending records of an earlier run, resolved by reading back (`found`, or `absent` then sent again). */
  readonly resolved: { clientId: string; day: string; identifier: string; outcome: 'found' | 'absent' }[];
  /** Records whose outcome is unknown now (resolved by the next push). */
  readonly unknown: { clientId: string; day: string; identifier: string }[];
  /** Differences the provider cannot take: past its 35-day window, or negative. Adjust these by hand. */
  readonly refused: { clientId: string; day: string; delta: number; reason: string }[];
  /** Clients with billable units and no Stripe customer. */
  readonly unmapped: string[];
  /** Client-days looked at whose units the provider already has (nothing to do). */
  readonly unchanged: { clientId: string; day: string }[];
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const identifierOf = (clientId: string, day: string, seq: number) => `${clientId}_${day}_${seq}`;

/** A record's number within its client-day: 1 for the day's first send, more for a delta (late usage). */
export const recordSeq = (identifier: string): number => Number(identifier.slice(identifier.lastIndexOf('_') + 1));

/** The settled days a push looks at: from the oldest whose counters can still change, to the newest settled one. */
export function pushRange(now: Date): { from: string; to: string } {
  const today = utcDay(now);
  return { from: addDays(today, -COUNTERS_FINAL_AFTER_DAYS), to: addDays(today, -BILLING.settleDays - 1) };
}

export async function pushBillableUnits(deps: PushDeps): Promise<PushReport> {
  const report: PushReport = { sent: [], resolved: [], unknown: [], refused: [], unmapped: [], unchanged: [] };
  const range = pushRange(deps.now);
  if (deps.day !== undefined && (deps.day < range.from || deps.day > range.to))
    throw new RangeError(`${deps.day} is not a settled day the push looks at (${range.from} to ${range.to})`);
  const { from, to } = deps.day === undefined ? range : { from: deps.day, to: deps.day };
  const months: string[] = [];
  for (let m = monthOf(from); m <= monthOf(to); m = monthOf(addDays(`${m}-28`, 4))) months.push(m);
  // Billable units per client and day, from the statements' reader (the counters' production reader).
  const billable = new Map<string, { customer: unknown; days: Map<string, number> }>();
  for (const month of months) {
    for (const usage of await readMonth(deps, month)) {
      const entry = billable.get(usage.client.clientId) ?? { customer: usage.client[BILLING.stripe.customerAttribute], days: new Map() };
      for (const d of clientStatement(month, usage).days) if (d.day >= from && d.day <= to) entry.days.set(d.day, d.total.billableUnits);
      billable.set(usage.client.clientId, entry);
    }
  }
  for (const [clientId, { customer, days }] of billable) {
    if (typeof customer !== 'string' || customer === '') {
      if ([...days.values()].some((units) => units > 0)) report.unmapped.push(clientId);
      continue;
    }
    const ledger = await readLedger(deps.table, clientId);
    for (const [day, units] of [...days].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await pushDay(deps, report, { clientId, day, customer, units, ledger: ledger.get(day) });
    }
  }
  return report;
}

interface DayWork {
  readonly clientId: string;
  readonly day: string;
  readonly customer: string;
  readonly units: number;
  readonly ledger: LedgerDay | undefined;
}

async function pushDay(deps: PushDeps, report: PushReport, work: DayWork): Promise<void> {
  const { clientId, day } = work;
  let ledger = work.ledger;
  const timestamp = dayStartMs(day) / 1000;
  if (ledger?.pending && deps.dryRun) {
    report.unknown.push({ clientId, day, identifier: ledger.pending.identifier });
    return;
  }
  if (ledger?.pending) {
    const pending = ledger.pending;
    const recorded = await deps.provider.recordedBetween(ledger.customer, timestamp, timestamp + 86_400);
    if (recorded === ledger.sent + pending.value) {
      await confirmRecord(deps.table, clientId, day, pending, 'found');
      report.resolved.push({ clientId, day, identifier: pending.identifier, outcome: 'found' });
      ledger = { ...ledger, sent: ledger.sent + pending.value, pending: undefined };
    } else if (recorded !== ledger.sent) {
      report.refused.push({
        clientId,
        day,
        delta: work.units - ledger.sent,
        reason: `the provider has ${recorded} for the day, the ledger ${ledger.sent} (+${pending.value} pending): check by hand`,
      });
      return;
    } else {
      // Not there. Inside the identifier window the same identifier is resent (the provider drops it if it did land
      // after all); past it, the record is dropped and the difference goes out under a new identifier below.
      report.resolved.push({ clientId, day, identifier: pending.identifier, outcome: 'absent' });
      if (deps.now.getTime() - Date.parse(pending.at) < SAME_IDENTIFIER_FOR_MS && pending.value === work.units - ledger.sent) {
        await send(deps, report, work, pending);
        return;
      }
      await dropRecord(deps.table, clientId, day, pending, 'absent');
      ledger = { ...ledger, pending: undefined };
    }
  }
  const sent = ledger?.sent ?? 0;
  const delta = work.units - sent;
  if (delta === 0) {
    report.unchanged.push({ clientId, day });
    return;
  }
  if (delta < 0) {
    report.refused.push({
      clientId,
      day,
      delta,
      reason: `billable units fell from ${sent} to ${work.units}: a meter event adjustment by hand`,
    });
    return;
  }
  if (timestamp * 1000 < deps.now.getTime() - PROVIDER_WINDOW_MS) {
    report.refused.push({
      clientId,
      day,
      delta,
      reason: 'past the provider’s 35-day window for usage records: adjust the invoice by hand',
    });
    return;
  }
  const record: LedgerRecord = {
    identifier: identifierOf(clientId, day, (ledger?.seq ?? 0) + 1),
    value: delta,
    at: deps.now.toISOString(),
  };
  if (deps.dryRun) {
    report.sent.push({ clientId, day, identifier: record.identifier, value: record.value });
    return;
  }
  // A day Stripe already has units of stays with that customer; a day with none yet goes to the client's current one
  // (a client mapped anew after a refusal for an unknown customer).
  const customer = ledger && ledger.sent > 0 ? ledger.customer : work.customer;
  await startRecord(deps.table, ledger, { clientId, day, customer }, record);
  await send(deps, report, { ...work, ledger: ledger && { ...ledger, customer } }, record);
}

async function send(deps: PushDeps, report: PushReport, work: DayWork, record: LedgerRecord): Promise<void> {
  const { clientId, day } = work;
  const customer = work.ledger?.customer ?? work.customer;
  for (let attempt = 1; ; attempt++) {
    let answer: Awaited<ReturnType<BillingProvider['send']>>;
    try {
      answer = await deps.provider.send({
        identifier: record.identifier,
        customer,
        value: record.value,
        timestamp: dayStartMs(day) / 1000,
      });
    } catch (error) {
      if (!(error instanceof UnknownOutcomeError)) throw error;
      // Left pending: the next push reads back what the provider has and decides.
      report.unknown.push({ clientId, day, identifier: record.identifier });
      return;
    }
    if (answer.outcome === 'rate-limited' && attempt < 5) {
      // A 429 recorded nothing: waiting and sending the same record again is safe.
      await (deps.sleep ?? sleepFor)(1_000 * attempt);
      continue;
    }
    if (answer.outcome === 'rate-limited') {
      report.unknown.push({ clientId, day, identifier: record.identifier });
      return;
    }
    if (answer.outcome === 'refused') {
      await dropRecord(deps.table, clientId, day, record, `refused ${answer.status} ${answer.code}`);
      report.refused.push({ clientId, day, delta: record.value, reason: `refused by the provider: ${answer.code} ${answer.message}` });
      return;
    }
    await confirmRecord(deps.table, clientId, day, record, answer.outcome);
    report.sent.push({ clientId, day, identifier: record.identifier, value: record.value });
    return;
  }
}
