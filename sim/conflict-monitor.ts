// The conflicts a batch reports, held to the records it acknowledged (capabilities/counting/PROTOCOL.md, "Same event
// id, different payload"): a record whose payload differs from the copy that was counted is acknowledged and reported
// as a conflict (logged, the `UsageEventConflicts` metric), and so is every record whose requestTime falls in another
// second than its id carries, even the one counted. Nothing else is a conflict: a producer's retry of the same body,
// or a redelivered message, is a plain duplicate.
//
// The monitor knows which copy of an id was counted only as "one of the bodies delivered under it" (the checker
// accepts either, as the workload allows; the counted one may come from a batch that died, its own messages never
// acknowledged), so it asks for one body P such that every acknowledged delivery is reported as a
// conflict exactly when its body is not P or its second disagrees. Payloads are told apart by their JSON with sorted
// keys (the production fingerprint hashes the counted fields to 4 bytes: two different payloads of one id collide
// with odds of 2^-32, ignored).
// The id's second is read from the id's documented form (a base-36 second before the first dot) here, without the
// production parser.
import type { BatchResult } from '../capabilities/counting/exactly-once';

interface Delivery {
  readonly messageId: string;
  readonly body: string;
  readonly reported: boolean;
  readonly disagrees: boolean;
}

export class ConflictMonitor {
  /** Acknowledged deliveries by event id (valid usage events only). */
  private readonly acked = new Map<string, Delivery[]>();

  /** Payloads delivered under each event id, acknowledged or not (the counted copy may be one whose batch died). */
  private readonly delivered = new Map<string, Set<string>>();

  /** A batch received these messages (called when it starts, whatever becomes of it). */
  deliver(messages: readonly { messageId: string; body: string }[]): void {
    for (const { body } of messages) {
      const event = parse(body);
      if (event === undefined) continue;
      const set = this.delivered.get(event.eventId) ?? new Set<string>();
      set.add(event.payload);
      this.delivered.set(event.eventId, set);
    }
  }

  record(messages: readonly { messageId: string; body: string }[], result: BatchResult): void {
    const failed = new Set(result.failures);
    const reported = new Map(result.conflicts.map((c) => [c.id, c.eventId]));
    for (const { messageId, body } of messages) {
      if (failed.has(messageId)) continue;
      const event = parse(body);
      if (event === undefined) continue;
      const list = this.acked.get(event.eventId) ?? [];
      list.push({ messageId, body: event.payload, reported: reported.has(messageId), disagrees: disagrees(event) });
      this.acked.set(event.eventId, list);
    }
  }

  /** Every event id whose acknowledged deliveries no single counted body explains. */
  violations(): string[] {
    const found: string[] = [];
    for (const [eventId, deliveries] of this.acked) {
      const bodies = [...new Set([...deliveries.map((d) => d.body), ...(this.delivered.get(eventId) ?? [])])];
      const explained = bodies.some((counted) => deliveries.every((d) => d.reported === (d.body !== counted || d.disagrees)));
      if (explained) continue;
      const shown = deliveries.map(
        (d) =>
          `${d.messageId}(body ${bodies.indexOf(d.body) + 1}${d.disagrees ? ', second disagrees' : ''}: ${d.reported ? 'conflict' : 'no conflict'})`,
      );
      found.push(`${eventId}: ${bodies.length} payload(s) delivered, conflicts reported as no counted copy explains: ${shown.join(' ')}`);
    }
    return found;
  }
}

/** A valid-looking usage event's id, requestTime and payload (its JSON with sorted keys: a replay may order them otherwise). */
function parse(body: string): { eventId: string; requestTime: string; payload: string } | undefined {
  try {
    const value = JSON.parse(body) as Record<string, unknown> | null;
    if (value?.v !== 1 || typeof value.eventId !== 'string' || typeof value.requestTime !== 'string') return undefined;
    const payload = JSON.stringify(
      Object.keys(value)
        .sort()
        .map((key) => [key, value[key]]),
    );
    return { eventId: value.eventId, requestTime: value.requestTime, payload };
  } catch {
    return undefined;
  }
}

/** Whether a requestTime falls in another second than the one its id carries (`<base-36 second>.<request id>`). */
function disagrees(event: { eventId: string; requestTime: string }): boolean {
  const match = /^([0-9a-z]{1,8})\./.exec(event.eventId);
  if (!match) return false;
  return Number.parseInt(match[1], 36) !== Math.floor(Date.parse(event.requestTime) / 1000);
}
