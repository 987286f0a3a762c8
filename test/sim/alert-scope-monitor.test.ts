// The alert-scope monitor (sim/alert-scope-monitor.ts): what a batch hands its alert step. Here, the rule for the
// journals a calm batch completed for others (PROTOCOL.md step 6): their client-days, for the batch's clients.
import type { AlertStep } from '../../capabilities/counting/alert-step';
import { AlertScopeMonitor } from '../../sim/alert-scope-monitor';
import { batchResult } from '../support/batch-result';

const event = { v: 1, eventId: 'e1', clientId: 'client-1', plan: 'standard', requestTime: '2026-11-27T12:00:00.000Z', day: '2026-11-27' };
const messages = [{ messageId: 'm1', body: JSON.stringify(event) }];
const result = batchResult({ counted: 1, completedEvents: 2, counterWrites: 2, resumed: 1 });
const none = { has: () => false };

async function handOver(monitor: AlertScopeMonitor, days: string[]): Promise<void> {
  const step: AlertStep = async (clientDays) => ({ clientDays: clientDays.length, sent: 0, timedOut: false });
  await monitor.wrap('λ1', step)(
    days.map((day) => ({ clientId: 'client-1', day, plan: 'standard' })),
    1_000,
  );
}

test("a completed journal's client-days of the batch's clients must be handed over; other clients' are the sweeper's", async () => {
  const monitor = new AlertScopeMonitor();
  await handOver(monitor, ['2026-11-27', '2026-11-26']);
  monitor.check('λ1', messages, result, none, new Set(['client-1 2026-11-26', 'client-2 2026-11-26']));
  expect(monitor.violations).toEqual([]);
  await handOver(monitor, ['2026-11-27']);
  monitor.check('λ1', messages, result, none, new Set(['client-1 2026-11-26']));
  expect(monitor.violations).toEqual(['λ1 batch j1: completed a journal of client-1 2026-11-26, not handed to the alert step']);
});
