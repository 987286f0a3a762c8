// A usage event's id and day, without the event's zod schema (contracts/usage-event.ts): what the request path and
// the authorizer need at run time, so they load no zod.

/** UTC calendar day of an instant, YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * A usage event's id: the request's second (epoch seconds, base 36) and API Gateway's extended request id, which
 * no caller can set. The second makes the claim page a function of the id alone (`eventIdSecond`).
 */
export function usageEventId(requestTime: Date, extendedRequestId: string): string {
  return `${Math.floor(requestTime.getTime() / 1000).toString(36)}.${extendedRequestId}`;
}

/** `<base 36 digits>.<rest>`: a base-36 second of at most 8 digits (until the year 91,000) before the first dot. */
const ID_WITH_SECOND = /^([0-9a-z]{1,8})\.(.+)$/;

/**
 * The request second (epoch seconds) an event id carries, or undefined for an id without one (an event published
 * before ids carried their second, or not built by `usageEventId`).
 */
export function eventIdSecond(eventId: string): number | undefined {
  const match = ID_WITH_SECOND.exec(eventId);
  return match ? Number.parseInt(match[1], 36) : undefined;
}

/**
 * The units an event counts: its own, or 1 for an event published before events carried units. Here, without zod,
 * so the functions that read counters (the usage routes) do not load it.
 */
export function unitsOfEvent(event: { readonly units?: number }): number {
  return event.units ?? 1;
}
