// The stale reads knob, from a generator of its own (seed × 104,395,301 + 79, so runs without it keep their
// schedules): in about one run of two, DynamoDB answers each read that does not carry `ConsistentRead: true` (Get,
// Query, each key of a BatchGet) from a replica up to `maxLagMs` behind, as real DynamoDB serves an eventually
// consistent read (typically within a second of the write). The lag of each read comes from the same generator.
// sim/table-model.ts keeps each item's versions of the last max lag to answer such reads; consistent reads, writes
// and conditions stay exact.
import { between, chance, type Random, seededRandom } from './random';

/** The virtual clock, the bound on a replica's lag, and each eventually consistent read's lag (ms). */
export interface StaleReadOptions {
  readonly now: () => number;
  readonly maxLagMs: number;
  readonly lagMs: () => number;
}

export interface StaleReads {
  /** A replica is at most this far behind (ms). */
  readonly maxLagMs: number;
  /** Draws one read's lag, 0 to maxLagMs. */
  readonly lagMs: () => number;
}

/** The knob, in about one run of two: a bound of 100 ms to 1 s, and each read's lag drawn up to it. */
export function drawStaleReads(seed: number): StaleReads | undefined {
  const random: Random = seededRandom((seed * 104_395_301 + 79) >>> 0);
  if (!chance(random, 0.5)) return undefined;
  const maxLagMs = between(random, 100, 1_000);
  return { maxLagMs, lagMs: () => between(random, 0, maxLagMs) };
}
