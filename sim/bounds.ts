// The bounds knob (issue 19, edges 3 and 5), from a generator of its own (seed × 86,028,121 + 73, so runs without it
// keep their schedules): events sent from beyond the future bound, the age at which the very old copy comes back
// (past the claim retention, between the too-old bound and the retention, or just inside the bound), and runs whose
// aggregators keep the product's defaults for the claim retention and the write concurrency. sim/refusal-monitor.ts
// judges each refusal; the checker, the counts.
import { type UsageEvent, usageEventId, utcDay } from '../contracts/usage-event';
import { MAX_FUTURE_SKEW_MS } from '../contracts/usage-queue';
import { between, chance, pick, type Random, seededRandom } from './random';
import type { Send } from './workload';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How old the very old copy is when it comes back: `past` the claim retention plus a day (as before this knob);
 * `refused`, half a day short of the retention, older than the too-old bound (retention minus a day) while its claims
 * still live; `inside`, an hour inside the bound, where it must be met as the duplicate it is.
 */
export type LateCopyAge = 'past' | 'refused' | 'inside';

export interface Bounds {
  /** Events whose request time is beyond the future bound when sent: refused until their time comes, then counted. */
  readonly future: readonly Send[];
  /** The very old copy comes back even when the run's main draw says not, at this age. */
  readonly lateCopy: LateCopyAge | undefined;
  /** The aggregators keep the product's defaults (claim retention, concurrency) instead of the run's values. */
  readonly defaults: boolean;
}

export const NO_BOUNDS: Bounds = { future: [], lateCopy: undefined, defaults: false };

/** The knob, in about one run of two; future events only where `futureAllowed` (no gate plans, no replay phase). */
export function drawBounds(seed: number, start: number, futureAllowed: boolean): Bounds {
  const random = seededRandom((seed * 86_028_121 + 73) >>> 0);
  if (!chance(random, 0.5)) return NO_BOUNDS;
  const future = chance(random, 0.5) ? between(random, 1, 2) : 0;
  return {
    lateCopy: chance(random, 0.4) ? pick(random, ['past', 'refused', 'refused', 'inside'] as const) : undefined,
    defaults: chance(random, 0.4),
    future: futureAllowed ? futureSends(random, future, start) : [],
  };
}

/** Future events' sends: each sent in the run's first 2 s with a request time 1 s to 2 min beyond the bound. */
function futureSends(random: Random, count: number, start: number): Send[] {
  return Array.from({ length: count }, (_, i) => {
    const at = between(random, 0, 2_000);
    const requestTime = new Date(start + at + MAX_FUTURE_SKEW_MS + between(random, 1_000, 120_000));
    const event: UsageEvent = {
      v: 1,
      eventId: usageEventId(requestTime, `future-${i}`),
      clientId: 'client-1',
      plan: 'standard',
      route: 'GET /v1/hello',
      method: 'GET',
      status: 200,
      latencyMs: between(random, 1, 3_000),
      requestTime: requestTime.toISOString(),
      day: utcDay(requestTime),
      units: between(random, 0, 3),
    };
    return { at, body: JSON.stringify(event), event, kind: 'future' as const };
  });
}

/** When the late copy of an event sent at `requestTime` comes back, for each age (`past` from the run's end). */
export function lateCopyAt(age: LateCopyAge, requestTime: number, runEnd: number, retentionMs: number): number {
  if (age === 'refused') return Math.max(runEnd, requestTime + retentionMs - DAY_MS / 2);
  if (age === 'inside') return Math.max(runEnd, requestTime + retentionMs - DAY_MS - HOUR_MS);
  return runEnd + retentionMs + DAY_MS;
}
