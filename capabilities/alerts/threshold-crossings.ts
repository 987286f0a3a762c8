// Quota alerts: exactly one `Usage Threshold Crossed` event per client, UTC day and threshold.
//
// Interface for the aggregator (wired in capabilities/counting/alert-step.ts): after a journal is applied, call
//   detectThresholdCrossings(deps, dayTotals)
// with, for each client whose daily counter the journal changed, `{ clientId, plan, day, requests }`
// where `requests` is the day total AFTER the journal (e.g. from the update's ReturnValues or a
// GetItem). Calling it again with the same or an older total is harmless: each crossing first claims
// a conditional outbox item (`ALERTS#<day>` / `<clientId>#<threshold>`); only the caller that creates
// it sends. Order per crossing: write outbox item (pending) → PutEvents → mark sent. A crash between
// the write and the mark leaves a pending item, which `resendPending(deps, day)` (run by the alert
// sweeper, sweeper.ts) sends again; consumers dedupe by `detail.eventId`, which is the same on every send.
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ALERTS } from '../../contracts/billing';
import { isPlanName } from '../../contracts/plans';
import type { OverrideLimits } from '../../contracts/overrides';
import { dailyQuotaInForce } from '../customers/limits-in-force';
import { CLAIM_RETENTION_DAYS } from '../../contracts/usage-queue';
import { DAY_MS, dayStartMs } from '../usage/calendar-days';
import type { UsageTable } from '../usage/usage-reader';
import { sendThenMark } from './sent-unmarked';

export interface DayTotal {
  readonly clientId: string;
  readonly plan: string;
  readonly day: string;
  /** The client's requests on `day` after the journal was applied. */
  readonly requests: number;
  /** The client's override (`keys override`) where the caller knows it (the sweeper reads the client list). */
  readonly override?: OverrideLimits;
}

export interface ThresholdCrossed {
  readonly eventId: string;
  readonly clientId: string;
  readonly plan: string;
  /** Percent of the daily quota. */
  readonly threshold: number;
  readonly used: number;
  readonly quota: number;
  readonly day: string;
}

export interface AlertDeps {
  readonly table: UsageTable;
  /** Sends the events (EventBridge PutEvents in the Lambda); must throw unless every entry was accepted. */
  readonly send: (events: readonly ThresholdCrossed[]) => Promise<void>;
  /**
   * The daily quota in force for a total's client (capabilities/customers/limits-in-force.ts). @default from the
   * total's plan and override; the aggregator looks the override up (override-quotas.ts), the simulator sets its own.
   */
  readonly quotaFor?: (total: DayTotal) => number | undefined | Promise<number | undefined>;
  /** Event ids known to be claimed already (by anyone): skipped without a write. Kept per container. */
  readonly claimed?: ClaimedCache;
  readonly clock?: () => number;
}

/** Remembers claimed event ids (bounded: forgets everything past `limit`). */
export class ClaimedCache {
  private readonly ids = new Set<string>();
  constructor(private readonly limit = 10_000) {}
  has(eventId: string): boolean {
    return this.ids.has(eventId);
  }
  add(eventId: string): void {
    if (this.ids.size >= this.limit) this.ids.clear();
    this.ids.add(eventId);
  }
}

export const alertKey = (day: string, clientId: string, threshold: number) => ({ pk: `ALERTS#${day}`, sk: `${clientId}#${threshold}` });
export const alertEventId = (clientId: string, day: string, threshold: number) => `usage-threshold:${clientId}:${day}:${threshold}`;
/**
 * Outbox items live as long as any event of their day can still be counted (the aggregator refuses events
 * older than the claim retention minus a day) plus a day: a late event (a DLQ redrive days later) must find
 * the crossing claimed, or it would alert again with another total. The sweeper's window is far shorter.
 */
const expiresAt = (day: string) => Math.floor((dayStartMs(day) + (CLAIM_RETENTION_DAYS + 1) * DAY_MS) / 1000);

/** Thresholds the totals have reached, as events (pure). */
export function crossingsFor(total: DayTotal, quota: number | undefined): ThresholdCrossed[] {
  if (!isPlanName(total.plan) || !quota || quota <= 0) return [];
  return ALERTS.thresholdsPercent[total.plan]
    .filter((threshold) => total.requests * 100 >= threshold * quota)
    .map((threshold) => ({
      eventId: alertEventId(total.clientId, total.day, threshold),
      clientId: total.clientId,
      plan: total.plan,
      threshold,
      used: total.requests,
      quota,
      day: total.day,
    }));
}

async function claim(table: UsageTable, event: ThresholdCrossed, claimedAt: number): Promise<boolean> {
  try {
    await table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...alertKey(event.day, event.clientId, event.threshold),
          status: 'pending',
          event,
          claimedAt,
          expiresAt: expiresAt(event.day),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

async function markSent(table: UsageTable, events: readonly ThresholdCrossed[]): Promise<void> {
  for (const event of events) {
    await table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: alertKey(event.day, event.clientId, event.threshold),
        UpdateExpression: 'SET #status = :sent',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent' },
      }),
    );
  }
}

/** Claims and sends the crossings the totals reveal; returns the events this call sent. */
export async function detectThresholdCrossings(deps: AlertDeps, totals: readonly DayTotal[]): Promise<ThresholdCrossed[]> {
  const quotaFor = deps.quotaFor ?? dailyQuotaInForce;
  const clock = deps.clock ?? Date.now;
  const claimed: ThresholdCrossed[] = [];
  for (const total of totals) {
    const quota = await quotaFor(total);
    for (const event of crossingsFor(total, quota)) {
      if (deps.claimed?.has(event.eventId)) continue;
      const mine = await claim(deps.table, event, clock());
      deps.claimed?.add(event.eventId);
      if (mine) claimed.push(event);
    }
  }
  return sendThenMark(claimed, deps.send, (events) => markSent(deps.table, events));
}

/**
 * Sends again every outbox item of `day` still pending (a crash or a failed send); returns them.
 * `olderThanMs` skips items claimed less than that long ago, whose claimer may still be sending them.
 */
export async function resendPending(deps: AlertDeps, day: string, olderThanMs = 0): Promise<ThresholdCrossed[]> {
  const claimedBefore = (deps.clock ?? Date.now)() - olderThanMs;
  const pending: ThresholdCrossed[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.table.db.send(
      new QueryCommand({
        TableName: deps.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': alertKey(day, '', 0).pk, ':pending': 'pending' },
        // A replica a write behind still shows an alert just sent as pending, and it would be sent again.
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      // Items written before claimedAt existed count as old enough.
      if (olderThanMs > 0 && typeof item.claimedAt === 'number' && item.claimedAt > claimedBefore) continue;
      pending.push(item.event as ThresholdCrossed);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return sendThenMark(pending, deps.send, (events) => markSent(deps.table, events));
}
