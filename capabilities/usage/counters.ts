// Usage counter values: what the aggregator adds to a counter item and what the analytics read.
// The histogram is stored as numeric attributes lh0..lhN so that UpdateItem can ADD to each one.
import type { UsageEvent } from '../../contracts/usage-event';

/** Upper bounds (inclusive, ms) of the latency histogram buckets; one more bucket holds the rest. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500] as const;
export const HISTOGRAM_SIZE = LATENCY_BUCKETS_MS.length + 1;

export interface CounterValues {
  requests: number;
  clientErrors: number;
  serverErrors: number;
  latencySumMs: number;
  latencyHistogram: number[];
}

/** Attribute names of the counter values on an item. */
export const COUNTER_ATTRIBUTES = {
  requests: 'requests',
  clientErrors: 'clientErrors',
  serverErrors: 'serverErrors',
  latencySumMs: 'latencySumMs',
  histogram: (i: number) => `lh${i}`,
} as const;

export function emptyCounters(): CounterValues {
  return { requests: 0, clientErrors: 0, serverErrors: 0, latencySumMs: 0, latencyHistogram: new Array(HISTOGRAM_SIZE).fill(0) };
}

export function latencyBucket(latencyMs: number): number {
  const index = LATENCY_BUCKETS_MS.findIndex((bound) => latencyMs <= bound);
  return index === -1 ? LATENCY_BUCKETS_MS.length : index;
}

/** Adds one event to counter values in place. */
export function addEvent(into: CounterValues, event: Pick<UsageEvent, 'status' | 'latencyMs'>): CounterValues {
  into.requests += 1;
  if (event.status >= 400 && event.status < 500) into.clientErrors += 1;
  if (event.status >= 500) into.serverErrors += 1;
  into.latencySumMs += Math.round(event.latencyMs);
  into.latencyHistogram[latencyBucket(event.latencyMs)] += 1;
  return into;
}

export function mergeCounters(into: CounterValues, from: CounterValues): CounterValues {
  into.requests += from.requests;
  into.clientErrors += from.clientErrors;
  into.serverErrors += from.serverErrors;
  into.latencySumMs += from.latencySumMs;
  from.latencyHistogram.forEach((count, i) => {
    into.latencyHistogram[i] += count;
  });
  return into;
}

/** Reads counter values from a stored item; absent attributes count as zero. */
export function countersFromItem(item: Record<string, unknown> | undefined): CounterValues {
  const num = (name: string) => (typeof item?.[name] === 'number' ? (item[name] as number) : 0);
  return {
    requests: num(COUNTER_ATTRIBUTES.requests),
    clientErrors: num(COUNTER_ATTRIBUTES.clientErrors),
    serverErrors: num(COUNTER_ATTRIBUTES.serverErrors),
    latencySumMs: num(COUNTER_ATTRIBUTES.latencySumMs),
    latencyHistogram: Array.from({ length: HISTOGRAM_SIZE }, (_, i) => num(COUNTER_ATTRIBUTES.histogram(i))),
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
