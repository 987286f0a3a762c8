// Usage counter values: what the aggregator adds to a counter item and what the analytics read.
// The histogram is stored as numeric attributes lh0..lhN so that UpdateItem can ADD to each one.
// Units are stored as their excess over the requests (`units − requests`, per outcome), so an item counted before
// events carried units reads as 1 unit per request, exactly, and one written by both versions on the day of the
// upgrade reads right too.
// Since issue 23 a day item also holds its routes' counters, as flat attributes `<code>:<field>` beside the day's
// own (ADD needs no map to exist first), so one conditional UpdateItem counts a client-day and one GetItem reads it.
// `<code>` is the route's short code from the route contract; a route without one (and every route counted before
// the codes) is named by its key, `r:<route>:<field>`. Readers sum both forms.
// Since the item shrink (issue 23, "compact" form) a write adds the day's `requests` and its routes' counters as
// `<code><f>` (one character per field, `H0`…`H9` the histogram; `k:<route>:<f>` for a route without a code) and
// no other day total: the day's other totals are the sum of its compact route counters plus whatever day totals
// earlier writes left, so an item written by both forms reads right. Every reader goes through this file.
import { COUNTER_CODE_OF_ROUTE, ROUTE_OF_COUNTER_CODE } from '../../contracts/routes/counter-codes';
import type { UsageEvent } from '../../contracts/usage-event';
import { unitsOfEvent } from '../../contracts/usage-event-id';

/** Upper bounds (inclusive, ms) of the latency histogram buckets; one more bucket holds the rest. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500] as const;
export const HISTOGRAM_SIZE = LATENCY_BUCKETS_MS.length + 1;

export interface CounterValues {
  requests: number;
  clientErrors: number;
  serverErrors: number;
  latencySumMs: number;
  latencyHistogram: number[];
  /** Units of all requests (docs/plans.md "Units"); of the client errors (4xx) and server errors (5xx) among them. */
  units: number;
  clientErrorUnits: number;
  serverErrorUnits: number;
}

/** Attribute names of the counter values on an item. */
export const COUNTER_ATTRIBUTES = {
  requests: 'requests',
  clientErrors: 'clientErrors',
  serverErrors: 'serverErrors',
  latencySumMs: 'latencySumMs',
  histogram: (i: number) => `lh${i}`,
  /** `units − requests`, and the same for client and server errors (see the top of this file). */
  unitsBeyondRequests: 'unitsBeyond',
  clientErrorUnitsBeyond: 'clientErrorUnitsBeyond',
  serverErrorUnitsBeyond: 'serverErrorUnitsBeyond',
} as const;

/**
 * A day item's attributes of one route's counters: `<code>:<field>` for a route with a counter code, else
 * `r:<route>:<field>` (short codes and fields keep the item small: it is billed per KB on every write).
 */
export const ROUTE_ATTRIBUTE_PREFIX = 'r:';
/** `<code>:<field>`: a code as the route contract allows (`counter-codes.ts`), then a field code. */
const CODED_ROUTE_ATTRIBUTE = /^([A-Z][A-Z0-9]?):([a-z]{1,2}\d?)$/;
const ROUTE_FIELDS = {
  requests: 'n',
  clientErrors: 'c',
  serverErrors: 's',
  latencySumMs: 'l',
  histogram: (i: number) => `h${i}`,
  unitsBeyondRequests: 'u',
  clientErrorUnitsBeyond: 'cu',
  serverErrorUnitsBeyond: 'su',
} as const;
type CounterField = keyof typeof ROUTE_FIELDS;
type FieldNames = { readonly [F in CounterField]: F extends 'histogram' ? (i: number) => string : string };

/** Field code → the day's attribute of the same value (so one parser reads every form). */
function dayAttributeOfField(fields: FieldNames): Map<string, string> {
  const keys = Object.keys(COUNTER_ATTRIBUTES) as CounterField[];
  return new Map(
    keys.flatMap((key): [string, string][] => {
      const field = fields[key];
      const day = COUNTER_ATTRIBUTES[key];
      return typeof field === 'function' && typeof day === 'function'
        ? Array.from({ length: HISTOGRAM_SIZE }, (_, i): [string, string] => [field(i), day(i)])
        : [[field as string, day as string]];
    }),
  );
}
const FIELD_OF_ROUTE_CODE = dayAttributeOfField(ROUTE_FIELDS);

/** Counter values as (name, amount to ADD), named by `name`; zeros are left out (absent reads as zero), except requests. */
function namedAmounts(values: CounterValues, name: (field: CounterField, i?: number) => string): [name: string, amount: number][] {
  const beyond = unitsBeyond(values);
  const all: [string, number][] = [
    [name('requests'), values.requests],
    [name('clientErrors'), values.clientErrors],
    [name('serverErrors'), values.serverErrors],
    [name('latencySumMs'), values.latencySumMs],
    ...values.latencyHistogram.map((count, i): [string, number] => [name('histogram', i), count]),
    [name('unitsBeyondRequests'), beyond.all],
    [name('clientErrorUnitsBeyond'), beyond.clientErrors],
    [name('serverErrorUnitsBeyond'), beyond.serverErrors],
  ];
  return all.filter(([, amount], i) => i === 0 || amount !== 0);
}

const fieldName = (fields: FieldNames, field: CounterField, i = 0): string => {
  const f = fields[field];
  return typeof f === 'function' ? f(i) : f;
};

/**
 * The attributes (name, amount to ADD) of counter values in the forms written before the compact one: the day's own
 * names, or with `route` that route's `<code>:<field>` (or `r:<route>:<field>`) names on the day item. Items already
 * in tables hold them (tests build such items with this); the aggregator now writes `dayItemAmounts`.
 */
export function counterAttributeAmounts(values: CounterValues, route?: string): [name: string, amount: number][] {
  const routeCode = route === undefined ? undefined : COUNTER_CODE_OF_ROUTE.get(route);
  return namedAmounts(values, (field, i) => {
    if (route === undefined) return fieldName(COUNTER_ATTRIBUTES, field, i);
    const f = fieldName(ROUTE_FIELDS, field, i);
    return routeCode === undefined ? `${ROUTE_ATTRIBUTE_PREFIX}${route}:${f}` : `${routeCode}:${f}`;
  });
}

/** Compact form: a route's field in one character after its code (`Hn`, `H0`…`H9`), see the top of this file. */
const COMPACT_FIELDS: FieldNames = {
  requests: 'n',
  clientErrors: 'c',
  serverErrors: 's',
  latencySumMs: 'l',
  histogram: (i: number) => String(i),
  unitsBeyondRequests: 'u',
  clientErrorUnitsBeyond: 'v',
  serverErrorUnitsBeyond: 'w',
};
if (HISTOGRAM_SIZE > 10) throw new Error('the compact counter form names histogram buckets by one digit: at most 10');
/** `<code><f>`: a code as the route contract allows (one capital, then at most one capital or digit), then one field character. */
const COMPACT_CODED_ROUTE_ATTRIBUTE = /^([A-Z][A-Z0-9]?)([a-z0-9])$/;
/** Compact form of a route without a code: `k:<route>:<f>`. */
export const COMPACT_ROUTE_ATTRIBUTE_PREFIX = 'k:';
const FIELD_OF_COMPACT_CODE = dayAttributeOfField(COMPACT_FIELDS);

/** A route's counters in the compact form (`<code><f>`, or `k:<route>:<f>` without a code). */
function compactRouteAmounts(values: CounterValues, route: string): [name: string, amount: number][] {
  const code = COUNTER_CODE_OF_ROUTE.get(route);
  return namedAmounts(values, (field, i) => {
    const f = fieldName(COMPACT_FIELDS, field, i);
    return code === undefined ? `${COMPACT_ROUTE_ATTRIBUTE_PREFIX}${route}:${f}` : `${code}${f}`;
  });
}

/**
 * What one write ADDs to a client-day item (the compact form): the day's requests, and each route's counters under
 * its compact names. The day's other totals are not stored: readers sum them from the routes (`countersFromItem`).
 */
export function dayItemAmounts(
  requests: number,
  routes: Iterable<[route: string, values: CounterValues]>,
): [name: string, amount: number][] {
  return [[COUNTER_ATTRIBUTES.requests, requests], ...[...routes].flatMap(([route, values]) => compactRouteAmounts(values, route))];
}

/** One route counter attribute of a day item, parsed: its route, the day attribute of the same value, its form. */
function parseRouteAttribute(name: string): { route: string; field: string | undefined; compact: boolean } | undefined {
  const compact = COMPACT_CODED_ROUTE_ATTRIBUTE.exec(name);
  if (compact)
    return { route: ROUTE_OF_COUNTER_CODE.get(compact[1]) ?? compact[1], field: FIELD_OF_COMPACT_CODE.get(compact[2]), compact: true };
  const coded = CODED_ROUTE_ATTRIBUTE.exec(name);
  if (coded) return { route: ROUTE_OF_COUNTER_CODE.get(coded[1]) ?? coded[1], field: FIELD_OF_ROUTE_CODE.get(coded[2]), compact: false };
  for (const [prefix, fields, isCompact] of [
    [ROUTE_ATTRIBUTE_PREFIX, FIELD_OF_ROUTE_CODE, false],
    [COMPACT_ROUTE_ATTRIBUTE_PREFIX, FIELD_OF_COMPACT_CODE, true],
  ] as const) {
    if (!name.startsWith(prefix)) continue;
    const cut = name.lastIndexOf(':');
    if (cut <= prefix.length) return undefined;
    return { route: name.slice(prefix.length, cut), field: fields.get(name.slice(cut + 1)), compact: isCompact };
  }
  return undefined;
}

/** A day item's route counter attributes summed by route, in day-attribute names; only the compact form's with `compactOnly`. */
function routeFields(item: Record<string, unknown> | undefined, compactOnly: boolean): Map<string, Record<string, number>> {
  const byRoute = new Map<string, Record<string, number>>();
  for (const [name, value] of Object.entries(item ?? {})) {
    if (typeof value !== 'number') continue;
    const parsed = parseRouteAttribute(name);
    if (parsed?.field === undefined || (compactOnly && !parsed.compact)) continue;
    let fields = byRoute.get(parsed.route);
    if (!fields) byRoute.set(parsed.route, (fields = {}));
    fields[parsed.field] = (fields[parsed.field] ?? 0) + value;
  }
  return byRoute;
}

/**
 * The route counters a day item holds (every form: `<code><f>`, `<code>:<field>`, `r:<route>:<field>`,
 * `k:<route>:<f>`, summed when a day has several forms of one route), by route key; empty on an item without any. A
 * code this build does not know (written by a newer one) is reported under the code itself, so the day's total still
 * adds up.
 */
export function routeCountersFromItem(item: Record<string, unknown> | undefined): Map<string, CounterValues> {
  return new Map([...routeFields(item, false)].map(([route, fields]) => [route, dayStyleCounters(fields)]));
}

/** The stored form of the units: each one's excess over its requests. */
export function unitsBeyond(values: CounterValues): { all: number; clientErrors: number; serverErrors: number } {
  return {
    all: values.units - values.requests,
    clientErrors: values.clientErrorUnits - values.clientErrors,
    serverErrors: values.serverErrorUnits - values.serverErrors,
  };
}

export function emptyCounters(): CounterValues {
  return {
    requests: 0,
    clientErrors: 0,
    serverErrors: 0,
    latencySumMs: 0,
    latencyHistogram: new Array(HISTOGRAM_SIZE).fill(0),
    units: 0,
    clientErrorUnits: 0,
    serverErrorUnits: 0,
  };
}

export function latencyBucket(latencyMs: number): number {
  const index = LATENCY_BUCKETS_MS.findIndex((bound) => latencyMs <= bound);
  return index === -1 ? LATENCY_BUCKETS_MS.length : index;
}

/** Adds one event to counter values in place. */
export function addEvent(into: CounterValues, event: Pick<UsageEvent, 'status' | 'latencyMs' | 'units'>): CounterValues {
  const units = unitsOfEvent(event);
  into.requests += 1;
  into.units += units;
  if (event.status >= 400 && event.status < 500) {
    into.clientErrors += 1;
    into.clientErrorUnits += units;
  }
  if (event.status >= 500) {
    into.serverErrors += 1;
    into.serverErrorUnits += units;
  }
  into.latencySumMs += Math.round(event.latencyMs);
  into.latencyHistogram[latencyBucket(event.latencyMs)] += 1;
  return into;
}

export function mergeCounters(into: CounterValues, from: CounterValues): CounterValues {
  into.requests += from.requests;
  into.clientErrors += from.clientErrors;
  into.serverErrors += from.serverErrors;
  into.latencySumMs += from.latencySumMs;
  into.units += from.units;
  into.clientErrorUnits += from.clientErrorUnits;
  into.serverErrorUnits += from.serverErrorUnits;
  from.latencyHistogram.forEach((count, i) => {
    into.latencyHistogram[i] += count;
  });
  return into;
}

/**
 * Reads an item's own counter values (a day's totals, or an old route item's); absent attributes count as zero. On a
 * day item the compact form's route counters add to every total but requests (which every form stores as the day's
 * `requests`), see the top of this file.
 */
export function countersFromItem(item: Record<string, unknown> | undefined): CounterValues {
  const own = dayStyleCounters(item);
  for (const fields of routeFields(item, true).values()) {
    // Without requests: units then read as the excess alone, which is what they add to the day's.
    const { requests: _requests, ...rest } = fields;
    mergeCounters(own, dayStyleCounters(rest));
  }
  return own;
}

/** Counter values from attributes in the day's names (`requests`, `lh0`, …); absent attributes count as zero. */
function dayStyleCounters(item: Record<string, unknown> | undefined): CounterValues {
  const num = (name: string) => (typeof item?.[name] === 'number' ? (item[name] as number) : 0);
  const requests = num(COUNTER_ATTRIBUTES.requests);
  const clientErrors = num(COUNTER_ATTRIBUTES.clientErrors);
  const serverErrors = num(COUNTER_ATTRIBUTES.serverErrors);
  return {
    requests,
    clientErrors,
    serverErrors,
    latencySumMs: num(COUNTER_ATTRIBUTES.latencySumMs),
    latencyHistogram: Array.from({ length: HISTOGRAM_SIZE }, (_, i) => num(COUNTER_ATTRIBUTES.histogram(i))),
    units: requests + num(COUNTER_ATTRIBUTES.unitsBeyondRequests),
    clientErrorUnits: clientErrors + num(COUNTER_ATTRIBUTES.clientErrorUnitsBeyond),
    serverErrorUnits: serverErrors + num(COUNTER_ATTRIBUTES.serverErrorUnitsBeyond),
  };
}

/**
 * Estimates a latency percentile (0 < p ≤ 1) from the histogram: the upper bound of the bucket that
 * holds the p-th request (the last bucket reports the largest bound). 0 when there are no requests.
 */
export function estimatePercentile(histogram: readonly number[], p: number): number {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= rank) return LATENCY_BUCKETS_MS[Math.min(i, LATENCY_BUCKETS_MS.length - 1)];
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1];
}
