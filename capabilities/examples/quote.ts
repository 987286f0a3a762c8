// Example use case of POST /v1/quotes: prices a basket. Replace with your own routes.
import { createHash } from 'node:crypto';
import type { QuoteRequest } from '../../contracts/routes/quotes';

/** Minor units per major unit of each currency (JPY has none). */
const MINOR_UNITS: Record<QuoteRequest['currency'], number> = { USD: 100, EUR: 100, GBP: 100, JPY: 1, CHF: 100, CAD: 100, AUD: 100 };

/** A deterministic demo price per SKU, in minor units: the same SKU always costs the same. */
function unitPriceMinor(sku: string, currency: QuoteRequest['currency']): number {
  const digest = createHash('sha256').update(sku).digest();
  const base = 100 + (digest.readUInt32BE(0) % 9_900); // 1.00 .. 99.99 in a 100-minor-unit currency
  return MINOR_UNITS[currency] === 1 ? Math.round(base * 1.5) : base;
}

export interface Quote {
  currency: QuoteRequest['currency'];
  lines: { sku: string; quantity: number; unitPrice: number; lineTotal: number }[];
  total: number;
}

export function quote(request: QuoteRequest): Quote {
  const minor = MINOR_UNITS[request.currency];
  const lines = request.items.map(({ sku, quantity }) => {
    const unit = unitPriceMinor(sku, request.currency);
    return { sku, quantity, unitPrice: unit / minor, lineTotal: (unit * quantity) / minor };
  });
  const totalMinor = request.items.reduce((sum, { sku, quantity }) => sum + unitPriceMinor(sku, request.currency) * quantity, 0);
  return { currency: request.currency, lines, total: totalMinor / minor };
}
