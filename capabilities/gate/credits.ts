// Prepaid credits: a top-up adds units to the balance on the client's gate item and writes one ledger item, in one
// transaction (both or neither; a retried top-up with the same id adds nothing). The gate takes units from the balance.
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { GATE_ATTRIBUTES, itemKey } from '../../contracts/table';
import type { GateStore } from './gate';

import { MAX_TOP_UP_UNITS } from '../../contracts/plans';

export { MAX_TOP_UP_UNITS };

export interface TopUp {
  readonly clientId: string;
  readonly units: number;
  /** Who asked (the admin API's caller, or `cli`), kept in the ledger. */
  readonly by: string;
  readonly now: Date;
  /** Makes a retry idempotent; by default the time and a random suffix (so the ledger sorts by time). */
  readonly topUpId?: string;
}

export interface LedgerEntry {
  readonly topUpId: string;
  readonly clientId: string;
  readonly units: number;
  readonly by: string;
  readonly at: string;
}

export class InvalidTopUpError extends Error {
  constructor(units: number) {
    super(`a top-up must be a whole number of units from 1 to ${MAX_TOP_UP_UNITS}: got ${units}`);
    this.name = 'InvalidTopUpError';
  }
}

/** Adds `units` to the client's balance and records the top-up; returns the ledger entry and the balance after it. */
export async function topUpCredits(store: GateStore, topUp: TopUp): Promise<{ entry: LedgerEntry; balance: number }> {
  if (!Number.isSafeInteger(topUp.units) || topUp.units < 1 || topUp.units > MAX_TOP_UP_UNITS) throw new InvalidTopUpError(topUp.units);
  const at = topUp.now.toISOString();
  const topUpId = topUp.topUpId ?? `${at}#${randomUUID().slice(0, 8)}`;
  const entry: LedgerEntry = { topUpId, clientId: topUp.clientId, units: topUp.units, by: topUp.by, at };
  try {
    await store.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: store.tableName,
              Item: { ...itemKey.creditTopUp(topUp.clientId, topUpId), ...entry },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: store.tableName,
              Key: itemKey.gate(topUp.clientId),
              UpdateExpression: 'ADD #cr :units',
              ExpressionAttributeNames: { '#cr': GATE_ATTRIBUTES.credits },
              ExpressionAttributeValues: { ':units': topUp.units },
            },
          },
        ],
      }),
    );
  } catch (error) {
    // The same top-up id again: it was applied once already; answer with the balance, add nothing.
    if (
      !(error instanceof Error && error.name === 'TransactionCanceledException' && String(error.message).includes('ConditionalCheckFailed'))
    ) {
      throw error;
    }
  }
  return { entry, balance: (await creditBalance(store, topUp.clientId)) ?? 0 };
}

/** The client's balance in units; undefined when it has never been topped up. */
export async function creditBalance(store: GateStore, clientId: string): Promise<number | undefined> {
  const { Item } = await store.db.send(
    new GetCommand({
      TableName: store.tableName,
      Key: itemKey.gate(clientId),
      ConsistentRead: true,
      ProjectionExpression: '#cr',
      ExpressionAttributeNames: { '#cr': GATE_ATTRIBUTES.credits },
    }),
  );
  const balance = Item?.[GATE_ATTRIBUTES.credits];
  return typeof balance === 'number' ? balance : undefined;
}

/** The client's top-ups, oldest first (one Query; a ledger is small). */
export async function creditLedger(store: GateStore, clientId: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.db.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': itemKey.creditTopUp(clientId, '').pk },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      entries.push({ topUpId: item.topUpId, clientId: item.clientId, units: item.units, by: item.by, at: item.at });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return entries;
}
