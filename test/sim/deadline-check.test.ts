// The deadline check (sim/result-monitor.ts `checkDeadline`): a call started at or past the batch's deadline is a
// violation; a Query's next page and a head read after a refused transition are not. A BatchGet asking again for
// unprocessed keys past it is (seed 76625).
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
