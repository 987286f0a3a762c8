// What the simulator needs of its DynamoDB model beyond executing commands: every item, and TTL.
import type { DynamoStore } from './faulty-dynamo';

export interface SimStore extends DynamoStore {
  /** Every item of the table, as plain values. */
  items(tableName: string): Record<string, unknown>[];
  /**
   * Deletes items whose TTL attribute is below `nowSeconds` (DynamoDB does it lazily, some time after): with
   * `lateBySeconds`, each item only once it is that much further past its TTL (so deletions come late and out of order).
   */
  expire(nowSeconds: number, lateBySeconds?: (item: Record<string, unknown>) => number): void;
}
