// Two gate instances whose clocks differ by up to GATE_CLOCK_SKEW_MS admit one client around a minute edge and a UTC
// day edge (DynamoDB Local): whatever the skew and the interleaving, the two windows together never admit more than
// twice the limit; requests clear of the edge by the clocks' offsets are held to one limit each; and by each function's
// own clock, the window after the edge is never over its limit, the one before by at most what was stamped within
// the skew of the edge.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import type { GateLimits } from '../../../capabilities/gate/admission';
import { admit, GateGuesses } from '../../../capabilities/gate/gate';
import { GATE_CLOCK_SKEW_MS } from '../../../capabilities/gate/windows';
import type { RunningService } from '../../../local/services/child-service';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { createUsageTable, documentClient } from '../analytics/fixtures';

const S = GATE_CLOCK_SKEW_MS;
const TABLE = 'gate-skew';
const LIMIT = 6;
let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
let clients = 0;

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

/** The edge of each case and the limits under which only that edge's window binds. */
const EDGES = {
  minute: {
    edge: Date.UTC(2026, 11, 15, 12, 0, 0),
    limits: { burst: 1_000, ratePerMinute: LIMIT, dailyQuota: 10_000, monthlyQuota: null } satisfies GateLimits,
  },
  day: {
    edge: Date.UTC(2026, 11, 16, 0, 0, 0),
    limits: { burst: 1_000, ratePerMinute: 1_000, dailyQuota: LIMIT, monthlyQuota: null } satisfies GateLimits,
  },
};

interface Call {
  /** True time relative to the edge, ms. */
  readonly t: number;
  /** Instance A's clock runs `offsetA` ahead of true time; instance B's is true. */
  readonly byA: boolean;
}

interface Outcome {
  readonly t: number;
  /** The instance's own clock reading, relative to the edge. */
  readonly stamp: number;
  readonly admitted: boolean;
}

/** Runs the calls in true-time order; calls at the same true instant are in flight at once. */
async function play(edge: keyof typeof EDGES, offsetA: number, calls: readonly Call[]): Promise<Outcome[]> {
  const { edge: at, limits } = EDGES[edge];
  const clientId = `cl_skew_${++clients}`;
  const guesses = { a: new GateGuesses(), b: new GateGuesses() };
  const groups = new Map<number, Call[]>();
  for (const call of [...calls].sort((x, y) => x.t - y.t)) groups.set(call.t, [...(groups.get(call.t) ?? []), call]);
  const outcomes: Outcome[] = [];
  for (const group of groups.values()) {
    const answers = await Promise.all(
      group.map(async (call) => {
        const stamp = call.t + (call.byA ? offsetA : 0);
        const answer = await admit(
          { db, tableName: TABLE },
          { clientId, limits, units: 1, now: new Date(at + stamp) },
          call.byA ? guesses.a : guesses.b,
        );
        return { t: call.t, stamp, admitted: answer.admitted };
      }),
    );
    outcomes.push(...answers);
  }
  return outcomes;
}

function checkSkewBounds(outcomes: readonly Outcome[], offsetA: number): void {
  const admitted = outcomes.filter((o) => o.admitted);
  const count = (keep: (o: Outcome) => boolean) => admitted.filter(keep).length;
  // Both windows together: never more than two limits.
  expect(admitted.length).toBeLessThanOrEqual(2 * LIMIT);
  // Before any clock reached the edge, only the earlier window admits; once every clock is past it, only the later.
  expect(count((o) => o.t < -Math.max(0, offsetA))).toBeLessThanOrEqual(LIMIT);
  expect(count((o) => o.t >= -Math.min(0, offsetA))).toBeLessThanOrEqual(LIMIT);
  // By each function's own clock: the later window is never over; the earlier one by at most what was stamped in
  // the last skew before the edge (those were charged to the later window).
  expect(count((o) => o.stamp >= 0)).toBeLessThanOrEqual(LIMIT);
  expect(count((o) => o.stamp < 0)).toBeLessThanOrEqual(LIMIT + count((o) => o.stamp < 0 && o.stamp >= -S));
}

describe.each(Object.keys(EDGES) as (keyof typeof EDGES)[])('two clocks up to GATE_CLOCK_SKEW_MS apart around a %s edge', (edge) => {
  it('a clock ahead by the whole bound moves the window early: the slower function’s last requests before the edge are charged to the next window, and the two windows admit exactly two limits', async () => {
    const calls: Call[] = [
      // B fills the earlier window well before the edge.
      ...Array.from({ length: LIMIT }, (_, i) => ({ t: -5 * S + i, byA: false })),
      // A, a full skew ahead, already reads past the edge: it starts the later window.
      { t: -S / 2, byA: true },
      // B, still before the edge by its own clock, is admitted into the later window, not refused by the earlier one.
      { t: -S / 4, byA: false },
      // Both fill the later window, and no more.
      ...Array.from({ length: 2 * LIMIT }, (_, i) => ({ t: S + i, byA: i % 2 === 0 })),
    ];
    const outcomes = await play(edge, S, calls);
    expect(outcomes.find((o) => o.t === -S / 4)).toMatchObject({ stamp: -S / 4, admitted: true });
    expect(outcomes.filter((o) => o.admitted)).toHaveLength(2 * LIMIT);
    // B's own clock stamps LIMIT + 1 admissions before the edge: the one within the skew came from the next window.
    expect(outcomes.filter((o) => o.admitted && o.stamp < 0)).toHaveLength(LIMIT + 1);
    checkSkewBounds(outcomes, S);
  });

  it('a clock behind by the whole bound takes from the window another already moved to: it never restarts it', async () => {
    const calls: Call[] = [
      ...Array.from({ length: LIMIT }, (_, i) => ({ t: -5 * S + i, byA: true })),
      // B (true) starts the later window; A, a full skew behind, still reads before the edge for the next second.
      ...Array.from({ length: LIMIT }, (_, i) => ({ t: 10 + i, byA: false })),
      ...Array.from({ length: LIMIT }, (_, i) => ({ t: S / 2 + i, byA: true })),
    ];
    const outcomes = await play(edge, -S, calls);
    // A's requests after B moved the window are refused: the later window is full, and A cannot reopen the earlier.
    expect(outcomes.filter((o) => o.admitted)).toHaveLength(2 * LIMIT);
    expect(outcomes.filter((o) => o.t >= S / 2).every((o) => !o.admitted)).toBe(true);
    checkSkewBounds(outcomes, -S);
  });

  it('property: any skew within the bound, any interleaving of the two functions, parallel calls at one instant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -S, max: S }),
        fc.array(
          fc.record({
            // On a grid of S/8 so that calls often share an instant (and run in parallel).
            t: fc.integer({ min: -24, max: 24 }).map((k) => (k * S) / 8),
            byA: fc.boolean(),
          }),
          { minLength: 1, maxLength: 4 * LIMIT },
        ),
        async (offsetA, calls) => {
          checkSkewBounds(await play(edge, offsetA, calls), offsetA);
        },
      ),
      { numRuns: 25, seed: Number(process.env.GATE_SEED ?? 20) },
    );
  }, 240_000);
});
