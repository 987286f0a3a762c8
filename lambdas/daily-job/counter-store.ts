// The job's access to counter items: the raw items of one client's old days (a Query on the client's
// partition) and batched deletes that retry what DynamoDB leaves unprocessed.
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { USAGE_PK_PREFIX } from '../../contracts/table';
import { counterSortKeyRange, type UsageTable } from '../shared/usage-reader';

export type CounterItem = Record<string, unknown> & { pk: string; sk: string };

const COUNTER_SK = /^DAY#(\d{4}-\d{2}-\d{2})(?:#ROUTE#.+)?$/;

/** The UTC day a counter item counts, or undefined for items that are not counters. */
export function counterDay(item: Record<string, unknown>): string | undefined {
  return COUNTER_SK.exec(String(item.sk))?.[1];
}

/** Every counter item (daily and route) of `clientId` for days up to and including `lastDay`. */
export async function counterItemsThrough(table: UsageTable, clientId: string, lastDay: string): Promise<CounterItem[]> {
  const { end } = counterSortKeyRange(lastDay, lastDay);
  const items: CounterItem[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :start AND :end',
        ExpressionAttributeValues: { ':pk': `${USAGE_PK_PREFIX}${clientId}`, ':start': 'DAY#', ':end': end },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) if (counterDay(item)) items.push(item as CounterItem);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export interface DeleteOptions {
  /** BatchWriteItem calls per chunk before giving up on unprocessed items. @default 8 */
  readonly maxAttempts?: number;
  /** First backoff; doubles per attempt, with full jitter. @default 50 ms */
  readonly baseDelayMs?: number;
}

export class UnprocessedDeletesError extends Error {
  constructor(readonly remaining: number) {
    super(`${remaining} counter deletes still unprocessed after retries`);
    this.name = 'UnprocessedDeletesError';
  }
}

/** Deletes items by key, 25 per BatchWriteItem, retrying UnprocessedItems with backoff; returns how many were deleted. */
export async function deleteItems(
  table: UsageTable,
  keys: readonly { pk: string; sk: string }[],
  options: DeleteOptions = {},
): Promise<number> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  let deleted = 0;
  for (let i = 0; i < keys.length; i += 25) {
    let pending = keys.slice(i, i + 25).map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await table.db.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: pending } }));
      const unprocessed = (result.UnprocessedItems?.[table.tableName] ?? []) as typeof pending;
      deleted += pending.length - unprocessed.length;
      pending = unprocessed;
      if (pending.length === 0) break;
      if (attempt >= maxAttempts) throw new UnprocessedDeletesError(pending.length + Math.max(0, keys.length - i - 25));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * baseDelayMs * 2 ** (attempt - 1)));
    }
  }
  return deleted;
}
