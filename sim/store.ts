// What the simulator needs of its DynamoDB model beyond executing commands: every item, and TTL.
import type { DynamoStore } from './faulty-dynamo';
import type { StaleReadOptions } from './stale-reads';

export interface SimStore extends DynamoStore {
  /** Every item of the table, as plain values. */
  items(tableName: string): Record<string, unknown>[];
  /**
   * Deletes items whose TTL attribute is below `nowSeconds` (DynamoDB does it lazily, some time after): with
   * `lateBySeconds`, each item only once it is that much further past its TTL (so deletions come late and out of order).
   */
  expire(nowSeconds: number, lateBySeconds?: (item: Record<string, unknown>) => number): void;
  /** Serve eventually consistent reads from recent versions (sim/stale-reads.ts); a store without it answers every read consistently. */
  serveStaleReads?(options: StaleReadOptions): void;
}
