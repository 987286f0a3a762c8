// The deadline check (sim/result-monitor.ts `checkDeadline`): a call started at or past the batch's deadline is a
// violation; a Query's next page and a head read after a refused transition are not. A BatchGet asking again for
// unprocessed keys past it is (seed 76625). The claim cutoff (`checkClaimCutoff`): one walker starts no page but its
// first past the half of its budget (PROTOCOL.md step 3).
import type { LoggedRequest } from '../../sim/calm-batch-log';
import { ResultMonitor } from '../../sim/result-monitor';
import { createSimStore } from '../../sim/sim-store';

const sent = (op: string, sentAt: number, input: Record<string, unknown> = {}): LoggedRequest => ({ op, input, sentAt, at: sentAt + 5 });

test('calls begun before the deadline, and the continuations of calls begun before it, pass', () => {
  const monitor = new ResultMonitor(createSimStore(), 't');
  monitor.checkDeadline(
    'λ1',
    [sent('Update', 999), sent('BatchGet', 999), sent('Query', 1_000, { ExclusiveStartKey: { pk: 'x' } }), sent('Get', 1_300)],
    1_000,
  );
  expect(monitor.violations).toEqual([]);
});

test('a write, a first Query or a BatchGet started at or past the deadline is a violation', () => {
  const monitor = new ResultMonitor(createSimStore(), 't');
  monitor.checkDeadline('λ1', [sent('Put', 1_000)], 1_000);
  monitor.checkDeadline('λ2', [sent('Query', 1_250)], 1_000);
  monitor.checkDeadline('λ3', [sent('BatchGet', 900), sent('BatchGet', 1_200)], 1_000);
  expect(monitor.violations).toEqual([
    'λ1: sent Put 0 ms past its deadline',
    'λ2: sent Query 250 ms past its deadline',
    'λ3: sent BatchGet 200 ms past its deadline',
  ]);
});

test('a batch of at most 32 pages starts no claim page but its first past the half of its budget', () => {
  const page = (second: number) => ({
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeValues: { ':pk': `CLAIM#2026-11-27T12:00:0${second}#0` },
  });
  const bodies = ['{"eventId":"tp5w3x.a"}', '{"eventId":"tp5w3y.b"}'];
  const monitor = new ResultMonitor(createSimStore(), 't');
  // Budget 3,000 ms less the 1,000 ms safety: pages may start until 1,000 ms after the first request.
  monitor.checkClaimCutoff('λ1', [sent('Put', 0), sent('Query', 5, page(1)), sent('Query', 999, page(2))], bodies, 3_000, 1);
  // The walker's first page whatever the time.
  monitor.checkClaimCutoff('λ4', [sent('Put', 0), sent('Query', 1_500, page(2))], bodies, 3_000, 1);
  monitor.checkClaimCutoff('λ2', [sent('Put', 0), sent('Query', 5, page(1)), sent('Query', 1_000, page(2))], bodies, 3_000, 1);
  // 40 seconds of events on 40 pages: more than one walker, each may start its first page late; not judged.
  const many = Array.from({ length: 40 }, (_, i) => `{"eventId":"tp5w${i.toString(36).padStart(2, '0')}.x"}`);
  monitor.checkClaimCutoff('λ3', [sent('Put', 0), sent('Query', 5, page(1)), sent('Query', 2_000, page(2))], many, 3_000, 1);
  expect(monitor.violations).toEqual(['λ2: started claim page CLAIM#2026-11-27T12:00:02#0 0 ms past the half of its budget']);
});
