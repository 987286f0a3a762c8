// What the simulator needs of its DynamoDB model beyond executing commands: every item, and TTL.
import type { DynamoStore } from './faulty-dynamo';

export interface SimStore extends DynamoStore {
  /** Every item of the table, as plain values. */
  items(tableName: string): Record<string, unknown>[];
  /** Deletes items whose TTL attribute is below `nowSeconds` (DynamoDB does it lazily, some time after). */
  expire(nowSeconds: number): void;
}
