// Route counters on a client-day item are named by the route contract's short codes (`<code>:<field>`), which keeps
// the item, billed per KB on every write, small; names written before the codes (`r:<route>:<field>`) still read.
import { counterAttributeAmounts, emptyCounters, routeCountersFromItem, addEvent } from '../../../capabilities/usage/counters';
import { usageFromItems } from '../../../capabilities/usage/usage-reader';
import { COUNTER_CODE_OF_ROUTE, counterCodeProblems } from '../../../contracts/routes/counter-codes';
import { ENDPOINTS } from '../../../contracts/routes/endpoints';
import { routeKey } from '../../../contracts/routes/route';

const values = (requests: number, status = 200) => {
  const v = emptyCounters();
  for (let i = 0; i < requests; i++) addEvent(v, { status, latencyMs: 30 });
  return v;
};

test('every route of the contract has its own valid code, and a code is never given to two routes', () => {
  expect(counterCodeProblems(ENDPOINTS)).toEqual([]);
  expect(new Set(ENDPOINTS.map((e) => e.counterCode)).size).toBe(ENDPOINTS.length);
  const hello = { method: 'GET', path: '/v1/hello' } as const;
  expect(
    counterCodeProblems([
      { ...hello, counterCode: 'H' },
      { method: 'POST', path: '/v1/quotes', counterCode: 'H' },
    ]),
  ).toEqual(["counter code H of POST /v1/quotes is already GET /v1/hello's"]);
  expect(counterCodeProblems([{ ...hello, counterCode: 'h' }])).toHaveLength(1);
  expect(counterCodeProblems([{ ...hello, counterCode: 'HEL' }])).toHaveLength(1);
  expect(counterCodeProblems([{ ...hello }])).toHaveLength(1);
  // A retired code stays taken.
  expect(counterCodeProblems([{ ...hello, counterCode: 'X' }], { X: 'GET /v1/old' })).toEqual([
    "counter code X of GET /v1/hello is already GET /v1/old's",
  ]);
});

test("a contract route's counters are written under its code and read back under its key", () => {
  const route = routeKey(ENDPOINTS[0]);
  const code = COUNTER_CODE_OF_ROUTE.get(route);
  const amounts = counterAttributeAmounts(values(3, 404), route);
  expect(amounts.map(([name]) => name)).toEqual(expect.arrayContaining([`${code}:n`, `${code}:c`, `${code}:l`]));
  expect(amounts.every(([name]) => name.startsWith(`${code}:`))).toBe(true);
  const read = routeCountersFromItem(Object.fromEntries(amounts));
  expect([...read.keys()]).toEqual([route]);
  expect(read.get(route)).toEqual(values(3, 404));
});

test('a route without a code keeps its key in the name', () => {
  const amounts = counterAttributeAmounts(values(2), 'GET /v1/not-in-the-contract');
  expect(amounts[0][0]).toBe('r:GET /v1/not-in-the-contract:n');
  expect(routeCountersFromItem(Object.fromEntries(amounts)).get('GET /v1/not-in-the-contract')).toEqual(values(2));
});

test('a day counted before and after the codes (both names of one route on the item) reads as their sum', () => {
  const route = routeKey(ENDPOINTS[0]);
  const before = counterAttributeAmounts(values(4), route).map(([name, n]): [string, number] => [
    name.replace(/^[A-Z0-9]+:/, `r:${route}:`),
    n,
  ]);
  const after = counterAttributeAmounts(values(2, 500), route);
  const item = { pk: 'USAGE#c1', sk: 'DAY#2026-12-01', requests: 6, ...Object.fromEntries([...before, ...after]) };
  const expected = values(4);
  addEvent(addEvent(expected, { status: 500, latencyMs: 30 }), { status: 500, latencyMs: 30 });
  expect(routeCountersFromItem(item).get(route)).toEqual(expected);
  const day = usageFromItems([item]).get('2026-12-01');
  expect(day?.total.requests).toBe(6);
  expect(day?.routes.get(route)?.serverErrors).toBe(2);
});

test('a code this build does not know still counts in the day, under the code', () => {
  const day = usageFromItems([{ pk: 'USAGE#c1', sk: 'DAY#2026-12-01', requests: 3, 'Z9:n': 3, 'Z9:l': 90 }]).get('2026-12-01');
  expect(day?.total.requests).toBe(3);
  expect(day?.routes.get('Z9')?.requests).toBe(3);
});
