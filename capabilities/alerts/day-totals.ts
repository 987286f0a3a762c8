// Day totals for the alert detector: one strongly consistent GetItem of each client's daily counter,
// so a total read after a journal completed includes that journal.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OverrideLimits } from '../../contracts/overrides';
import { itemKey } from '../../contracts/table';
import { runLimited } from '../aws/bounded-concurrency';
import { COUNTER_ATTRIBUTES } from '../usage/counters';
import type { UsageTable } from '../usage/usage-reader';
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
