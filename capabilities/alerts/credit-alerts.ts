// Low credit balance alerts: exactly one `Credit Balance Threshold Crossed` event per client, threshold and top-up cycle.
//
// A threshold T (contracts/plans.ts `creditAlertThresholds`, units) is crossed when the client's balance is at or
// below T. Its cycle is the gate item's `ca<T>`: how many top-ups left the balance above T (capabilities/gate/credits.ts
// writes it in the top-up's own transaction, from the exact balance after it), so a top-up above T re-arms it and
// one that leaves the balance at or below T does not. The balance only falls between top-ups, so one cycle holds
// at most one crossing of T, and its event id `credit-balance:<clientId>:<T>:<cycle>` names it.
//
// Order per crossing, as for quota alerts: claim (one transaction: the outbox item `ALERTS#CREDITS#<clientId>` /
// `<T>#<cycle>`, created only if absent, and its entry in the pending partition) → PutEvents → pending entry deleted.
// Only the claimer sends; a crash or failed send leaves the pending entry, which `resendPendingCreditAlerts` (the
// alert sweeper) sends again with the same event id and payload.
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { creditAlertThresholdsOf, isGatePlan, isPlanName } from '../../contracts/plans';
import { GATE_ATTRIBUTES, itemKey } from '../../contracts/table';
import { runLimited } from '../aws/bounded-concurrency';
import type { UsageTable } from '../usage/usage-reader';
import type { ClaimedCache } from './threshold-crossings';
import { sendThenMark } from './sent-unmarked';

export interface CreditBalanceLow {
  readonly eventId: string;
  readonly clientId: string;
  readonly plan: string;
  /** The threshold crossed, in units: the balance is at or below it. */
  readonly threshold: number;
  /** The balance in units when the crossing was seen (it may be below the threshold: a batch can spend past it). */
  readonly balance: number;
  /** The threshold's top-up cycle: 0 until a top-up leaves the balance above it, then one more per such top-up. */
  readonly cycle: number;
}

export interface CreditAlertDeps {
  readonly table: UsageTable;
  /** Sends the events (EventBridge PutEvents in the Lambdas); must throw unless every entry was accepted. */
  readonly send: (events: readonly CreditBalanceLow[]) => Promise<void>;
  /** Event ids known to be claimed already: skipped without a write. Kept per container. */
  readonly claimed?: ClaimedCache;
  readonly clock?: () => number;
}

/** A client to check: its plan decides its thresholds (only gate plans hold credits). */
export interface CreditClient {
  readonly clientId: string;
  readonly plan: string;
}

export const creditAlertEventId = (clientId: string, threshold: number, cycle: number) =>
  `credit-balance:${clientId}:${threshold}:${cycle}`;

/** The crossings a gate item shows at its balance (pure); none for a client without credits or off the gate. */
export function creditCrossingsFor(client: CreditClient, gateItem: Record<string, unknown> | undefined): CreditBalanceLow[] {
  const balance = gateItem?.[GATE_ATTRIBUTES.credits];
  const { plan } = client;
  if (typeof balance !== 'number' || !isPlanName(plan) || !isGatePlan(plan)) return [];
  return creditAlertThresholdsOf(plan)
    .filter((threshold) => balance <= threshold)
    .map((threshold) => {
      const stored = gateItem?.[`${GATE_ATTRIBUTES.creditCycle}${threshold}`];
      const cycle = typeof stored === 'number' ? stored : 0;
      return {
        eventId: creditAlertEventId(client.clientId, threshold, cycle),
        clientId: client.clientId,
        plan: client.plan,
        threshold,
        balance,
        cycle,
      };
    });
}

async function claim(table: UsageTable, event: CreditBalanceLow, claimedAt: number): Promise<boolean> {
  try {
    await table.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table.tableName,
              Item: { ...itemKey.creditAlert(event.clientId, event.threshold, event.cycle), event, claimedAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table.tableName,
              Item: { ...itemKey.creditAlertPending(event.clientId, event.threshold, event.cycle), event, claimedAt },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if ((error as Error).name === 'TransactionCanceledException' && reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

async function markSent(table: UsageTable, events: readonly CreditBalanceLow[]): Promise<void> {
  for (const event of events) {
    await table.db.send(
      new DeleteCommand({ TableName: table.tableName, Key: itemKey.creditAlertPending(event.clientId, event.threshold, event.cycle) }),
    );
  }
}

/**
 * Reads each gate-plan client's gate item (strongly consistent), claims and sends the low-balance crossings it shows;
 * returns the events this call sent. Calling it again, or concurrently, sends nothing twice.
 */
export async function detectCreditAlerts(
  deps: CreditAlertDeps,
  clients: readonly CreditClient[],
  concurrency = 8,
): Promise<CreditBalanceLow[]> {
  const clock = deps.clock ?? Date.now;
  const unique = [...new Map(clients.filter((c) => isGatePlan(c.plan)).map((c) => [c.clientId, c])).values()];
  const claimed: CreditBalanceLow[] = [];
  await runLimited(unique, concurrency, async (client) => {
    const { Item } = await deps.table.db.send(
      new GetCommand({ TableName: deps.table.tableName, Key: itemKey.gate(client.clientId), ConsistentRead: true }),
    );
    for (const event of creditCrossingsFor(client, Item)) {
      if (deps.claimed?.has(event.eventId)) continue;
      const mine = await claim(deps.table, event, clock());
      deps.claimed?.add(event.eventId);
      if (mine) claimed.push(event);
    }
  });
  return sendThenMark(claimed, deps.send, (events) => markSent(deps.table, events));
}

/** Sends again every claimed low-balance alert still pending; `olderThanMs` leaves younger ones to their claimer. */
export async function resendPendingCreditAlerts(deps: CreditAlertDeps, olderThanMs = 0): Promise<CreditBalanceLow[]> {
  const claimedBefore = (deps.clock ?? Date.now)() - olderThanMs;
  const pending: CreditBalanceLow[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.table.db.send(
      new QueryCommand({
        TableName: deps.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': itemKey.creditAlertPending('', 0, 0).pk },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (olderThanMs > 0 && typeof item.claimedAt === 'number' && item.claimedAt > claimedBefore) continue;
      pending.push(item.event as CreditBalanceLow);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return sendThenMark(pending, deps.send, (events) => markSent(deps.table, events));
}
