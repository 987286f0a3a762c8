// Dropped usage events: finding them in route functions' log lines and sending them to the usage
// queue again. The aggregator counts each eventId once, so re-sending one already counted is harmless.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { usageEventV1, type UsageEvent } from '../../contracts/usage-event';
import { DROPPED_EVENT_KEY, USAGE_EVENT_DROPPED } from '../../capabilities/usage/usage-publisher';

export interface TimeWindow {
  readonly since: Date;
  readonly until: Date;
}

export interface FoundEvents {
  /** Distinct by eventId, in the order first seen. */
  readonly events: UsageEvent[];
  /** Dropped-event lines whose event fails the v1 schema (reported, never sent). */
  readonly invalid: number;
}

/** `2h`, `30m`, `1d`, `45s` before `now`, or an ISO 8601 instant. */
export function parseInstant(value: string, now = new Date()): Date {
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new Error(`not a duration (2h, 30m, 1d) or an ISO 8601 time: ${JSON.stringify(value)}`);
  return at;
}

/** Picks the dropped usage events out of JSON log lines (any other line is ignored). */
export function droppedEventsFromLines(lines: Iterable<string>, window?: TimeWindow): FoundEvents {
  const seen = new Map<string, UsageEvent>();
  let invalid = 0;
  for (const line of lines) {
    if (!line.includes(USAGE_EVENT_DROPPED)) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line.slice(line.indexOf('{')));
    } catch {
      continue;
    }
    if (record.message !== USAGE_EVENT_DROPPED) continue;
    if (window && typeof record.timestamp === 'string') {
      const at = new Date(record.timestamp).getTime();
      if (at < window.since.getTime() || at > window.until.getTime()) continue;
    }
    const parsed = usageEventV1.safeParse(record[DROPPED_EVENT_KEY]);
    if (!parsed.success) {
      invalid += 1;
      continue;
    }
    if (!seen.has(parsed.data.eventId)) seen.set(parsed.data.eventId, parsed.data);
  }
  return { events: [...seen.values()], invalid };
}

export interface ResendResult {
  readonly sent: number;
  readonly failed: string[];
}

/** Sends the events to the usage queue, ten per request; returns the eventIds that failed. */
export async function resendUsageEvents(sqs: SQSClient, queueUrl: string, events: readonly UsageEvent[]): Promise<ResendResult> {
  let sent = 0;
  const failed: string[] = [];
  for (let i = 0; i < events.length; i += 10) {
    const batch = events.slice(i, i + 10);
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((event, n) => ({ Id: String(n), MessageBody: JSON.stringify(event) })),
      }),
    );
    sent += result.Successful?.length ?? 0;
    for (const failure of result.Failed ?? []) failed.push(batch[Number(failure.Id)].eventId);
  }
  return { sent, failed };
}
