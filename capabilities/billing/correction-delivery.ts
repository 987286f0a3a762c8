// Whether each correction of a closed month reached the billing provider: per client-day the correction changed
// (the statement manifest's `billableDays`), the push ledger against the correction's billable units. Pure; the
// push sends each such difference once, as one delta under a new identifier (push.ts), and this says where it stands.
import type { StatementManifest } from '../statements/statement-files';
import { dayStartMs } from '../usage/calendar-days';
import { PROVIDER_WINDOW_MS } from './push';
import type { LedgerDay } from './push-ledger';

/**
 * `delivered`: the provider has the correction's units for the day (`identifier`: the ledger record that completed
 * it); `awaiting-push`: the next push sends `delta`; `manual`: the provider cannot take it (past its 35-day window,
 * or fewer units than already sent): adjust the invoice by hand; `superseded`: a later correction changed the day again.
 */
export type CorrectionDeliveryState = 'delivered' | 'awaiting-push' | 'manual' | 'superseded';

export interface CorrectionDelivery {
  readonly month: string;
  readonly revision: number;
  readonly clientId: string;
  readonly day: string;
  /** Billable units of the day in this revision. */
  readonly units: number;
  readonly state: CorrectionDeliveryState;
  /** Units still to send (negative: to take back by hand); 0 when delivered or superseded. */
  readonly delta: number;
  readonly identifier?: string;
  readonly reason?: string;
}

/** Ledger days of each client the manifest's corrections name (readLedger per client). */
export type LedgersByClient = ReadonlyMap<string, ReadonlyMap<string, LedgerDay>>;

export function correctionDelivery(manifest: StatementManifest, ledgers: LedgersByClient, now: Date): CorrectionDelivery[] {
  const corrections = manifest.corrections ?? [];
  const lastRevisionOf = new Map<string, number>();
  for (const c of corrections) for (const d of c.billableDays ?? []) lastRevisionOf.set(`${d.clientId} ${d.day}`, c.revision);
  const out: CorrectionDelivery[] = [];
  for (const c of corrections) {
    for (const change of c.billableDays ?? []) {
      const base = { month: manifest.month, revision: c.revision, clientId: change.clientId, day: change.day, units: change.to };
      if (lastRevisionOf.get(`${change.clientId} ${change.day}`) !== c.revision) {
        out.push({ ...base, state: 'superseded', delta: 0 });
        continue;
      }
      const ledger = ledgers.get(change.clientId)?.get(change.day);
      const sent = ledger?.sent ?? 0;
      const delta = change.to - sent;
      if (delta === 0 && !ledger?.pending) {
        const identifier = ledger?.records.filter((r) => r.answer && !/^refused|^absent/.test(r.answer)).at(-1)?.identifier;
        out.push({ ...base, state: 'delivered', delta: 0, ...(identifier ? { identifier } : {}) });
      } else if (delta < 0) {
        out.push({ ...base, state: 'manual', delta, reason: `the provider has ${sent} units for the day, the correction ${change.to}` });
      } else if (dayStartMs(change.day) < now.getTime() - PROVIDER_WINDOW_MS) {
        out.push({ ...base, state: 'manual', delta, reason: 'past the provider’s 35-day window: adjust the invoice by hand' });
      } else {
        out.push({ ...base, state: 'awaiting-push', delta, ...(ledger?.pending ? { identifier: ledger.pending.identifier } : {}) });
      }
    }
  }
  return out;
}
