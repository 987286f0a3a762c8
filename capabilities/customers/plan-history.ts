// The plan in force per UTC day. `keys set-plan` writes one item per day on which the plan changed,
// holding every plan in force that day in order (the plan before the first change, then each plan set);
// a day without such an item had the last plan of the latest earlier one. Read by the statements.
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PlanDay } from './plan-day';
import { compiledRecord } from '../records/compiled-record';
import * as compiledPlanDay from '../records/validators/plan-day';
import { itemKey } from '../../contracts/table';
import type { ClientStore } from './client-store';
import { queryPages } from '../aws/query-pages';

export type { PlanDay } from './plan-day';
/** The item's zod schema (plan-day.ts), compiled at build time: the functions that read plan history carry no zod. */
const planDay = compiledRecord<PlanDay>(compiledPlanDay);

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The transaction item that records a change on `day`: appends `after`, starting the day's list with `before`. */
export function planChangeItem(tableName: string, clientId: string, day: string, before: string, after: string): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: itemKey.planDay(clientId, day),
      UpdateExpression: 'SET clientId = :clientId, #day = :day, plans = list_append(if_not_exists(plans, :before), :after)',
      ExpressionAttributeNames: { '#day': 'day' },
      ExpressionAttributeValues: { ':clientId': clientId, ':day': day, ':before': [before], ':after': [after] },
    },
  };
}

/** A client's recorded change days, oldest first (one Query; the partition holds one item per change day). */
export async function readPlanHistory(store: ClientStore, clientId: string): Promise<PlanDay[]> {
  const days: PlanDay[] = [];
  for await (const page of queryPages(store.db, {
    TableName: store.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': itemKey.planDay(clientId, '').pk },
  })) {
    for (const item of page.Items ?? []) {
      const parsed = planDay.safeParse(item);
      if (parsed.success) days.push(parsed.data);
    }
  }
  return days.sort((a, b) => (a.day < b.day ? -1 : 1));
}

/**
 * The plans in force on `day`, in order. From the history when it has any entry: that day's list, else the last
 * plan of the latest earlier day, else the first plan of the earliest later day. Without history: `fallback`.
 */
export function plansOnDay(history: readonly PlanDay[], day: string, fallback: string): readonly string[] {
  if (history.length === 0) return [fallback];
  const same = history.find((h) => h.day === day);
  if (same) return same.plans;
  const earlier = history.filter((h) => h.day < day).at(-1);
  if (earlier) return [earlier.plans.at(-1)!];
  return [history[0].plans[0]];
}
