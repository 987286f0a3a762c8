// The conflict monitor's rule (sim/conflict-monitor.ts): some copy of an id was counted, and every acknowledged
// delivery is reported as a conflict exactly when its payload is not that copy's or its second disagrees with its id.
import type { BatchResult } from '../../capabilities/counting/exactly-once';
import { ConflictMonitor } from '../../sim/conflict-monitor';

const id = `${Math.floor(Date.UTC(2026, 10, 27, 12) / 1000).toString(36)}.req-1`;
const at = (ms: number) => new Date(Date.UTC(2026, 10, 27, 12) + ms).toISOString();
const body = (latencyMs: number, ms = 0) => JSON.stringify({ v: 1, eventId: id, requestTime: at(ms), latencyMs });
const result = (conflicts: string[], failures: string[] = []): BatchResult => ({
  failures,
  poison: [],
  counted: 0,
  completedEvents: 0,
  duplicates: 0,
  conflicts: conflicts.map((c) => ({ id: c, eventId: id })),
  counterWrites: 0,
  resumed: 0,
  errors: 0,
});

function run(...batches: [{ messageId: string; body: string }[], BatchResult][]): string[] {
  const monitor = new ConflictMonitor();
  for (const [messages, r] of batches) monitor.record(messages, r);
  return monitor.violations();
}

test('a second payload reported as a conflict, or a plain redelivery, passes', () => {
  expect(run([[{ messageId: 'a', body: body(5) }], result([])], [[{ messageId: 'b', body: body(1005) }], result(['b'])])).toEqual([]);
  expect(
    run([
      [
        { messageId: 'a', body: body(5) },
        { messageId: 'a2', body: body(5) },
      ],
      result([]),
    ]),
  ).toEqual([]);
});

test('a second payload acknowledged without a conflict is caught, whichever copy was counted', () => {
  expect(run([[{ messageId: 'a', body: body(5) }], result([])], [[{ messageId: 'b', body: body(1005) }], result([])])).toHaveLength(1);
  expect(
    run([
      [
        { messageId: 'a', body: body(5) },
        { messageId: 'b', body: body(1005) },
      ],
      result(['a', 'b']),
    ]),
  ).toHaveLength(1);
});

test('a requestTime in another second than its id is a conflict even when counted; failed records are not judged', () => {
  expect(run([[{ messageId: 'm', body: body(5, 2_000) }], result(['m'])])).toEqual([]);
  expect(run([[{ messageId: 'm', body: body(5, 2_000) }], result([])])).toHaveLength(1);
  expect(run([[{ messageId: 'm', body: body(5, 2_000) }], result([], ['m'])])).toEqual([]);
});

test('a conflict reported for a record that is neither another payload nor disagreeing is caught', () => {
  expect(run([[{ messageId: 'a', body: body(5) }], result(['a'])])).toHaveLength(1);
});
