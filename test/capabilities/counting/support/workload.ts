// Deterministic usage-event workloads: Zipf-skewed clients and routes, a steady request rate.
import { type UsageEvent, usageEventId } from '../../../../contracts/usage-event';

export { seededRandom as mulberry32 } from '../../../../sim/random';
import { seededRandom as mulberry32 } from '../../../../sim/random';

/** Returns a sampler of 0..n-1 where rank k has weight 1/(k+1)^s. */
export function zipfSampler(n: number, s: number, rng: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** s;
    cdf[k] = total;
  }
  return () => {
    const x = rng() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface WorkloadOptions {
  readonly count: number;
  readonly clients?: number;
  readonly routes?: number;
  readonly seed?: number;
  /** Epoch ms of the first request. */
  readonly startMs?: number;
  readonly ratePerSecond?: number;
  readonly zipfS?: number;
  /** Route keys to draw from (`GET /v1/hello`), most requested first; default `routes` made-up ones (`GET /v1/resource-<i>`). */
  readonly routeKeys?: readonly string[];
}

/** The last UTC midnight: events near it fall on two days, and stay young enough to be counted (claim retention). */
export function lastMidnight(): number {
  const now = Date.now();
  return now - (now % (24 * 3600 * 1000));
}

export function generateEvents(options: WorkloadOptions): UsageEvent[] {
  const rng = mulberry32(options.seed ?? 1);
  const clients = zipfSampler(options.clients ?? 1_000, options.zipfS ?? 1, rng);
  const routes = zipfSampler(options.routeKeys?.length ?? options.routes ?? 10, options.zipfS ?? 1, rng);
  const start = options.startMs ?? lastMidnight() - 60_000;
  const rate = options.ratePerSecond ?? 1_000;
  const hex = () =>
    Math.floor(rng() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  const events: UsageEvent[] = [];
  for (let i = 0; i < options.count; i++) {
    const at = new Date(start + Math.floor((i * 1000) / rate));
    const r = rng();
    const status = r < 0.9 ? 200 : r < 0.97 ? 400 + Math.floor(rng() * 30) : 500 + Math.floor(rng() * 4);
    const routeIndex = routes();
    const named = options.routeKeys?.[routeIndex];
    const method = named?.split(' ')[0] ?? (routeIndex % 3 === 0 ? 'POST' : 'GET');
    events.push({
      v: 1,
      // As the publisher builds it: the request second, then a stand-in for API Gateway's extended request id (the same
      // draws as before ids carried their second, so every workload keeps its clients, routes and times).
      eventId: usageEventId(at, `${hex()}-${hex().slice(0, 4)}-${hex().slice(0, 4)}-${hex()}${hex().slice(0, 4)}`),
      clientId: `client-${String(clients()).padStart(4, '0')}`,
      plan: 'standard',
      route: named ?? `${method} /v1/resource-${routeIndex}`,
      method,
      status,
      latencyMs: Math.round(Math.exp(rng() * 7) * 10) / 10,
      requestTime: at.toISOString(),
      day: at.toISOString().slice(0, 10),
    });
  }
  return events;
}
