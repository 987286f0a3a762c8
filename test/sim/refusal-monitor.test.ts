// The refusal monitor (sim/refusal-monitor.ts) must expect each record's refusal from the documented bounds at its
// batch's start, on both sides of each bound, for the request time and for the second the id carries, and see a
// refusal of the wrong kind, a missing one, one too many, and a reason without the documented words.
import type { RefusedRecord } from '../../capabilities/counting/exactly-once';
import { usageEventId } from '../../contracts/usage-event';
import { MAX_FUTURE_SKEW_MS } from '../../contracts/usage-queue';
import { expectedRefusal, invalidReason, RefusalMonitor } from '../../sim/refusal-monitor';
import { batchResult } from '../support/batch-result';

const DAY = 24 * 3600 * 1000;
const RETENTION_S = 23 * 24 * 3600;
const START = Date.UTC(2026, 10, 27, 12);
const body = (requestTime: number, idTime = requestTime) =>
  JSON.stringify({
    v: 1,
    eventId: usageEventId(new Date(idTime), 'req-1'),
    clientId: 'client-1',
    plan: 'standard',
    route: 'GET /v1/hello',
    method: 'GET',
    status: 200,
    latencyMs: 5,
    requestTime: new Date(requestTime).toISOString(),
    day: new Date(requestTime).toISOString().slice(0, 10),
  });
const result = (poison: RefusedRecord[]) => batchResult({ failures: poison.map((p) => p.id), poison });

test('each bound, on both sides, for the request time and for the id second', () => {
  const oldest = START - (RETENTION_S * 1000 - DAY);
  expect(expectedRefusal(body(oldest), START, RETENTION_S)).toBeUndefined();
  expect(expectedRefusal(body(oldest - 1_000), START, RETENTION_S)).toBe('too-old');
  expect(expectedRefusal(body(START + MAX_FUTURE_SKEW_MS), START, RETENTION_S)).toBeUndefined();
  expect(expectedRefusal(body(START + MAX_FUTURE_SKEW_MS + 1), START, RETENTION_S)).toBe('future');
  // Whichever is further out: a request time inside with an id second outside, and the other way round.
  expect(expectedRefusal(body(START, oldest - 2_000), START, RETENTION_S)).toBe('too-old');
  expect(expectedRefusal(body(START, START + MAX_FUTURE_SKEW_MS + 2_000), START, RETENTION_S)).toBe('future');
  expect(expectedRefusal('{"v":1,"eventId":', START, RETENTION_S)).toBe('invalid');
  expect(expectedRefusal('{"v":2,"eventId":"x"}', START, RETENTION_S)).toBe('invalid');
});

test('a refusal of the wrong kind, a missing one, an extra one and a reason without its words are violations', () => {
  const monitor = new RefusalMonitor(RETENTION_S);
  const records = [
    { id: 'm1', body: body(START + MAX_FUTURE_SKEW_MS + 60_000) },
    { id: 'm2', body: body(START - 30 * DAY) },
    { id: 'm3', body: body(START) },
    { id: 'm4', body: 'null' },
  ];
  monitor.check(
    'λ1',
    records,
    START,
    result([
      { id: 'm1', kind: 'future', reason: 'request time is more than 300 s ahead of the aggregator clock' },
      { id: 'm2', kind: 'too-old', reason: 'older than the claim retention: cannot be checked for duplicates' },
      { id: 'm4', kind: 'invalid', reason: 'unknown usage event version: null' },
    ]),
  );
  expect(monitor.violations).toEqual([]);
  expect(monitor.refused).toEqual({ 'too-old': 1, future: 1 });
  monitor.check(
    'λ1',
    records,
    START,
    result([
      { id: 'm1', kind: 'too-old', reason: 'older than the claim retention' },
      { id: 'm3', kind: 'future', reason: 'ahead of the aggregator clock' },
      { id: 'm4', kind: 'invalid', reason: '' },
    ]),
  );
  expect(monitor.violations).toEqual([
    'λ1 batch j1: m1 refused as too-old; its times say future',
    'λ1 batch j1: m2 not refused; its times say too-old',
    'λ1 batch j1: m3 refused as future; its times say count it',
    'λ1 batch j1: m4 refused as invalid with the reason ""',
  ]);
});

test('an invalid body has the reason docs/aggregation.md gives it, exactly', () => {
  expect(invalidReason(body(START))).toBeUndefined();
  expect(invalidReason('{"v":1,"eventId":')).toBe('body is not JSON');
  expect(invalidReason('null')).toBe('unknown usage event version: null');
  expect(invalidReason('[1]')).toBe('unknown usage event version: null');
  expect(invalidReason('{"v":"a version far longer than sixteen characters"}')).toBe('unknown usage event version: "a version far l');
  expect(invalidReason('{"v":1,"eventId":"req-0"}')).toBe('invalid usage event: clientId, plan, route, method, status');
  const broken = { ...JSON.parse(body(START)), status: 'ok', latencyMs: -1 };
  expect(invalidReason(JSON.stringify(broken))).toBe('invalid usage event: status, latencyMs');

  const monitor = new RefusalMonitor(RETENTION_S);
  const records = [{ id: 'm1', body: '{"v":1,"eventId":"req-0"}' }];
  monitor.check('λ1', records, START, result([{ id: 'm1', kind: 'invalid', reason: 'invalid usage event: (root)' }]));
  expect(monitor.violations).toEqual(['λ1 batch j1: m1 refused as invalid with the reason "invalid usage event: (root)"']);
});
