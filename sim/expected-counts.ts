// The simulator's oracle: what the counters must hold for a set of usage events, computed here from the
// events alone. It shares no code with capabilities/ (no aggregator, no counters helper), so a bug in the
// production counting code cannot hide by also being in the truth it is checked against.

/** An event's counted fields (the usage event contract's names). */
export interface CountedEvent {
  readonly clientId: string;
  readonly day: string;
  readonly route: string;
  readonly status: number;
  readonly latencyMs: number;
  /** What the request costs (docs/plans.md "Units"); an event without it counts as 1 unit (the usage event contract). */
  readonly units?: number;
}

/**
 * requests, 4xx, 5xx, latency sum, the latency histogram (DESIGN: buckets ≤5, 10, 25, 50, 100, 250, 500, 1,000,
 * 2,500 ms, and the rest), then units of all requests, of the 4xx and of the 5xx.
 */
export type ExpectedValues = readonly number[];

const BUCKET_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500];
export const EXPECTED_WIDTH = 4 + BUCKET_BOUNDS_MS.length + 1 + 3;
const UNITS = 4 + BUCKET_BOUNDS_MS.length + 1;

/** The key of one counter in the oracle: a client's day total (route '') or one route of that day. */
export function expectedKey(clientId: string, day: string, route = ''): string {
  return `${clientId} | ${day} | ${route}`;
}

/** Every counter the events touch, day totals and per-route, with the values it must hold. */
export function expectedCounts(events: Iterable<CountedEvent>): Map<string, ExpectedValues> {
  const out = new Map<string, number[]>();
  const bump = (key: string, event: CountedEvent) => {
    let row = out.get(key);
    if (!row) {
      row = new Array(EXPECTED_WIDTH).fill(0);
      out.set(key, row);
    }
    const units = event.units === undefined ? 1 : event.units;
    row[0] += 1;
    row[UNITS] += units;
    if (event.status >= 400 && event.status <= 499) {
      row[1] += 1;
      row[UNITS + 1] += units;
    }
    if (event.status >= 500) {
      row[2] += 1;
      row[UNITS + 2] += units;
    }
    row[3] += event.latencyMs;
    let bucket = 0;
    while (bucket < BUCKET_BOUNDS_MS.length && event.latencyMs > BUCKET_BOUNDS_MS[bucket]) bucket++;
    row[4 + bucket] += 1;
  };
  for (const event of events) {
    bump(expectedKey(event.clientId, event.day), event);
    bump(expectedKey(event.clientId, event.day, event.route), event);
  }
  return out;
}

/** Only the per-route counters (what one journal's body holds). */
export function expectedRouteCounts(events: Iterable<CountedEvent>): Map<string, ExpectedValues> {
  return new Map([...expectedCounts(events)].filter(([key]) => !key.endsWith(' | ')));
}

export const ZERO: ExpectedValues = new Array(EXPECTED_WIDTH).fill(0);

export function sameValues(a: ExpectedValues | undefined, b: ExpectedValues | undefined): boolean {
  const x = a ?? ZERO;
  const y = b ?? ZERO;
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
