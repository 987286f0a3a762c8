// Where a client moving onto a gate plan starts: its gate item takes the units already counted today and this month,
// so a plan change never hands out a second day's (or month's) allowance. Written before the plan changes, while the
// client's requests are still admitted by API Gateway, so no admission of the gate races it.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GATE_ATTRIBUTES, itemKey } from '../../contracts/table';
import { utcDay } from '../../contracts/usage-event-id';
import type { UsageReader } from '../usage/usage-reader';
import { gateItemOf, usedAt } from './admission';
import type { GateStore } from './gate';

export interface GateSeed {
  /** Units the gate holds as taken today and this month after the seed. */
  readonly day: number;
  readonly month: number;
}

/**
 * Sets the client's day and month windows to what was counted (or what the gate already holds, if more: a client
 * back on a gate plan the same day), and its second and minute windows to 0; a credit balance stays as it is.
 * Counts lag by the aggregator's batch window, so requests of the last window before the change are not in the seed.
 */
export async function seedGate(store: GateStore, reader: UsageReader, clientId: string, now: Date): Promise<GateSeed> {
  const today = utcDay(now);
  const { days } = await reader.readRange(clientId, `${today.slice(0, 8)}01`, today);
  let countedMonth = 0;
  for (const usage of days.values()) countedMonth += usage.total.units;
  const countedDay = days.get(today)?.total.units ?? 0;

  const { Item } = await store.db.send(new GetCommand({ TableName: store.tableName, Key: itemKey.gate(clientId), ConsistentRead: true }));
  const [, , gateDay, gateMonth] = usedAt(gateItemOf(Item), now.getTime());
  const seed = { day: Math.max(countedDay, gateDay), month: Math.max(countedMonth, gateMonth) };
  const A = GATE_ATTRIBUTES;
  await store.db.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: itemKey.gate(clientId),
      UpdateExpression: 'SET #ts = :now, #second = :zero, #minute = :zero, #day = :day, #month = :month',
      ExpressionAttributeNames: { '#ts': A.resetAt, '#second': A.second, '#minute': A.minute, '#day': A.day, '#month': A.month },
      ExpressionAttributeValues: { ':now': now.getTime(), ':zero': 0, ':day': seed.day, ':month': seed.month },
    }),
  );
  return seed;
}
