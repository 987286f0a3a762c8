// The numbers the analytics report from counter values, with one rounding rule for all of them:
// half away from zero, latency to 0.1 ms, averages and percentages to 0.01.
import { estimatePercentile, type CounterValues } from '../usage/counters';

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return (Math.sign(value) * Math.round((Math.abs(value) + Number.EPSILON) * factor)) / factor;
}

/** Mean latency of the counted requests in ms, to 0.1 ms; 0 when there were none. */
export function averageLatencyMs(counters: CounterValues): number {
  return counters.requests > 0 ? roundTo(counters.latencySumMs / counters.requests, 1) : 0;
}

/** 95th percentile latency estimated from the histogram: the upper bound (ms) of the bucket holding it. */
export function p95LatencyMs(counters: CounterValues): number {
  return estimatePercentile(counters.latencyHistogram, 0.95);
}

/** `part` as a percentage of `whole`, to 0.01; 0 when `whole` is 0. */
export function percentOf(part: number, whole: number): number {
  return whole > 0 ? roundTo((100 * part) / whole, 2) : 0;
}
