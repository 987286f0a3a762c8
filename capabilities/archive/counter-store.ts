// The job's access to counter items: the raw items of one client's old days (a Query on the client's
// partition), the archive-part mark, and deletes conditional on the archived version.
import { queryPages } from '../aws/query-pages';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { COUNTER_ATTRIBUTES } from '../usage/counters';
import { USAGE_PK_PREFIX } from '../../contracts/table';
import { counterSortKeyRange, type UsageTable } from '../usage/usage-reader';

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
  for await (const page of queryPages(table.db, {
    TableName: table.tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :start AND :end',
    ExpressionAttributeValues: { ':pk': `${USAGE_PK_PREFIX}${clientId}`, ':start': 'DAY#', ':end': end },
    // What is archived must be what the table holds now, not a replica a write behind.
    ConsistentRead: true,
  })) {
    for (const item of page.Items ?? []) if (counterDay(item)) items.push(item as CounterItem);
  }
  return items;
}

/**
 * The attribute naming which archived part a counter item becomes. An item is marked before it is
 * archived and keeps its mark (the aggregator only ADDs counters) until it is deleted; a late event
 * after the delete creates a new, unmarked item, which becomes the next part. Parts are summed on read.
 */
export const ARCHIVE_PART = 'archivePart';

/** Marks the item with `part` unless it has a mark already; returns it as stored, or undefined if gone. */
export async function markForArchive(table: UsageTable, key: { pk: string; sk: string }, part: string): Promise<CounterItem | undefined> {
  try {
    const result = await table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: key.pk, sk: key.sk },
        UpdateExpression: 'SET #part = if_not_exists(#part, :part)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#part': ARCHIVE_PART },
        ExpressionAttributeValues: { ':part': part },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes as CounterItem;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
}

/**
 * Deletes the item only if it is still the version that was archived: the same part and the same
 * request count (every event the aggregator adds changes it). Returns whether it was deleted; an
 * item that grew stays, and the next run archives it again as the same part.
 */
export async function deleteArchivedItem(table: UsageTable, archived: CounterItem): Promise<boolean> {
  try {
    await table.db.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: { pk: archived.pk, sk: archived.sk },
        ConditionExpression: '#part = :part AND #requests = :requests',
        ExpressionAttributeNames: { '#part': ARCHIVE_PART, '#requests': COUNTER_ATTRIBUTES.requests },
        ExpressionAttributeValues: { ':part': archived[ARCHIVE_PART], ':requests': archived[COUNTER_ATTRIBUTES.requests] ?? 0 },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
