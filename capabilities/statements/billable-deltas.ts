// How a correction revision of a closed month changes billable units, per client and day, against the revision
// before it: what the billing push must send (or report) for the correction to reach the invoice. Pure.
import type { BillableDayChange, ClientStatement } from './statement-files';

/** The statements of a revision's JSON lines file (format 2: days carry billable units). */
export function statementsOfJsonl(text: string): ClientStatement[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ClientStatement);
}

const billableByDay = (statements: readonly ClientStatement[]) => {
  const days = new Map<string, number>();
  for (const s of statements) for (const d of s.days) days.set(`${s.clientId} ${d.day}`, d.total.billableUnits ?? 0);
  return days;
};

/** Every client-day whose billable units differ between `previous` and `revised`, by client then day. */
export function billableDayChanges(previous: readonly ClientStatement[], revised: readonly ClientStatement[]): BillableDayChange[] {
  const before = billableByDay(previous);
  const after = billableByDay(revised);
  const changes: BillableDayChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(key) ?? 0;
    const to = after.get(key) ?? 0;
    if (from === to) continue;
    const [clientId, day] = key.split(' ');
    changes.push({ clientId, day, from, to });
  }
  return changes.sort((a, b) => (a.clientId === b.clientId ? (a.day < b.day ? -1 : 1) : a.clientId < b.clientId ? -1 : 1));
}
