// Which client-days a batch hands its alert step (docs/alerts.md, "From the aggregator"; capabilities/counting/PROTOCOL.md step 6): those
// of the batch's counted events and of events found already counted, each with the plan the client's latest event of
// the batch carries. The alert monitor judges what the step does with the client-days it is given; the final sweep
// would hide a step given none, so this monitor judges the handing over, batch by batch:
// - every acknowledged record's client-day is handed over (a record whose id also came with another payload may
//   have been counted on the other copy's day, so only its client is required);
// - nothing else is: every client-day handed over is an acknowledged record's, or, when the batch finished journals
//   of others (which hold their events' client-days too), belongs to a client of the batch; each with that client's
//   latest plan in the batch.
// - in a batch run wholly in calm, the client-days of every journal it completed for another batch (its head names
//   this batch as completing it), for each client with an event in the batch (capabilities/counting/PROTOCOL.md step 6: "and those of the
//   journals it resumed"; the sweeper covers the other clients).
import type { ClientDay } from '../capabilities/alerts/day-totals';
import type { AlertStep } from '../capabilities/counting/alert-step';
import type { BatchResult } from '../capabilities/counting/exactly-once';

interface Sent {
  readonly clientId: string;
  readonly day: string;
  readonly plan: string;
  readonly requestTime: string;
  readonly eventId: string;
}

export class AlertScopeMonitor {
  readonly violations: string[] = [];
  private readonly handed = new Map<string, readonly ClientDay[]>();

  /** The step a container's aggregator is given: it notes what each batch hands over. */
  wrap(containerId: string, step: AlertStep): AlertStep {
    return (clientDays, budgetMs) => {
      this.handed.set(containerId, [...clientDays]);
      return step(clientDays, budgetMs);
    };
  }

  check(
    containerId: string,
    messages: readonly { messageId: string; body: string }[],
    result: BatchResult,
    conflicted: { has(eventId: string): boolean },
    /** In a batch run wholly in calm: the client-days (`<client> <day>`) of the journals it completed for others. */
    completed?: ReadonlySet<string>,
  ): void {
    const handed = this.handed.get(containerId) ?? [];
    this.handed.delete(containerId);
    const failed = new Set(result.failures);
    const events = messages.map((m) => ({ ...m, event: parse(m.body) }));
    const latestPlan = new Map<string, Sent>();
    for (const { event } of events) {
      if (!event) continue;
      const known = latestPlan.get(event.clientId);
      if (!known || known.requestTime < event.requestTime) latestPlan.set(event.clientId, event);
    }
    const say = (detail: string) => this.violations.push(`${containerId} batch ${result.journalId ?? '(no journal)'}: ${detail}`);
    const key = (clientId: string, day: string) => `${clientId} ${day}`;
    const given = new Map(handed.map((c) => [key(c.clientId, c.day), c]));
    const givenClients = new Set(handed.map((c) => c.clientId));
    for (const { messageId, event } of events) {
      if (!event || failed.has(messageId)) continue;
      const owed = conflicted.has(event.eventId) ? givenClients.has(event.clientId) : given.has(key(event.clientId, event.day));
      if (!owed) say(`acknowledged ${messageId} (${event.clientId}, ${event.day}), not handed to the alert step`);
    }
    const acked = new Set<string>();
    for (const { messageId, event } of events) {
      if (event && !failed.has(messageId)) acked.add(conflicted.has(event.eventId) ? event.clientId : key(event.clientId, event.day));
    }
    for (const c of handed) {
      const latest = latestPlan.get(c.clientId);
      if (!latest) say(`alert step given ${c.clientId} ${c.day}, a client with no event in the batch`);
      else if (result.resumed === 0 && !acked.has(key(c.clientId, c.day)) && !acked.has(c.clientId)) {
        say(`alert step given ${c.clientId} ${c.day}: no record of it acknowledged, no journal resumed`);
      } else if (c.plan !== latest.plan)
        say(`alert step given plan ${c.plan} for ${c.clientId}; its latest event in the batch carries ${latest.plan}`);
    }
    if (handed.length !== given.size) say('alert step given a client-day twice');
    const refused = new Set(result.poison.map((p) => p.id));
    const clients = new Set(events.filter((e) => e.event && !refused.has(e.messageId)).map((e) => e.event?.clientId));
    for (const clientDay of completed ?? []) {
      const [clientId, day] = clientDay.split(' ');
      if (clients.has(clientId) && !given.has(key(clientId, day))) say(`completed a journal of ${clientDay}, not handed to the alert step`);
    }
  }
}

function parse(body: string): Sent | undefined {
  try {
    const v = JSON.parse(body) as Record<string, unknown> | null;
    if (v?.v !== 1) return undefined;
    const fields = [v.clientId, v.day, v.plan, v.requestTime, v.eventId];
    if (!fields.every((f) => typeof f === 'string')) return undefined;
    return {
      clientId: String(v.clientId),
      day: String(v.day),
      plan: String(v.plan),
      requestTime: String(v.requestTime),
      eventId: String(v.eventId),
    };
  } catch {
    return undefined;
  }
}
