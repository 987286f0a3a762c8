// Prepaid credits: a top-up adds units to the balance on the client's gate item and writes one ledger item, in one
// transaction (both or neither; a retried top-up with the same id adds nothing) that also re-arms the low-balance
// alerts the new balance is above. The gate takes units from the balance.
import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { GATE_ATTRIBUTES, itemKey } from '../../contracts/table';
import type { GateStore } from './gate';
import { ShardedGateCreditsError } from './reshard';

import { ALL_CREDIT_ALERT_THRESHOLDS, MAX_TOP_UP_UNITS } from '../../contracts/plans';

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
  /** The balance right after this top-up (exact: the top-up is conditioned on the balance it read). */
  readonly balance?: number;
}

export class InvalidTopUpError extends Error {
  constructor(units: number) {
    super(`a top-up must be a whole number of units from 1 to ${MAX_TOP_UP_UNITS}: got ${units}`);
    this.name = 'InvalidTopUpError';
  }
}

/**
 * Top-ups sent before giving up. A top-up fails its condition only when a request took credits between our read of
 * the balance and our write, or another top-up did (each retry starts from the balance that refused it, after a short
 * random pause that grows with each attempt, so racing top-ups spread out): a few times for a busy client.
 */
export const MAX_TOP_UP_ATTEMPTS = 16;

/** The balance kept changing under MAX_TOP_UP_ATTEMPTS top-up writes (a busy client): nothing was added; retry. */
export class TopUpContentionError extends Error {
  constructor(clientId: string) {
    super(`credit balance of ${clientId} changed under ${MAX_TOP_UP_ATTEMPTS} top-up writes in a row: nothing added, retry`);
    this.name = 'TopUpContentionError';
  }
}

/** The gate item attribute holding the top-up cycle of one low-balance threshold. */
export const creditCycleAttribute = (threshold: number) => `${GATE_ATTRIBUTES.creditCycle}${threshold}`;

/**
 * Adds `units` to the client's balance and records the top-up; returns the ledger entry and the balance after it.
 * One transaction, conditioned on the balance it read, so the balance after is exact: the ledger item records it, and
 * every low-balance threshold (ALL_CREDIT_ALERT_THRESHOLDS) the balance ends above starts a new top-up cycle, in which
 * its alert can be sent once more (capabilities/alerts/credit-alerts.ts).
 */
export async function topUpCredits(store: GateStore, topUp: TopUp): Promise<{ entry: LedgerEntry; balance: number }> {
  if (!Number.isSafeInteger(topUp.units) || topUp.units < 1 || topUp.units > MAX_TOP_UP_UNITS) throw new InvalidTopUpError(topUp.units);
  const at = topUp.now.toISOString();
  const topUpId = topUp.topUpId ?? `${at}#${randomUUID().slice(0, 8)}`;
  let before = await creditBalance(store, topUp.clientId);
  for (let attempt = 1; attempt <= MAX_TOP_UP_ATTEMPTS; attempt++) {
    const balance = (before ?? 0) + topUp.units;
    const entry: LedgerEntry = { topUpId, clientId: topUp.clientId, units: topUp.units, by: topUp.by, at, balance };
    const rearmed = ALL_CREDIT_ALERT_THRESHOLDS.filter((threshold) => balance > threshold);
    const names: Record<string, string> = { '#cr': GATE_ATTRIBUTES.credits, '#n': GATE_ATTRIBUTES.shards };
    const values: Record<string, number> = { ':balance': balance, ':zero': 0, ':one': 1 };
    const sets = ['#cr = :balance'];
    rearmed.forEach((threshold, i) => {
      names[`#ca${i}`] = creditCycleAttribute(threshold);
      sets.push(`#ca${i} = if_not_exists(#ca${i}, :zero) + :one`);
    });
    if (before !== undefined) values[':before'] = before;
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
                UpdateExpression: `SET ${sets.join(', ')}`,
                // Never on a sharded gate (ShardedGateCreditsError): its other items could not take the balance.
                ConditionExpression: `${before === undefined ? 'attribute_not_exists(#cr)' : '#cr = :before'} AND attribute_not_exists(#n)`,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      );
      return { entry, balance };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      // The same top-up id again: it was applied once already; add nothing, answer with the balance now (the
      // balance right after the first application is in the ledger).
      if (reasons[0]?.Code === 'ConditionalCheckFailed') {
        const { balance: _ignored, ...asked } = entry;
        return { entry: asked, balance: (await creditBalance(store, topUp.clientId)) ?? 0 };
      }
      if (reasons[1]?.Code !== 'ConditionalCheckFailed') throw error;
      const old = reasons[1].Item ? unmarshall(reasons[1].Item as Record<string, AttributeValue>) : undefined;
      if (old?.[GATE_ATTRIBUTES.shards] !== undefined) throw new ShardedGateCreditsError(topUp.clientId);
      // A request took credits since we read the balance: start again from the balance that refused us.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      before =
        typeof old?.[GATE_ATTRIBUTES.credits] === 'number' ? old[GATE_ATTRIBUTES.credits] : await creditBalance(store, topUp.clientId);
    }
  }
  throw new TopUpContentionError(topUp.clientId);
}

function cancellationReasons(error: unknown): readonly { Code?: string; Item?: Record<string, unknown> }[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: { Code?: string; Item?: Record<string, unknown> }[] }).CancellationReasons;
}

function ledgerEntryOf(item: Record<string, unknown>): LedgerEntry {
  const entry = { topUpId: item.topUpId, clientId: item.clientId, units: item.units, by: item.by, at: item.at } as LedgerEntry;
  // Top-ups before the exact balance was kept have none.
  return typeof item.balance === 'number' ? { ...entry, balance: item.balance } : entry;
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
    for (const item of page.Items ?? []) entries.push(ledgerEntryOf(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return entries;
}
