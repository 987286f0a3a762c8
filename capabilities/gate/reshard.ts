// Moving a gate-plan client between sharded and unsharded (or between shard counts) with its limits in force: the
// units its items hold in each current window are summed and split anew over the new layout (capabilities/gate/shards.ts
// splitUsed), every item stamped with the layout, in one transaction conditioned on each item as it was read; and the
// client's gate state as a reader sees it, summed over its shards.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { GATE_ATTRIBUTES, itemKey } from '../../contracts/table';
import { gateItemOf, type GateItem, type GateLimits, layoutOf, limitOf, usedAt, type WindowState, windowStates } from './admission';
import type { GateStore } from './gate';
import { gateShardsOf, splitUsed } from './shards';
import { WINDOWS } from './windows';

const A = GATE_ATTRIBUTES;

/** A sharded gate holds no credits: the balance is one number on one item, which a request on another shard cannot take. */
export class ShardedGateCreditsError extends Error {
  constructor(readonly clientId: string) {
    super(
      `client ${clientId}: prepaid credits and a sharded gate (limits above one item's, capabilities/gate/shards.ts) do not mix: ` +
        'top up only clients on one gate item, and shard only clients without credits',
    );
    this.name = 'ShardedGateCreditsError';
  }
}

/** The layout changed under RESHARD_ATTEMPTS transactions in a row (a busy client): nothing changed; retry. */
export class ReshardContentionError extends Error {
  constructor(clientId: string) {
    super(`gate items of ${clientId} changed under ${RESHARD_ATTEMPTS} reshard transactions in a row: nothing changed, retry`);
    this.name = 'ReshardContentionError';
  }
}

export const RESHARD_ATTEMPTS = 16;

/** The client's gate items as stored: shard 0 says how many count (`shards`); `items[i]` is shard i (also beyond). */
export interface GateShards {
  readonly shards: number;
  readonly items: readonly (GateItem | undefined)[];
}

async function readItem(store: GateStore, clientId: string, shard: number): Promise<GateItem | undefined> {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.tableName, Key: itemKey.gateShard(clientId, shard), ConsistentRead: true }),
  );
  return gateItemOf(Item);
}

/** Reads shard 0, then the other items of its layout (and up to `atLeast` items in all). */
export async function readGateShards(store: GateStore, clientId: string, atLeast = 1): Promise<GateShards> {
  const first = await readItem(store, clientId, 0);
  const shards = layoutOf(first);
  const rest = await Promise.all(Array.from({ length: Math.max(shards, atLeast) - 1 }, (_, i) => readItem(store, clientId, i + 1)));
  return { shards, items: [first, ...rest] };
}

/** Units used in each window at `now` (smallest first), summed over the items of the layout. */
export function usedOverShards(state: GateShards, now: number): number[] {
  const sum = WINDOWS.map(() => 0);
  for (const item of state.items.slice(0, state.shards)) {
    usedAt(item, now).forEach((used, i) => {
      sum[i] += used;
    });
  }
  return sum;
}

/** The client's windows summed over its shards (what the admin API and reconcile read), with the client's limits. */
export async function gateUsage(store: GateStore, clientId: string, limits: GateLimits, now: Date): Promise<readonly WindowState[]> {
  const state = await readGateShards(store, clientId);
  const used = usedOverShards(state, now.getTime());
  return windowStates(undefined, limits, now.getTime()).map((w, i) => ({
    ...w,
    used: used[i],
    remaining: w.limit === null ? null : Math.max(0, w.limit - used[i]),
  }));
}

/** Refuses (ShardedGateCreditsError) limits that shard a client holding credits; checked before its limits change. */
export async function assertShardable(store: GateStore, clientId: string, limits: GateLimits): Promise<void> {
  if (gateShardsOf(limits) > 1 && (await readItem(store, clientId, 0))?.credits !== undefined) throw new ShardedGateCreditsError(clientId);
}

/** The condition that an item is still as read: every window attribute, its reset time and its layout unchanged. */
function asRead(item: GateItem | undefined, shard: number, names: Record<string, string>, values: Record<string, number>): string {
  if (!item) return 'attribute_not_exists(pk)';
  const attributes = { resetAt: A.resetAt, second: A.second, minute: A.minute, day: A.day, month: A.month, shards: A.shards } as const;
  return Object.entries(attributes)
    .map(([field, name]) => {
      names[`#${name}`] = name;
      const value = item[field as keyof GateItem];
      if (value === undefined) return `attribute_not_exists(#${name})`;
      values[`:was_${name}_${shard}`] = value;
      return `#${name} = :was_${name}_${shard}`;
    })
    .join(' AND ');
}

/**
 * Splits the client's gate over the shards its limits call for (gateShardsOf); nothing to do when it already is.
 * The units used in each current window, summed over the old layout, are split so that the new shards' rooms add up
 * to exactly what was left of each limit; items of the old layout beyond the new one are stamped with the new layout,
 * so a writer still holding the old one is sent to the new. Refused (ShardedGateCreditsError) when a sharded layout
 * meets a credit balance.
 */
export async function reshardGate(
  store: GateStore,
  clientId: string,
  limits: GateLimits,
  now: Date,
): Promise<{ readonly from: number; readonly to: number }> {
  const to = gateShardsOf(limits);
  const at = now.getTime();
  for (let attempt = 1; attempt <= RESHARD_ATTEMPTS; attempt++) {
    const state = await readGateShards(store, clientId, to);
    const from = state.shards;
    if (from === to) return { from, to };
    if (to > 1 && state.items[0]?.credits !== undefined) throw new ShardedGateCreditsError(clientId);
    const used = usedOverShards(state, at);
    const split = WINDOWS.map((window, w) => splitUsed(used[w], limitOf(limits, window), to));
    const items = Array.from({ length: Math.max(from, to) }, (_, shard) => {
      const names: Record<string, string> = { '#n': A.shards };
      const values: Record<string, number> = {};
      let condition = asRead(state.items[shard], shard, names, values);
      let update: string;
      if (shard < to) {
        values[':now'] = at;
        const sets = ['#ts = :now', ...WINDOWS.map((window, w) => `#${A[window]} = :${A[window]}`)];
        names['#ts'] = A.resetAt;
        WINDOWS.forEach((window, w) => {
          names[`#${A[window]}`] = A[window];
          values[`:${A[window]}`] = split[w][shard];
        });
        if (to > 1) {
          values[':layout'] = to;
          update = `SET ${[...sets, '#n = :layout'].join(', ')}`;
        } else {
          update = `SET ${sets.join(', ')} REMOVE #n`;
        }
        if (shard === 0 && to > 1) {
          names['#cr'] = A.credits;
          condition += ' AND attribute_not_exists(#cr)';
        }
      } else {
        // Retired: it counts for nothing now, and sends a writer of the old layout to the new one.
        values[':layout'] = to;
        update = 'SET #n = :layout';
      }
      return {
        Update: {
          TableName: store.tableName,
          Key: itemKey.gateShard(clientId, shard),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        },
      };
    });
    try {
      await store.db.send(new TransactWriteCommand({ TransactItems: items }));
      return { from, to };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      // A request (or a top-up) changed an item since we read it: read again, after a short random pause.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
  throw new ReshardContentionError(clientId);
}

function cancellationReasons(error: unknown): readonly { Code?: string; Item?: Record<string, AttributeValue> }[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
}
