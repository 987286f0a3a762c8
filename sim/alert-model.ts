// Quota alerts in the simulator: an in-model EventBridge that records every delivery (PutEvents can fail,
// and the container can die right after it succeeded, before the outbox item is marked sent), and the
// client registry the alert sweeper reads.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../contracts/table';
import type { ThresholdCrossed } from '../capabilities/alerts/threshold-crossings';
import type { Container } from './faulty-dynamo';
import { between, chance, type Random } from './random';
import type { Scheduler } from './scheduler';
import type { SimStore } from './store';
import type { Trace } from './trace';

export interface Delivery<E = ThresholdCrossed> {
  readonly event: E;
  readonly at: number;
  readonly by: string;
}

export interface SendFaults {
  /** PutEvents fails (nothing delivered). */
  readonly fail: number;
  /** PutEvents succeeds, then the container dies before marking the outbox item sent. */
  readonly crashAfter: number;
}

/** How many of a container's claims made since `since` that container then delivered. */
export function deliveredClaims(
  claims: readonly { readonly eventId: string; readonly at: number }[],
  deliveries: readonly Delivery<{ readonly eventId: string }>[],
  containerId: string,
  since: number,
): number {
  return claims.filter(
    (claim) => claim.at >= since && deliveries.some((d) => d.by === containerId && d.event.eventId === claim.eventId && d.at >= claim.at),
  ).length;
}

export const NO_SEND_FAULTS: SendFaults = { fail: 0, crashAfter: 0 };

const quotaLabel = (e: ThresholdCrossed) => `${e.clientId}/${e.day}/${e.threshold}%@${e.used}`;

/** The events one container's sender puts on the modelled bus (quota alerts, or others with their own `label`). */
export function modelSender<E = ThresholdCrossed>(o: {
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly container: Container;
  readonly faults: () => SendFaults;
  readonly deliveries: Delivery<E>[];
  readonly trace: Trace;
  /** Told of each error PutEvents throws to its caller (sim/error-monitor.ts). */
  readonly onThrow?: (error: Error) => void;
  readonly label?: (event: E) => string;
}) {
  const fail = (error: Error) => {
    o.onThrow?.(error);
    return error;
  };
  const never = () => new Promise<void>(() => undefined);
  const label = o.label ?? (quotaLabel as unknown as (event: E) => string);
  return async (events: readonly E[]): Promise<void> => {
    await o.scheduler.sleep(between(o.random, 1, 40));
    if (!o.container.alive) return never();
    // EventBridge takes 1 to 10 entries per PutEvents (the production sender splits larger lists in tens).
    if (events.length === 0)
      throw fail(Object.assign(new Error('PutEvents: Entries must hold at least 1 entry'), { name: 'ValidationException' }));
    const faults = o.faults();
    if (chance(o.random, faults.fail)) {
      o.trace.log(`${o.container.id} PutEvents fails (${events.length} alert(s))`);
      throw fail(Object.assign(new Error('PutEvents failed'), { name: 'InternalException' }));
    }
    for (const event of events) o.deliveries.push({ event, at: o.scheduler.now, by: o.container.id });
    o.trace.log(`${o.container.id} alerts ${events.map(label).join(' ')}`);
    if (chance(o.random, faults.crashAfter)) o.container.kill('crash after PutEvents');
    if (!o.container.alive) return never();
  };
}

/** Client registry records, as the key store writes them, for the sweeper's list of clients (plan `standard`, no override, unless given). */
export function seedClients(
  store: SimStore,
  tableName: string,
  clientIds: readonly string[],
  setup: (clientId: string) => { readonly plan: string; readonly override?: object } = () => ({ plan: 'standard' }),
): void {
  for (const clientId of clientIds) {
    const { plan, override } = setup(clientId);
    store.execute(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...itemKey.client(clientId),
          clientId,
          name: clientId,
          plan,
          ...(override ? { override } : {}),
          status: 'active',
          createdAt: '2026-01-01T00:00:00.000Z',
          usageKey: `usage-key-of-${clientId}`.padEnd(24, '0'),
          keyHash: `hash-${clientId}`,
        },
      }),
    );
  }
}
