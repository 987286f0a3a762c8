// One usage event of client-1 on GET /v1/hello at a given instant, for the aggregator's small scenario tests,
// and a DocumentClient stand-in over the simulator's table model.
import type { UsageEvent } from '../../../../contracts/usage-event';
import type { TableModel } from '../../../../sim/table-model';

export function helloEvent(eventId: string, at: number, latencyMs = 5): UsageEvent {
  const requestTime = new Date(at).toISOString();
  return {
    v: 1,
    eventId,
    clientId: 'client-1',
    plan: 'standard',
    route: 'GET /v1/hello',
    method: 'GET',
    status: 200,
    latencyMs,
    requestTime,
    day: requestTime.slice(0, 10),
  };
}

/** A DocumentClient that applies each command to the model, atomically, with no faults. */
export const modelClient = (model: TableModel) => ({ send: (command: object) => Promise.resolve(model.execute(command)) });
