// Pure aggregation: equals a one-event-at-a-time model for any multiset, any order and any batch split.
import fc from 'fast-check';
import {
  counterId,
  decodeDeltas,
  encodeDeltas,
  aggregateRoutes,
  dayDeltas,
  parseRecord,
  type CountedFields,
} from '../../../capabilities/counting/counter-deltas';
import { deflateRawSync } from 'node:zlib';
import { addEvent, emptyCounters, HISTOGRAM_SIZE, mergeCounters, type CounterValues } from '../../../capabilities/usage/counters';

const eventArb = fc.record({
  clientId: fc.constantFrom('c1', 'c2', 'c3'),
  day: fc.constantFrom('2026-01-01', '2026-01-02'),
  route: fc.constantFrom('GET /v1/hello', 'POST /v1/quotes', 'GET /v1/usage'),
  status: fc.integer({ min: 100, max: 599 }),
  latencyMs: fc.double({ min: 0, max: 10_000, noNaN: true }),
  units: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
});

/** The model: every event adds itself to its route counter and its day counter. */
function model(events: readonly CountedFields[]): Map<string, CounterValues> {
  const out = new Map<string, CounterValues>();
  const bump = (id: string, e: CountedFields) => {
    if (!out.has(id)) out.set(id, emptyCounters());
    addEvent(out.get(id)!, e);
  };
  for (const e of events) {
    bump(counterId(e), e);
    bump(counterId({ clientId: e.clientId, day: e.day }), e);
  }
  return out;
}

/** What the aggregator adds for a batch (aggregateRoutes, then dayDeltas): its route and day counters by counterId. */
function aggregate(events: readonly CountedFields[]): Map<string, CounterValues> {
  const out = new Map<string, CounterValues>();
  for (const day of dayDeltas(aggregateRoutes(events).values())) {
    out.set(counterId(day), day.total);
    for (const [route, values] of day.routes) out.set(counterId({ ...day, route }), values);
  }
  return out;
}

test('aggregation equals the model and ignores order', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 200 }), fc.infiniteStream(fc.nat()), (events, noise) => {
      const shuffled = [...events].sort(() => (noise.next().value % 3) - 1);
      expect(aggregate(events)).toEqual(model(events));
      expect(aggregate(shuffled)).toEqual(model(events));
    }),
    { numRuns: 200 },
  );
});

test('any split into batches, merged, equals the whole', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 10 }), (events, cuts) => {
      const points = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
      const batches: CountedFields[][] = [];
      let from = 0;
      for (const p of [...points, events.length]) {
        batches.push(events.slice(from, p));
        from = p;
      }
      const merged = new Map<string, CounterValues>();
      for (const batch of batches) {
        for (const [id, values] of aggregate(batch)) {
          if (!merged.has(id)) merged.set(id, emptyCounters());
          mergeCounters(merged.get(id)!, values);
        }
      }
      expect(merged).toEqual(model(events));
    }),
    { numRuns: 200 },
  );
});

test('journal encoding round-trips the deltas exactly', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 100 }), (events) => {
      const deltas = [...aggregateRoutes(events).values()];
      expect(decodeDeltas(encodeDeltas(deltas))).toEqual(deltas);
    }),
  );
});

test('poison records are named by reason without their body', () => {
  const secret = 'tok_live_should_not_leak';
  expect(parseRecord({ id: 'a', body: 'not json' })).toEqual({ kind: 'poison', id: 'a', reason: 'body is not JSON' });
  expect(parseRecord({ id: 'b', body: JSON.stringify({ v: 2 }) })).toMatchObject({
    kind: 'poison',
    reason: 'unknown usage event version: 2',
  });
  const invalid = parseRecord({ id: 'c', body: JSON.stringify({ v: 1, eventId: secret, status: 'x' }) });
  expect(invalid.kind).toBe('poison');
  expect(JSON.stringify(invalid)).not.toContain(secret);
  expect((invalid as { reason: string }).reason).toMatch(/status/);
});

test('each poison reason, exactly: the version (cut to 16 characters), at most 5 distinct field paths, (root)', () => {
  const reason = (body: string) => (parseRecord({ id: 'x', body }) as { reason?: string }).reason;
  expect(reason('null')).toBe('unknown usage event version: null');
  expect(reason('{}')).toBe('unknown usage event version: null');
  expect(reason('{"v":"0123456789abcdefghij"}')).toBe('unknown usage event version: "0123456789abcde');
  expect(reason('{"v":1}')).toBe('invalid usage event: eventId, clientId, plan, route, method');
  const valid = {
    v: 1,
    eventId: 'e',
    clientId: 'c',
    plan: 'p',
    route: 'GET /v1/hello',
    method: 'GET',
    status: 200,
    latencyMs: 1,
    requestTime: '2026-01-01T00:00:00Z',
    day: '2026-01-01',
  };
  expect(parseRecord({ id: 'x', body: JSON.stringify(valid) })).toEqual({ kind: 'event', id: 'x', event: valid });
  expect(reason(JSON.stringify({ ...valid, status: 1.5 }))).toBe('invalid usage event: status');
  expect(reason(JSON.stringify({ ...valid, status: 50.5, latencyMs: -1 }))).toBe('invalid usage event: status, latencyMs');
  expect(reason(JSON.stringify({ ...valid, status: 1.5, extra: 1, more: 2 }))).toBe('invalid usage event: status, (root)');
});

test('one delta per client-day: its total and each route, whatever the order', () => {
  const counted = (requests: number) => ({ ...emptyCounters(), requests, units: requests });
  const deltas = dayDeltas([
    { clientId: 'a', day: '2026-01-01', route: 'GET /v1/hello', values: counted(2) },
    { clientId: 'b', day: '2026-01-01', route: 'GET /v1/hello', values: counted(5) },
    { clientId: 'a', day: '2026-01-01', route: 'POST /v1/quotes', values: counted(3) },
    { clientId: 'a', day: '2026-01-02', route: 'GET /v1/hello', values: counted(7) },
    { clientId: 'a', day: '2026-01-01', route: 'GET /v1/hello', values: counted(1) },
  ]);
  expect(deltas.map((d) => [d.clientId, d.day, d.total.requests, [...d.routes].map(([r, v]) => [r, v.requests])])).toEqual([
    [
      'a',
      '2026-01-01',
      6,
      [
        ['GET /v1/hello', 3],
        ['POST /v1/quotes', 3],
      ],
    ],
    ['b', '2026-01-01', 5, [['GET /v1/hello', 5]]],
    ['a', '2026-01-02', 7, [['GET /v1/hello', 7]]],
  ]);
});

test('a journal body written before events carried units (a bare array of rows) reads as 1 unit per request', () => {
  const histogram = [1, 0, 2, 0, 0, 0, 0, 1];
  const rows = [['c1', '2026-01-01', 'GET /v1/hello', 4, 1, 2, 900, ...histogram]];
  const [delta] = decodeDeltas(deflateRawSync(Buffer.from(JSON.stringify(rows))));
  expect(delta).toEqual({
    clientId: 'c1',
    day: '2026-01-01',
    route: 'GET /v1/hello',
    values: {
      requests: 4,
      clientErrors: 1,
      serverErrors: 2,
      latencySumMs: 900,
      // Written when the histogram had fewer buckets: the rest are zero.
      latencyHistogram: [...histogram, ...new Array(HISTOGRAM_SIZE - histogram.length).fill(0)],
      units: 4,
      clientErrorUnits: 1,
      serverErrorUnits: 2,
    },
  });
  expect(delta.values.latencyHistogram).toHaveLength(HISTOGRAM_SIZE);
});
