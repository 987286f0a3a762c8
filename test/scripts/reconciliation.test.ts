// The reconciliation's verdicts, one per kind of difference.
import { formatReconciliation, reconcile } from '../../scripts/support/reconciliation';

const base = { day: '2026-11-27', unknownKeys: 0, backlog: { queued: 0, deadLetters: 0 } };

test('equal counts match; fewer metered with events still queued are "not counted yet"', () => {
  const r = reconcile({
    ...base,
    metered: new Map([['a', 5]]),
    gateway: new Map([
      ['a', 5],
      ['b', 3],
    ]),
    backlog: { queued: 2, deadLetters: 1 },
  });
  expect(r.rows.map((row) => [row.clientId, row.kind, row.difference])).toEqual([
    ['a', 'match', 0],
    ['b', 'not-counted-yet', -3],
  ]);
  expect(r.matches).toBe(false);
  expect(formatReconciliation(r)).toContain('2 in the usage queue, 1 in the DLQ');
});

test('a gap the pipeline cannot explain points at replay; more than the gateway points at its lag', () => {
  const r = reconcile({
    ...base,
    metered: new Map([
      ['a', 1],
      ['b', 9],
    ]),
    gateway: new Map([
      ['a', 4],
      ['b', 7],
    ]),
  });
  expect(r.rows.map((row) => row.kind)).toEqual(['missing-usage-events', 'more-than-gateway']);
  expect(r.rows[0].explanation).toContain('npm run usage:replay');
  expect(r.totals).toEqual({ metered: 10, gateway: 11 });
});

test('usage of keys no client names is reported and breaks the match', () => {
  const r = reconcile({ ...base, metered: new Map([['a', 2]]), gateway: new Map([['a', 2]]), unknownKeys: 4 });
  expect(r.matches).toBe(false);
  expect(formatReconciliation(r)).toContain('4 request(s) of API keys no client record names');
});
