// Day totals for the alert detector: one strongly consistent GetItem of each client's daily counter,
// so a total read after a journal completed includes that journal; for the sweeper, one strongly consistent
// Query per client over a range of days.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OverrideLimits } from '../../contracts/overrides';
import { itemKey, USAGE_PK_PREFIX } from '../../contracts/table';
import { queryPages } from '../aws/query-pages';
import { runLimited } from '../aws/bounded-concurrency';
import { COUNTER_ATTRIBUTES } from '../usage/counters';
import { counterSortKeyRange, type UsageTable } from '../usage/usage-reader';
import type { DayTotal } from './threshold-crossings';

export interface ClientDay {
  readonly clientId: string;
  readonly day: string;
  readonly plan: string;
  /** The client's override (`keys override`), where the caller knows it. */
  readonly override?: OverrideLimits;
}

/** The requests counted so far on each client-day (0 where no counter exists). */
export async function readDayTotals(table: UsageTable, clientDays: readonly ClientDay[], concurrency = 8): Promise<DayTotal[]> {
  const totals: DayTotal[] = [];
  await runLimited(clientDays, concurrency, async ({ clientId, day, plan, override }) => {
    const { Item } = await table.db.send(
      new GetCommand({
        TableName: table.tableName,
        Key: itemKey.dayCounter(clientId, day),
        ConsistentRead: true,
        ProjectionExpression: '#requests',
        ExpressionAttributeNames: { '#requests': COUNTER_ATTRIBUTES.requests },
      }),
    );
    totals.push({
      clientId,
      day,
      plan,
      requests: Number(Item?.[COUNTER_ATTRIBUTES.requests] ?? 0),
      ...(override ? { override } : {}),
    });
  });
  return totals;
}

/**
 * The requests counted so far on each day from `from` to `to` of each client (days without a counter are left
 * out): one Query per client over its partition, so a sweep of many days costs one request per client. Route
 * items come along (a filter cannot use the sort key) and are skipped here.
 */
export async function readDayTotalsInRange(
  table: UsageTable,
  clients: readonly Omit<ClientDay, 'day'>[],
  from: string,
  to: string,
  concurrency = 8,
): Promise<DayTotal[]> {
  const { start, end } = counterSortKeyRange(from, to);
  const totals: DayTotal[] = [];
  await runLimited(clients, concurrency, async ({ clientId, plan, override }) => {
    for await (const page of queryPages(table.db, {
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :start AND :end',
      ExpressionAttributeValues: { ':pk': `${USAGE_PK_PREFIX}${clientId}`, ':start': start, ':end': end },
      ProjectionExpression: 'sk, #requests',
      ExpressionAttributeNames: { '#requests': COUNTER_ATTRIBUTES.requests },
      ConsistentRead: true,
    })) {
      for (const item of page.Items ?? []) {
        const day = /^DAY#(\d{4}-\d{2}-\d{2})$/.exec(String(item.sk))?.[1];
        if (day === undefined) continue; // a route item
        totals.push({
          clientId,
          day,
          plan,
          requests: Number(item[COUNTER_ATTRIBUTES.requests] ?? 0),
          ...(override ? { override } : {}),
        });
      }
    }
  });
  return totals;
}
