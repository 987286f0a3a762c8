// What a push run says about corrections: for each month the push looks at, the statement manifest's correction
// revisions checked against the push ledger (correction-delivery.ts), keeping what still needs someone: a delta
// the push has not sent yet, or one Stripe cannot take (an invoice to adjust by hand).
import { getObject } from '../archive/counter-archive';
import type { MonthSources } from '../statements/monthly-usage';
import { type StatementManifest, statementKeys } from '../statements/statement-files';
import { type CorrectionDelivery, correctionDelivery } from './correction-delivery';
import { readLedger } from './push-ledger';

export async function openCorrections(sources: MonthSources, months: readonly string[], now: Date): Promise<CorrectionDelivery[]> {
  const out: CorrectionDelivery[] = [];
  for (const month of months) {
    const body = await getObject(sources.archive, statementKeys(month).manifest);
    if (!body) continue;
    const manifest = JSON.parse(body.toString('utf8')) as StatementManifest;
    const clients = new Set((manifest.corrections ?? []).flatMap((c) => (c.billableDays ?? []).map((d) => d.clientId)));
    if (clients.size === 0) continue;
    const ledgers = new Map(await Promise.all([...clients].map(async (id) => [id, await readLedger(sources.table, id)] as const)));
    out.push(...correctionDelivery(manifest, ledgers, now).filter((d) => d.state === 'awaiting-push' || d.state === 'manual'));
  }
  return out;
}
