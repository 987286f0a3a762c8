// Usage counter values: what the aggregator adds to a counter item and what the analytics read.
// The histogram is stored as numeric attributes lh0..lhN so that UpdateItem can ADD to each one.
// Units are stored as their excess over the requests (`units − requests`, per outcome), so an item counted before
// events carried units reads as 1 unit per request, exactly, and one written by both versions on the day of the
// upgrade reads right too.
import { unitsOfEvent, type UsageEvent } from '../../contracts/usage-event';

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
