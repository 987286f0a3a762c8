// Pure aggregation: equals a one-event-at-a-time model for any multiset, any order and any batch split.
import fc from 'fast-check';
import {
  aggregateEvents,
  counterId,
  decodeDeltas,
  encodeDeltas,
  aggregateRoutes,
  parseRecord,
  type CountedFields,
} from '../../../capabilities/counting/counter-deltas';
import { addEvent, emptyCounters, mergeCounters, type CounterValues } from '../../../capabilities/usage/counters';

const eventArb = fc.record({
  clientId: fc.constantFrom('c1', 'c2', 'c3'),
  day: fc.constantFrom('2026-01-01', '2026-01-02'),
  route: fc.constantFrom('GET /v1/hello', 'POST /v1/quotes', 'GET /v1/usage'),
  status: fc.integer({ min: 100, max: 599 }),
  latencyMs: fc.double({ min: 0, max: 10_000, noNaN: true }),
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

const values = (m: Map<string, { values: CounterValues }>) => new Map([...m].map(([k, v]) => [k, v.values]));

test('aggregation equals the model and ignores order', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 200 }), fc.infiniteStream(fc.nat()), (events, noise) => {
      const shuffled = [...events].sort(() => (noise.next().value % 3) - 1);
      expect(values(aggregateEvents(events))).toEqual(model(events));
      expect(values(aggregateEvents(shuffled))).toEqual(model(events));
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
        for (const [id, delta] of aggregateEvents(batch)) {
          if (!merged.has(id)) merged.set(id, emptyCounters());
          mergeCounters(merged.get(id)!, delta.values);
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
