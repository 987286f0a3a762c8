// Units counted beside requests: per outcome, through the journal body (old bodies too) and the stored item (old items too).
import { deflateRawSync } from 'node:zlib';
import { addEvent, COUNTER_ATTRIBUTES, countersFromItem, emptyCounters, unitsBeyond } from '../../../capabilities/usage/counters';
import { aggregateRoutes, decodeDeltas, encodeDeltas } from '../../../capabilities/counting/counter-deltas';
import { payloadFingerprint } from '../../../capabilities/counting/keys';
import { usageEventV1, type UsageEvent } from '../../../contracts/usage-event';

const base: UsageEvent = {
  v: 1,
  eventId: 'tmzn0g.abc',
  clientId: 'c1',
  plan: 'standard',
  route: 'POST /v1/quotes',
  method: 'POST',
  status: 200,
  latencyMs: 12,
  requestTime: '2026-12-01T10:00:00.000Z',
  day: '2026-12-01',
};

describe('units in counts', () => {
  it('adds each event’s units, and those of its 4xx and 5xx apart; an event without units is 1', () => {
    const values = emptyCounters();
    addEvent(values, { ...base, units: 3 });
    addEvent(values, { ...base, status: 429, units: 5 });
    addEvent(values, { ...base, status: 503, units: 0 });
    addEvent(values, { ...base, status: 400 }); // published before events carried units
    expect(values).toMatchObject({ requests: 4, units: 9, clientErrors: 2, clientErrorUnits: 6, serverErrors: 1, serverErrorUnits: 0 });
  });

  it('a journal body carries the units; one written before units reads as 1 unit a request', () => {
    const deltas = [
      ...aggregateRoutes([
        { ...base, units: 7 },
        { ...base, status: 404, units: 2 },
      ]).values(),
    ];
    const [decoded] = decodeDeltas(encodeDeltas(deltas));
    expect(decoded.values).toEqual(deltas[0].values);
    expect(decoded.values).toMatchObject({ requests: 2, units: 9, clientErrorUnits: 2 });

    const oldRow = ['c1', '2026-12-01', 'GET /v1/hello', 4, 1, 1, 40, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const [old] = decodeDeltas(deflateRawSync(Buffer.from(JSON.stringify([oldRow]))));
    expect(old.values).toMatchObject({ requests: 4, units: 4, clientErrors: 1, clientErrorUnits: 1, serverErrorUnits: 1 });
  });

  it('a stored item keeps units as their excess over requests, so an item counted before units reads exactly', () => {
    expect(countersFromItem({ requests: 5, clientErrors: 2 })).toMatchObject({ units: 5, clientErrorUnits: 2, serverErrorUnits: 0 });
    const values = addEvent(addEvent(emptyCounters(), { ...base, units: 4 }), { ...base, status: 401, units: 0 });
    const beyond = unitsBeyond(values);
    // An item with 3 requests counted before units, then these two added by ADD: 3 + 4 + 0 units.
    const item = {
      [COUNTER_ATTRIBUTES.requests]: 3 + values.requests,
      [COUNTER_ATTRIBUTES.clientErrors]: values.clientErrors,
      [COUNTER_ATTRIBUTES.unitsBeyondRequests]: beyond.all,
      [COUNTER_ATTRIBUTES.clientErrorUnitsBeyond]: beyond.clientErrors,
    };
    expect(countersFromItem(item)).toMatchObject({ requests: 5, units: 7, clientErrors: 1, clientErrorUnits: 0 });
  });

  it('the fingerprint of an event without units is the one it was claimed with before units existed', () => {
    expect(usageEventV1.parse(base).units).toBeUndefined();
    expect(payloadFingerprint({ ...base, units: undefined })).toEqual(payloadFingerprint(base));
    expect(payloadFingerprint({ ...base, units: 1 })).not.toEqual(payloadFingerprint(base));
  });
});
