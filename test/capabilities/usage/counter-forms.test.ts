// The compact counter form (issue 23, the item shrink) beside the forms items already in tables hold: every reader
// of counters gives the same answers for an old-form and a new-form item of the same events, and for an item that
// both wrote (the day of the upgrade); and a busy client-day on the contract's routes stays within one write unit.
import { dayTotalRequests, readCounters } from '../../../sim/read-counters';
import { decodePart, encodeArchive } from '../../../capabilities/archive/counter-archive';
import {
  addEvent,
  COUNTER_ATTRIBUTES,
  counterAttributeAmounts,
  countersFromItem,
  type CounterValues,
  dayItemAmounts,
  emptyCounters,
  mergeCounters,
  routeCountersFromItem,
} from '../../../capabilities/usage/counters';
import { usageFromItems } from '../../../capabilities/usage/usage-reader';
import { ENDPOINTS } from '../../../contracts/routes/endpoints';
import { routeKey } from '../../../contracts/routes/route';
import { itemKey } from '../../../contracts/table';

type Item = Record<string, unknown>;
const CLIENT = 'c_01JDQ3K8Z4W6T2N5R7V9XB1M3E';
const DAY = '2026-12-02';
const ROUTES = [...ENDPOINTS.map((e) => routeKey(e)), 'GET /v1/not-in-the-contract'];

/** A day of events on every route: statuses, latencies across the histogram, units above 1 on some. */
function dayOfEvents(seed: number): Map<string, CounterValues> {
  const byRoute = new Map<string, CounterValues>();
  let x = seed;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
  for (let i = 0; i < 400; i++) {
    const route = ROUTES[Math.floor(next() * ROUTES.length)];
    const status = [200, 200, 200, 201, 400, 404, 429, 500, 503][Math.floor(next() * 9)];
    const units = next() < 0.2 ? 3 : undefined;
    const values = byRoute.get(route) ?? emptyCounters();
    byRoute.set(route, addEvent(values, { status, latencyMs: next() * 4_000, units }));
  }
  return byRoute;
}

const total = (routes: Map<string, CounterValues>) => [...routes.values()].reduce((t, v) => mergeCounters(t, v), emptyCounters());
const dayItem = (amounts: [string, number][]): Item => ({
  ...itemKey.dayCounter(CLIENT, DAY),
  clientId: CLIENT,
  day: DAY,
  ...Object.fromEntries(amounts),
});
/** An item as the aggregator wrote it before the shrink: the day's totals and each route's `<code>:<field>` counters. */
const oldForm = (routes: Map<string, CounterValues>) =>
  dayItem([...counterAttributeAmounts(total(routes)), ...[...routes].flatMap(([route, v]) => counterAttributeAmounts(v, route))]);
/** Before the route codes too: `r:<route>:<field>`. */
const beforeCodes = (routes: Map<string, CounterValues>) =>
  dayItem([
    ...counterAttributeAmounts(total(routes)),
    ...[...routes].flatMap(([route, v]) =>
      counterAttributeAmounts(v, route).map(([name, n]): [string, number] => [name.replace(/^[A-Z][A-Z0-9]?:/, `r:${route}:`), n]),
    ),
  ]);
const newForm = (routes: Map<string, CounterValues>) => dayItem(dayItemAmounts(total(routes).requests, routes));

/** Two writes' ADDs to one item: numbers summed, the rest kept. */
function bothWrote(a: Item, b: Item): Item {
  const out: Item = { ...a };
  for (const [name, value] of Object.entries(b)) out[name] = typeof value === 'number' ? Number(out[name] ?? 0) + value : value;
  return out;
}

/** What every reader of counters answers for these items. */
function readers(items: Item[]) {
  const [day] = items;
  const archived = encodeArchive(DAY, items.map((item, i) => ({ ...item, archivePart: `p${i}` })) as never);
  return {
    // GET /v1/usage, /v1/usage/daily, admin, twin dashboard, statements, exports, gate seed, daily job: usageFromItems.
    usage: usageFromItems(items).get(DAY),
    // The archive's parts read back the same way (statements and exports of archived days).
    archived: usageFromItems(archived.parts.flatMap((p) => decodePart(p.body))).get(DAY),
    // Reconcile and the sim's checker: the day item's own totals and its routes.
    dayTotals: countersFromItem(day),
    routes: routeCountersFromItem(day),
    sim: readCounters(items),
    // Alerts, the alert sweeper and the archive's delete guard read the `requests` attribute alone.
    requestsAttribute: day[COUNTER_ATTRIBUTES.requests],
    simDayTotal: dayTotalRequests(day),
  };
}

test.each([1, 2, 3])('an old-form and a new-form item of the same events read the same in every reader (seed %i)', (seed) => {
  const routes = dayOfEvents(seed);
  const expected = readers([newForm(routes)]);
  expect(expected.dayTotals).toEqual(total(routes));
  expect(expected.routes).toEqual(routes);
  expect(expected.usage?.total).toEqual(total(routes));
  expect(readers([oldForm(routes)])).toEqual(expected);
  expect(readers([beforeCodes(routes)])).toEqual(expected);
});

test('an item both forms wrote (the day of the upgrade) reads as the sum of both writes', () => {
  const before = dayOfEvents(4);
  const after = dayOfEvents(5);
  const all = new Map(
    ROUTES.map((r) => [
      r,
      mergeCounters(mergeCounters(emptyCounters(), before.get(r) ?? emptyCounters()), after.get(r) ?? emptyCounters()),
    ]),
  );
  const mixed = bothWrote(oldForm(before), newForm(after));
  expect(readers([mixed])).toEqual(readers([newForm(all)]));
  expect(readers([bothWrote(beforeCodes(before), newForm(after))])).toEqual(readers([newForm(all)]));
});

/** DynamoDB's item size: UTF-8 bytes of each name, of each string, and (digits + 1) / 2 + 1 for a number. */
function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (typeof value === 'number') bytes += Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').replace(/^0+/, '').length / 2) + 1;
    else bytes += Buffer.byteLength(String(value));
  }
  return bytes;
}

test("a busy client-day on the contract's routes stays within one write unit (1 KB) in the new form", () => {
  // Every route with every field set and day-sized numbers: 1,000,000 requests a route, every bucket, errors, units.
  const busy = () => {
    const v = emptyCounters();
    v.requests = 1_000_000;
    v.clientErrors = 54_321;
    v.serverErrors = 1_234;
    v.latencySumMs = 987_654_321;
    v.latencyHistogram = v.latencyHistogram.map((_, i) => 123_457 + i);
    v.units = 2_345_678;
    v.clientErrorUnits = 65_432;
    v.serverErrorUnits = 2_345;
    return v;
  };
  const routes = new Map(ENDPOINTS.map((e) => [routeKey(e), busy()]));
  // Three journal markers (`m_` + 12 characters) at once: more than prod's pollers leave at its fill.
  const markers = { m_0123456789ab: 1, m_0123456789ac: 1, m_0123456789ad: 1 };
  const compact = itemBytes({ ...newForm(routes), ...markers });
  const old = itemBytes({ ...oldForm(routes), ...markers });
  expect(compact).toBeLessThanOrEqual(1024);
  expect(compact).toBeLessThan(old);
});
