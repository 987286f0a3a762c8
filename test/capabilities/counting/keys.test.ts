// The aggregator's own keys and fingerprints (capabilities/counting/keys.ts) and its per-container memory
// (journal-cache.ts): what the simulator cannot tell apart (issue 19 §2) pinned here — journal ids' shape and
// entropy, which fields a payload fingerprint covers, the claim page of an id with and without its second, and
// the bounded maps' eviction.
import { createHash } from 'node:crypto';
import { BoundedMap, JournalCache } from '../../../capabilities/counting/journal-cache';
import {
  claimPageOf,
  claimSecondOf,
  eventHash,
  markerAttribute,
  newJournalId,
  payloadFingerprint,
  secondDisagrees,
} from '../../../capabilities/counting/keys';
import { AGGREGATOR_ATTRIBUTES } from '../../../contracts/table';
import type { UsageEvent } from '../../../contracts/usage-event';

test('journal ids: 12 base-36 characters, from 64 random bits (seeded or not), all distinct', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 2_000; i++) ids.add(newJournalId());
  expect(ids.size).toBe(2_000);
  for (const id of ids) expect(id).toMatch(/^[0-9a-z]{12}$/);

  // A seeded source: both halves are used, so ids differing in either half differ.
  const from = (...draws: number[]) => {
    const queue = [...draws];
    return newJournalId(() => queue.shift() ?? 0);
  };
  expect(from(0, 0)).toBe('000000000000');
  expect(from(0, 0.5)).toBe((2n ** 31n).toString(36).padStart(12, '0'));
  expect(from(0.5, 0)).toBe((2n ** 63n).toString(36).padStart(13, '0').slice(-12));
  expect(from(0.25, 0.75)).toBe((((2n ** 30n) << 32n) | (3n * 2n ** 30n)).toString(36).padStart(12, '0'));
  const seeded = new Set<string>();
  let x = 1;
  const lcg = () => {
    x = (x * 48_271) % 2_147_483_647;
    return x / 2_147_483_647;
  };
  for (let i = 0; i < 2_000; i++) seeded.add(newJournalId(lcg));
  expect(seeded.size).toBe(2_000);
  for (const id of seeded) expect(id).toMatch(/^[0-9a-z]{12}$/);
  expect(markerAttribute('abc')).toBe(`${AGGREGATOR_ATTRIBUTES.markerPrefix}abc`);
});

const event: UsageEvent = {
  v: 1,
  eventId: 'tf1abc.req-1',
  clientId: 'c1',
  plan: 'standard',
  route: 'GET /v1/hello',
  method: 'GET',
  status: 200,
  latencyMs: 12,
  requestTime: '2026-11-27T12:00:00.000Z',
  day: '2026-11-27',
};

test('a payload fingerprint covers every counted field (units only when present), 4 bytes', () => {
  const print = payloadFingerprint(event).toString('hex');
  expect(print).toHaveLength(8);
  expect(payloadFingerprint({ ...event }).toString('hex')).toBe(print);
  // The eventId is the claim's key, not part of the payload.
  expect(payloadFingerprint({ ...event, eventId: 'other.req-2' }).toString('hex')).toBe(print);
  const changed: Partial<UsageEvent>[] = [
    { clientId: 'c2' },
    { plan: 'gold' },
    { route: 'POST /v1/quotes' },
    { method: 'POST' },
    { status: 404 },
    { latencyMs: 13 },
    { requestTime: '2026-11-27T12:00:01.000Z' },
    { day: '2026-11-28' },
    { units: 1 },
  ];
  for (const change of changed) expect([change, payloadFingerprint({ ...event, ...change }).toString('hex')]).not.toEqual([change, print]);
  expect(payloadFingerprint({ ...event, units: 2 }).toString('hex')).not.toBe(payloadFingerprint({ ...event, units: 1 }).toString('hex'));
  // An event published before units keeps the fingerprint its claims were written with: sha256 of its fields.
  const fields = ['c1', 'standard', 'GET /v1/hello', 'GET', 200, 12, '2026-11-27T12:00:00.000Z', '2026-11-27'].join('\u0000');
  expect(print).toBe(createHash('sha256').update(fields).digest().subarray(0, 4).toString('hex'));
  expect(payloadFingerprint({ ...event, units: 3 }).toString('hex')).toBe(
    createHash('sha256').update(`${fields}\u0000u3`).digest().subarray(0, 4).toString('hex'),
  );
  expect(eventHash('x')).toHaveLength(16);
});

test("claim second and page: the id's second, else the requestTime's; the shard from the hash's first byte", () => {
  const second = Date.parse('2026-11-27T12:00:00.000Z') / 1000;
  const id = `${second.toString(36)}.req-1`;
  expect(claimSecondOf({ eventId: id, requestTime: '2020-01-01T00:00:00.000Z' })).toBe(second);
  expect(claimSecondOf({ eventId: 'legacy-id', requestTime: '2026-11-27T12:00:00.900Z' })).toBe(second);
  expect(secondDisagrees({ eventId: id, requestTime: '2026-11-27T12:00:00.999Z' })).toBe(false);
  expect(secondDisagrees({ eventId: id, requestTime: '2026-11-27T12:00:01.000Z' })).toBe(true);
  expect(secondDisagrees({ eventId: 'legacy-id', requestTime: '2026-11-27T12:00:01.000Z' })).toBe(false);

  const hash = Buffer.from([7, 1, 2]);
  const page = (shards: number) => claimPageOf({ eventId: id, requestTime: '2020-01-01T00:00:00.000Z' }, hash, shards);
  expect(page(1)).toBe('CLAIM#2026-11-27T12:00:00#0');
  expect(page(0)).toBe('CLAIM#2026-11-27T12:00:00#0');
  expect(page(2)).toBe('CLAIM#2026-11-27T12:00:00#1');
  expect(page(4)).toBe('CLAIM#2026-11-27T12:00:00#3');
  expect(page(8)).toBe('CLAIM#2026-11-27T12:00:00#7');
});

test('a bounded map forgets its oldest entry; setting a key again makes it the newest', () => {
  const map = new BoundedMap<string, number>(2);
  map.set('a', 1).set('b', 2);
  expect([...map]).toEqual([
    ['a', 1],
    ['b', 2],
  ]);
  map.set('a', 3);
  expect([...map.keys()]).toEqual(['b', 'a']);
  map.set('c', 4);
  expect([...map]).toEqual([
    ['a', 3],
    ['c', 4],
  ]);
});

test('the journal cache: final journals remembered, read back as heads; complete before a time only when complete', () => {
  const cache = new JournalCache();
  expect(cache.pendingSweptAt).toBe(Number.NEGATIVE_INFINITY);
  cache.remember(undefined);
  cache.remember({ journalId: 'p', status: 'pending', leaseUntil: 5 });
  cache.remember({ journalId: 'k', status: 'claiming', leaseUntil: 5 });
  expect(cache.final.size).toBe(0);
  cache.remember({ journalId: 'c', status: 'complete', leaseUntil: 5, completedAt: 1_000 });
  cache.remember({ journalId: 'z', status: 'complete', leaseUntil: 5 });
  cache.remember({ journalId: 'x', status: 'aborted', leaseUntil: 5, completedAt: 1_000 });
  expect([...cache.final]).toEqual([
    ['c', 1_000],
    ['z', 0],
    ['x', -1],
  ]);
  expect(cache.known('p')).toBeUndefined();
  expect(cache.known('c')).toEqual({ journalId: 'c', status: 'complete', leaseUntil: 0, completedAt: 1_000 });
  expect(cache.known('z')).toEqual({ journalId: 'z', status: 'complete', leaseUntil: 0, completedAt: 0 });
  expect(cache.known('x')?.status).toBe('aborted');
  expect(cache.completeBefore('c', 1_001)).toBe(true);
  expect(cache.completeBefore('c', 1_000)).toBe(false);
  // Complete at 0: a journal expired by TTL, complete long ago.
  expect(cache.completeBefore('z', 1)).toBe(true);
  expect(cache.completeBefore('x', 5_000)).toBe(false);
  expect(cache.completeBefore('p', 5_000)).toBe(false);
});
