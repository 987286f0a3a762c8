// Reads one client's usage counters: a paginated Query on the client's partition per date range
// (never a Scan), grouped into days and routes.
import { queryPages } from '../aws/query-pages';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { itemKey, USAGE_PK_PREFIX } from '../../contracts/table';
import { countersFromItem, emptyCounters, mergeCounters, routeCountersFromItem, type CounterValues } from './counters';

export interface UsageTable {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** One day of one client: its totals and its routes' counters. */
export interface DayUsage {
  readonly day: string;
  readonly total: CounterValues;
  readonly routes: Map<string, CounterValues>;
}

/** What a read cost, for logs and the documented read budget. */
export interface ReadCost {
  pages: number;
  items: number;
  /** Read capacity units DynamoDB reported (0 where it reports none). */
  capacityUnits: number;
}

export interface UsageRange {
  /** Days that have counters, keyed by `YYYY-MM-DD`; days without traffic are absent. */
  readonly days: Map<string, DayUsage>;
  readonly cost: ReadCost;
}

export interface UsageReader {
  /** Counters of `clientId` from `from` to `to` (UTC days, both included). */
  readRange(clientId: string, from: string, to: string): Promise<UsageRange>;
  /** The counters of one day (one Query over the day's items). */
  readDay(clientId: string, day: string): Promise<CounterValues>;
}

const COUNTER_SK = /^DAY#(\d{4}-\d{2}-\d{2})(?:#ROUTE#(.+))?$/;

/** Sort-key bounds that hold the daily and route items of every day from `from` to `to`. */
export function counterSortKeyRange(from: string, to: string): { start: string; end: string } {
  // `~` sorts after every character of a route key, so `DAY#<to>#~` closes the last day's route items.
  return { start: itemKey.dayCounter('', from).sk, end: `${itemKey.dayCounter('', to).sk}#~` };
}

/**
 * Groups counter items by day; items with other sort keys are ignored. Since issue 23 a day item holds its routes'
 * counters (attributes, `capabilities/usage/counters.ts`) beside the day's requests, written together by one UpdateItem, so one
 * item is one consistent view. Days counted before that also have route items (`DAY#<day>#ROUTE#<route>`), which
 * the old aggregator wrote in separate requests, routes first; a day of the upgrade has both. A route's counters
 * are the sum of both forms, and a day's total is the sum of its routes, which for an upgraded day is the day
 * item's own total and for an older day never shows routes above the total. The day item's own total counts only
 * where a day has no route counters at all.
 */
export function usageFromItems(items: readonly Record<string, unknown>[]): Map<string, DayUsage> {
  const days = new Map<string, DayUsage>();
  const dayItems = new Map<string, CounterValues>();
  const addRoute = (usage: DayUsage, route: string, counters: CounterValues) =>
    usage.routes.set(route, mergeCounters(usage.routes.get(route) ?? emptyCounters(), counters));
  for (const item of items) {
    const match = COUNTER_SK.exec(String(item.sk));
    if (!match) continue;
    const [, day, route] = match;
    let usage = days.get(day);
    if (!usage) {
      usage = { day, total: emptyCounters(), routes: new Map() };
      days.set(day, usage);
    }
    if (route !== undefined) {
      addRoute(usage, route, countersFromItem(item));
      continue;
    }
    dayItems.set(day, mergeCounters(dayItems.get(day) ?? emptyCounters(), countersFromItem(item)));
    for (const [r, counters] of routeCountersFromItem(item)) addRoute(usage, r, counters);
  }
  for (const usage of days.values()) {
    if (usage.routes.size === 0) mergeCounters(usage.total, dayItems.get(usage.day) ?? emptyCounters());
    else for (const counters of usage.routes.values()) mergeCounters(usage.total, counters);
  }
  return days;
}

/**
 * `consistent` reads the table as it is now (twice the read units): the daily job, statements and plan changes,
 * which add archived days to live counters or act on the count; the usage routes and the dashboard read a replica.
 */
export function dynamoUsageReader(table: UsageTable, options: { consistent?: boolean } = {}): UsageReader {
  // One item per day since issue 23 (its routes inside); the Query also returns the route items of days counted
  // before, which hold those days' routes.
  const readRange = async (clientId: string, from: string, to: string): Promise<UsageRange> => {
    const { start, end } = counterSortKeyRange(from, to);
    const items: Record<string, unknown>[] = [];
    const cost: ReadCost = { pages: 0, items: 0, capacityUnits: 0 };
    for await (const page of queryPages(table.db, {
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :start AND :end',
      ExpressionAttributeValues: { ':pk': `${USAGE_PK_PREFIX}${clientId}`, ':start': start, ':end': end },
      ReturnConsumedCapacity: 'TOTAL',
      ...(options.consistent ? { ConsistentRead: true } : {}),
    })) {
      cost.pages += 1;
      cost.items += page.Items?.length ?? 0;
      cost.capacityUnits += page.ConsumedCapacity?.CapacityUnits ?? 0;
      items.push(...(page.Items ?? []));
    }
    return { days: usageFromItems(items), cost };
  };
  return {
    readRange,
    // The day's item (and a day counted before issue 23 its route items: one Query on the day's sort keys), summed
    // like readRange's, so today's count agrees with the routes of any other read.
    readDay: async (clientId, day) => (await readRange(clientId, day, day)).days.get(day)?.total ?? emptyCounters(),
  };
}
