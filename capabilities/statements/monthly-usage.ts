// Reads one month of usage for the statements: every client of the registry, its counter items from
// the table and from the S3 archive (days older than the retention live only there), and the plans in
// force per day: the plan history `keys set-plan` records (capabilities/customers/plan-history.ts); for a client
// without one, the daily job's summary of that day, else the client's current plan.
import { queryPages } from '../aws/query-pages';
import { USAGE_PK_PREFIX } from '../../contracts/table';
import { listClients, type ClientRecord } from '../customers/client-store';
import { counterSortKeyRange, usageFromItems, type DayUsage, type UsageTable } from '../usage/usage-reader';
import { itemId, readArchive, type CounterArchive } from '../archive/counter-archive';
import { listDailySummaries } from '../archive/summary-store';
import { daysOfMonth } from './months';
import { plansOnDay, readPlanHistory } from '../customers/plan-history';

export interface ClientMonth {
  readonly client: ClientRecord & Record<string, unknown>;
  /** Days with counters, oldest first, each with the plans in force that day (in order; two or more on a change day). */
  readonly days: readonly (DayUsage & { readonly plans: readonly string[] })[];
  /** Every day of the month, oldest first, with the plans in force (the rating prorates fees by these days). */
  readonly planDays: readonly { readonly day: string; readonly plans: readonly string[] }[];
}

export interface MonthSources {
  readonly table: UsageTable;
  readonly archive: CounterArchive;
}

type Item = Record<string, unknown> & { pk: string; sk: string };

async function tableCounterItems(table: UsageTable, clientId: string, from: string, to: string): Promise<Item[]> {
  const { start, end } = counterSortKeyRange(from, to);
  const items: Item[] = [];
  for await (const page of queryPages(table.db, {
    TableName: table.tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :start AND :end',
    ExpressionAttributeValues: { ':pk': `${USAGE_PK_PREFIX}${clientId}`, ':start': start, ':end': end },
    // A statement adds archived days to live counters: a replica a delete behind would count a day twice.
    ConsistentRead: true,
  })) {
    items.push(...((page.Items ?? []) as Item[]));
  }
  return items;
}

/** Usage of every client (or of `onlyClientId`) in `month`, clients sorted by id. */
export async function readMonth(sources: MonthSources, month: string, onlyClientId?: string): Promise<ClientMonth[]> {
  const days = daysOfMonth(month);
  const clients = (await listClients(sources.table))
    .filter((c) => onlyClientId === undefined || c.clientId === onlyClientId)
    .sort((a, b) => (a.clientId < b.clientId ? -1 : 1));

  // The archive and the summaries are per day for all clients: read each day once.
  const archived = new Map<string, Item[]>();
  const planOnDay = new Map<string, string>();
  for (const day of days) {
    const archive = await readArchive(sources.archive, day);
    for (const item of (archive?.items ?? []) as Item[]) {
      archived.set(item.pk, [...(archived.get(item.pk) ?? []), item]);
    }
    for (const summary of await listDailySummaries(sources.table, day)) planOnDay.set(`${summary.clientId}#${day}`, summary.plan);
  }

  const result: ClientMonth[] = [];
  for (const client of clients) {
    const pk = `${USAGE_PK_PREFIX}${client.clientId}`;
    // The table's copy wins over the archive's: the job archives an item before deleting it, so a
    // day in both places was archived and then counted again by a late event.
    const merged = new Map((archived.get(pk) ?? []).map((item) => [itemId(item), item]));
    for (const item of await tableCounterItems(sources.table, client.clientId, days[0], days[days.length - 1])) {
      merged.set(itemId(item), item);
    }
    const usage = usageFromItems([...merged.values()]);
    const history = await readPlanHistory(sources.table, client.clientId);
    const plans = (day: string) =>
      history.length > 0 ? plansOnDay(history, day, client.plan) : [planOnDay.get(`${client.clientId}#${day}`) ?? client.plan];
    result.push({
      client,
      days: [...usage.values()]
        .filter((d) => d.total.requests > 0 || d.routes.size > 0)
        .sort((a, b) => (a.day < b.day ? -1 : 1))
        .map((d) => ({ ...d, plans: plans(d.day) })),
      planDays: days.map((day) => ({ day, plans: plans(day) })),
    });
  }
  return result;
}
