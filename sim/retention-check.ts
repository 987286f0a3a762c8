// Claims and journals expire with the claim retention, no sooner and no later (capabilities/counting/PROTOCOL.md:
// they must outlive every copy of an event that can still be counted, or a late copy counts twice; and DynamoDB TTL
// is what keeps the table from growing with every request). Every claim entry, journal head and body, and
// pending-journal entry must carry its TTL (`expiresAt`, epoch seconds) set to the claim retention past the moment
// it was written by its writer's clock: between the run's start and now, each clock off by at most the run's skew.
import { ITEM_FAMILIES, TABLE_KEYS } from '../contracts/table';

export interface RetentionBounds {
  /** Virtual ms: no item was written before this (the run's start) or after `until` (now). */
  readonly from: number;
  readonly until: number;
  readonly retentionSeconds: number;
  /** Any container's clock is off by at most this much, ms. */
  readonly skewMs: number;
}

export function checkRetention(items: Iterable<Record<string, unknown>>, bounds: RetentionBounds): string[] {
  const earliest = Math.floor((bounds.from - bounds.skewMs) / 1000) + bounds.retentionSeconds;
  const latest = Math.floor((bounds.until + bounds.skewMs) / 1000) + bounds.retentionSeconds;
  const found: string[] = [];
  for (const item of items) {
    const pk = String(item[TABLE_KEYS.partitionKey]);
    if (!pk.startsWith(ITEM_FAMILIES.claims.prefix) && !pk.startsWith(ITEM_FAMILIES.journals.prefix)) continue;
    const ttl = item[TABLE_KEYS.timeToLive];
    if (typeof ttl !== 'number' || ttl < earliest || ttl > latest) {
      found.push(
        `${pk}/${String(item[TABLE_KEYS.sortKey])} expires at ${String(ttl)}, not within ${earliest}..${latest} (claim retention past its write)`,
      );
    }
  }
  return found;
}
