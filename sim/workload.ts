// What the producers (route functions) send in one simulated run: a few clients and routes, requests
// packed into a few seconds (so batches share claim pages), sometimes across UTC midnight, with producer
// retries of the same event, one event id reused with a different payload (sometimes in another second), and poison bodies.
import { type UsageEvent, usageEventId, utcDay } from '../contracts/usage-event';
import { between, chance, pick, type Random } from './random';

export interface Send {
  /** Virtual ms after the run's start. */
  readonly at: number;
  readonly body: string;
  /** The event it carries, when the body is a valid one. */
  readonly event?: UsageEvent;
  readonly kind: 'event' | 'producer-retry' | 'conflict' | 'poison' | 'future';
}

export interface Workload {
  readonly sends: Send[];
  /** The version of each event id that must be counted (the first one sent). */
  readonly events: Map<string, UsageEvent>;
  /** Event ids sent with two payloads: either may be counted, once. */
  readonly conflicts: Map<string, UsageEvent>;
}

const ROUTES = [
  ['GET', '/v1/hello'],
  ['POST', '/v1/quotes'],
  ['GET', '/v1/usage'],
] as const;

export function generateWorkload(random: Random, start: number): Workload {
  const clients = between(random, 1, 3);
  const routes = between(random, 1, 3);
  const count = between(random, 1, pick(random, [8, 24, 60]));
  const spreadMs = pick(random, [300, 1_500, 4_000, 12_000]);
  const sends: Send[] = [];
  const events = new Map<string, UsageEvent>();
  const conflicts = new Map<string, UsageEvent>();
  for (let i = 0; i < count; i++) {
    const requestTime = start + between(random, 0, spreadMs);
    const [method, path] = ROUTES[between(random, 0, routes - 1)];
    const r = random();
    const drawn: UsageEvent = {
      v: 1,
      // As the publisher builds it: the request's second, then API Gateway's extended request id.
      eventId: usageEventId(new Date(requestTime), `req-${i}`),
      clientId: `client-${between(random, 1, clients)}`,
      plan: 'standard',
      route: `${method} ${path}`,
      method,
      status: r < 0.8 ? 200 : r < 0.9 ? 404 : 503,
      latencyMs: between(random, 1, 3_000),
      requestTime: new Date(requestTime).toISOString(),
      day: utcDay(new Date(requestTime)),
    };
    // Units, 0–3, from the latency (no draw, so the schedules stay as they were); a fifth of the events carry none,
    // as published before events carried units (1 unit each).
    const event: UsageEvent = drawn.latencyMs % 5 === 0 ? drawn : { ...drawn, units: drawn.latencyMs % 4 };
    events.set(event.eventId, event);
    const sentAt = requestTime - start + between(random, 0, 40);
    const body = JSON.stringify(event);
    sends.push({ at: sentAt, body, event, kind: 'event' });
    // The publisher's SDK retried a send that had in fact succeeded: the same body twice.
    if (chance(random, 0.08)) sends.push({ at: sentAt + between(random, 1, 400), body, event, kind: 'producer-retry' });
    if (conflicts.size === 0 && chance(random, 0.03)) {
      // Another payload under the same id: other values, and half the time a requestTime in another second (so
      // on other counter items, maybe another day), which must meet the same claims all the same (issue 19, edge 4).
      const movedTime = new Date(requestTime - (chance(random, 0.5) ? between(random, 1_000, 3_000) : 0));
      const other = { ...event, latencyMs: event.latencyMs + 1_000, requestTime: movedTime.toISOString(), day: utcDay(movedTime) };
      conflicts.set(event.eventId, other);
      sends.push({ at: sentAt + between(random, 1, 400), body: JSON.stringify(other), event: other, kind: 'conflict' });
    }
  }
  if (chance(random, 0.4)) {
    // Two shapes a run (the one drawn and the next), so the refusal reasons of each are met often.
    const shapes = [
      '{"v":1,"eventId":',
      '{"v":2,"eventId":"x"}',
      '{"v":1,"eventId":"req-0"}',
      'null',
      '[1]',
      '{"v":"a version far longer than sixteen characters"}',
    ];
    const first = Math.floor(random() * shapes.length);
    sends.push({ at: between(random, 0, spreadMs), body: shapes[first], kind: 'poison' });
    sends.push({ at: between(random, 0, spreadMs), body: shapes[(first + 1) % shapes.length], kind: 'poison' });
  }
  return { sends, events, conflicts };
}
