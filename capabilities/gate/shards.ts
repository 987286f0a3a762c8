// The sharded gate's arithmetic: how many items a client's gate state is split over, and each item's share of every
// limit (⌊limit/S⌋, plus one on the first limit mod S shards), so the shares of a window add up to its limit exactly
// and S items that each stay within their share never admit more than the limit together. Pure.
import type { GateLimits } from './admission';

/**
 * Admissions per second one gate item is given (DynamoDB takes about 1,000 write units per second on one item; half
 * is left for wrong guesses and refused writes, each one more write unit).
 */
export const GATE_SHARD_CAPACITY = 500;

/** The most shards a client's gate is split over: its ceiling is about MAX_GATE_SHARDS × 1,000 write units per second. */
export const MAX_GATE_SHARDS = 16;

/** S for limits: one item per GATE_SHARD_CAPACITY of the per-second limit (the burst), from 1 to MAX_GATE_SHARDS. */
export function gateShardsOf(limits: Pick<GateLimits, 'burst'>): number {
  return Math.min(MAX_GATE_SHARDS, Math.max(1, Math.ceil(limits.burst / GATE_SHARD_CAPACITY)));
}

/** Shard `shard`'s share of `limit` among `shards`: the shares of 0..shards-1 add up to `limit`. */
export function shareOf(limit: number, shards: number, shard: number): number {
  return Math.floor(limit / shards) + (shard < limit % shards ? 1 : 0);
}

/** The limits shard `shard` of `shards` holds (an unlimited window stays unlimited). */
export function shardLimitsOf(limits: GateLimits, shards: number, shard: number): GateLimits {
  if (shards === 1) return limits;
  return {
    burst: shareOf(limits.burst, shards, shard),
    ratePerMinute: shareOf(limits.ratePerMinute, shards, shard),
    dailyQuota: shareOf(limits.dailyQuota, shards, shard),
    monthlyQuota: limits.monthlyQuota === null ? null : shareOf(limits.monthlyQuota, shards, shard),
  };
}

/**
 * What each of `shards` new items holds as used in one window when the client has `used` units in it (summed over its
 * old items) against `limit`: what is left (limit − used, at least 0) is split as the shares are, so each shard's
 * room is its part of what is left and the rooms add up to exactly what is left; units used beyond the limit stay
 * on shard 0, so the items still add up to `used`. An unlimited window keeps its count on shard 0.
 */
export function splitUsed(used: number, limit: number | null, shards: number): number[] {
  if (limit === null || shards === 1) return Array.from({ length: shards }, (_, i) => (i === 0 ? used : 0));
  const left = Math.max(0, limit - used);
  return Array.from(
    { length: shards },
    (_, i) => shareOf(limit, shards, i) - shareOf(left, shards, i) + (i === 0 ? Math.max(0, used - limit) : 0),
  );
}
