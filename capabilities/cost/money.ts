// Money for the cost model: integer pico-dollars (bigint), so a bill of any size adds up exactly, line by line.
import type { Price } from '../../contracts/aws-prices';

/** Pico-dollars (10⁻¹² USD). */
export type Pico = bigint;

const PICO_PER_USD = 1_000_000_000_000n;
/** Quantities are fixed-point with six decimals before they meet a price. */
const QUANTITY_SCALE = 1_000_000;

/** `'3.50'` → 3,500,000,000,000 pico-dollars, exactly (no floating point). */
export function usdToPico(usd: string): Pico {
  const match = /^(\d+)(?:\.(\d{1,12}))?$/.exec(usd);
  if (!match) throw new Error(`a price must be a decimal amount of dollars, got ${JSON.stringify(usd)}`);
  return BigInt(match[1]) * PICO_PER_USD + BigInt((match[2] ?? '').padEnd(12, '0'));
}

/** a / b rounded half up, both non-negative. */
function divideRounded(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (2n * b);
}

function scaled(quantity: number): bigint {
  if (!Number.isFinite(quantity) || quantity < 0) throw new Error(`a quantity must be a finite number ≥ 0, got ${quantity}`);
  return BigInt(Math.round(quantity * QUANTITY_SCALE));
}

/** What `quantity` units cost at `usd` per `per` units, rounded once to the pico-dollar. */
function costAt(usd: string, per: number, quantity: bigint): Pico {
  return divideRounded(quantity * usdToPico(usd), BigInt(per) * BigInt(QUANTITY_SCALE));
}

/** What `quantity` units of a meter cost in one month, following its volume tiers if it has any. */
export function costOf(price: Price, quantity: number): Pico {
  const total = scaled(quantity);
  if (!price.tiers) return costAt(price.usd, price.per, total);
  let cost = 0n;
  let below = 0n;
  for (const tier of price.tiers) {
    const upTo = tier.upTo === undefined ? total : scaled(tier.upTo);
    const inTier = (total < upTo ? total : upTo) - below;
    if (inTier <= 0n) break;
    cost += costAt(tier.usd, price.per, inTier);
    below += inTier;
  }
  return cost;
}

/** Sum of costs, exact. */
export function sum(costs: Iterable<Pico>): Pico {
  let total = 0n;
  for (const cost of costs) total += cost;
  return total;
}

/** A monthly cost per million of `requests`, exact to the pico-dollar (rounded half up). */
export function perMillion(cost: Pico, requests: number): Pico {
  if (!Number.isInteger(requests) || requests <= 0) throw new Error(`requests must be a whole number above 0, got ${requests}`);
  return divideRounded(cost * 1_000_000n, BigInt(requests));
}

/** `$1,234.5678` with `decimals` places (rounded half up); never through a float. */
export function formatUsd(cost: Pico, decimals = 2): string {
  const unit = 10n ** BigInt(12 - decimals);
  const rounded = divideRounded(cost, unit);
  const whole = (rounded / 10n ** BigInt(decimals)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = decimals > 0 ? `.${(rounded % 10n ** BigInt(decimals)).toString().padStart(decimals, '0')}` : '';
  return `$${whole}${fraction}`;
}
