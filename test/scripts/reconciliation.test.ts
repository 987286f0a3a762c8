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
  expect(r.totals).toEqual({ metered: 10, units: 10, gateway: 11 });
});

test('usage of keys no client names is reported and breaks the match', () => {
  const r = reconcile({ ...base, metered: new Map([['a', 2]]), gateway: new Map([['a', 2]]), unknownKeys: 4 });
  expect(r.matches).toBe(false);
  expect(formatReconciliation(r)).toContain('4 request(s) of API keys no client record names');
});

test('units stand beside requests; clients of a gate plan are compared as their plan’s pool of shared keys', () => {
  const r = reconcile({
    ...base,
    metered: new Map([
      ['a', 2],
      ['f1', 3],
      ['f2', 4],
      ['f3', 1],
    ]),
    meteredUnits: new Map([
      ['a', 7],
      ['f1', 3],
      ['f2', 0],
      ['f3', 1],
    ]),
    gateway: new Map([['a', 2]]),
    gatePlanOf: new Map([
      ['f1', 'free'],
      ['f2', 'free'],
      ['f3', 'free'],
      ['f4', 'free'], // no usage today: not listed
    ]),
    pools: new Map([['free', 8]]),
  });
  expect(r.rows).toEqual([expect.objectContaining({ clientId: 'a', metered: 2, units: 7, gateway: 2, kind: 'match' })]);
  expect(r.pools).toEqual([
    expect.objectContaining({
      plan: 'free',
      clients: [
        { clientId: 'f1', metered: 3, units: 3 },
        { clientId: 'f2', metered: 4, units: 0 },
        { clientId: 'f3', metered: 1, units: 1 },
      ],
      metered: 8,
      units: 4,
      gateway: 8,
      kind: 'match',
    }),
  ]);
  expect(r.totals).toEqual({ metered: 10, units: 11, gateway: 10 });
  expect(r.matches).toBe(true);
  const table = formatReconciliation(r);
  expect(table).toMatch(/pool of free \(3 client\(s\)\)\s+8\s+4\s+8\s+0/);
  expect(table).toMatch(/ {2}f2\s+4\s+0\s+pooled/);

  // A pool key's request that no usage event reached is a difference of the pool, explained as for one client.
  const gap = reconcile({
    ...base,
    metered: new Map([['f1', 3]]),
    gatePlanOf: new Map([['f1', 'free']]),
    gateway: new Map(),
    pools: new Map([['free', 5]]),
  });
  expect(gap.pools[0]).toMatchObject({ metered: 3, gateway: 5, difference: -2, kind: 'missing-usage-events' });
  expect(gap.matches).toBe(false);
  // Without a gate plan's client list, pool usage is still reported (not as keys no client names).
  expect(reconcile({ ...base, metered: new Map(), gateway: new Map(), pools: new Map([['free', 1]]) }).pools[0]).toMatchObject({
    plan: 'free',
    clients: [],
    gateway: 1,
  });
});

test('a client moved onto a gate plan today: the usage of its own key earlier that day counts toward its pool', () => {
  const r = reconcile({
    ...base,
    metered: new Map([['m', 5]]),
    gatePlanOf: new Map([['m', 'free']]),
    gateway: new Map([['m', 2]]),
    pools: new Map([['free', 3]]),
  });
  expect(r.rows).toEqual([]);
  expect(r.pools[0]).toMatchObject({ metered: 5, gateway: 5, kind: 'match' });
});
