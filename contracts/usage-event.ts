// Usage event v1: one per API request, sent to SQS by the usage tracker, validated again by the aggregator.
import * as z from 'zod';

export const usageEventV1 = z.strictObject({
  v: z.literal(1),
  /**
   * The event's identity for exactly-once counting: `<request second, epoch seconds in base 36>.<API Gateway's
   * extended request id>` (`usageEventId`). The second names the event's claim page, so every copy of one id
   * meets the same claims whatever its payload says (capabilities/counting/PROTOCOL.md).
   */
  eventId: z.string().min(1).max(128),
  clientId: z.string().min(1).max(64),
  plan: z.string().min(1).max(32),
  /** Resource template, e.g. `POST /v1/quotes` (never the raw path). */
  route: z.string().min(1).max(256),
  method: z.string().min(1).max(16),
  status: z.int().min(100).max(599),
  latencyMs: z.number().min(0).max(900_000),
  /**
   * What the request costs in units (the route contract's `units`, from the validated input; docs/plans.md "Units").
   * Absent on events published before events carried units: such an event counts as 1 unit (`unitsOfEvent`).
   */
  units: z.int().min(0).max(1_000_000).optional(),
  /** ISO 8601 timestamp of the request. */
  requestTime: z.iso.datetime(),
  /** UTC date of requestTime, YYYY-MM-DD. */
  day: z.iso.date(),
});

export type UsageEvent = z.infer<typeof usageEventV1>;

export { eventIdSecond, unitsOfEvent, usageEventId, utcDay } from './usage-event-id';
