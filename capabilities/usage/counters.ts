// Usage counter values: what the aggregator adds to a counter item and what the analytics read.
// The histogram is stored as numeric attributes lh0..lhN so that UpdateItem can ADD to each one.
// Units are stored as their excess over the requests (`units − requests`, per outcome), so an item counted before
// events carried units reads as 1 unit per request, exactly, and one written by both versions on the day of the
// upgrade reads right too.
// Since issue 23 a day item also holds its routes' counters, as flat attributes `<code>:<field>` beside the day's
// own (ADD needs no map to exist first), so one conditional UpdateItem counts a client-day and one GetItem reads it.
// `<code>` is the route's short code from the route contract; a route without one (and every route counted before
// the codes) is named by its key, `r:<route>:<field>`. Readers sum both forms.
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
/** Route field code → the day's attribute of the same value (so one parser reads both). */
const FIELD_OF_ROUTE_CODE = new Map<string, string>([
  [ROUTE_FIELDS.requests, COUNTER_ATTRIBUTES.requests],
  [ROUTE_FIELDS.clientErrors, COUNTER_ATTRIBUTES.clientErrors],
  [ROUTE_FIELDS.serverErrors, COUNTER_ATTRIBUTES.serverErrors],
  [ROUTE_FIELDS.latencySumMs, COUNTER_ATTRIBUTES.latencySumMs],
  [ROUTE_FIELDS.unitsBeyondRequests, COUNTER_ATTRIBUTES.unitsBeyondRequests],
  [ROUTE_FIELDS.clientErrorUnitsBeyond, COUNTER_ATTRIBUTES.clientErrorUnitsBeyond],
  [ROUTE_FIELDS.serverErrorUnitsBeyond, COUNTER_ATTRIBUTES.serverErrorUnitsBeyond],
  ...Array.from({ length: HISTOGRAM_SIZE }, (_, i): [string, string] => [ROUTE_FIELDS.histogram(i), COUNTER_ATTRIBUTES.histogram(i)]),
]);

/**
 * The attributes (name, amount to ADD) that hold counter values: the day's own names, or with `route` that route's
 * `<code>:<field>` (or `r:<route>:<field>`) names on the day item. Zeros are left out (an absent attribute reads as
 * zero), except requests.
 */
export function counterAttributeAmounts(values: CounterValues, route?: string): [name: string, amount: number][] {
  const routeCode = route === undefined ? undefined : COUNTER_CODE_OF_ROUTE.get(route);
  const name = (attribute: keyof typeof ROUTE_FIELDS, i = 0): string => {
    if (route === undefined) {
      const a = COUNTER_ATTRIBUTES[attribute];
      return typeof a === 'function' ? a(i) : a;
    }
    const field = ROUTE_FIELDS[attribute];
    const fieldCode = typeof field === 'function' ? field(i) : field;
    return routeCode === undefined ? `${ROUTE_ATTRIBUTE_PREFIX}${route}:${fieldCode}` : `${routeCode}:${fieldCode}`;
  };
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

/**
 * The route counters a day item holds (`<code>:<field>` and `r:<route>:<field>` attributes, summed when a day has
 * both forms of one route), by route key; empty on an item without any. A code this build does not know (written by
 * a newer one) is reported under the code itself, so the day's total still adds up.
 */
export function routeCountersFromItem(item: Record<string, unknown> | undefined): Map<string, CounterValues> {
  const byRoute = new Map<string, Record<string, number>>();
  for (const [name, value] of Object.entries(item ?? {})) {
    if (typeof value !== 'number') continue;
    let route: string;
    let field: string | undefined;
    const coded = CODED_ROUTE_ATTRIBUTE.exec(name);
    if (coded) {
      route = ROUTE_OF_COUNTER_CODE.get(coded[1]) ?? coded[1];
      field = FIELD_OF_ROUTE_CODE.get(coded[2]);
    } else {
      if (!name.startsWith(ROUTE_ATTRIBUTE_PREFIX)) continue;
      const cut = name.lastIndexOf(':');
      if (cut <= ROUTE_ATTRIBUTE_PREFIX.length) continue;
      route = name.slice(ROUTE_ATTRIBUTE_PREFIX.length, cut);
      field = FIELD_OF_ROUTE_CODE.get(name.slice(cut + 1));
    }
    if (field === undefined) continue;
    let fields = byRoute.get(route);
    if (!fields) byRoute.set(route, (fields = {}));
    fields[field] = (fields[field] ?? 0) + value;
  }
  return new Map([...byRoute].map(([route, fields]) => [route, countersFromItem(fields)]));
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

/** Reads counter values from a stored item; absent attributes count as zero. */
export function countersFromItem(item: Record<string, unknown> | undefined): CounterValues {
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
