// What the twin's dashboard derives from the gateway's answers: per-second series by route and
// status class, latency percentiles, throttles, and "answered by a handler" per client and day.
import { TwinObservations } from '../../local/dashboard';
import type { AccessLogEntry } from '../../local/gateway/server';

const T0 = Date.parse('2026-11-28T10:00:00.000Z');
const entry = (over: Partial<AccessLogEntry>): AccessLogEntry => ({
  requestId: 'r',
  method: 'GET',
  path: '/v1/hello',
  resourcePath: '/v1/hello',
  status: 200,
  latencyMs: 10,
  clientId: 'cl_a',
  ...over,
});

test('series: per second, by route and status class, zero-filled, with latency percentiles and throttles', () => {
  const seen = new TwinObservations();
  for (const latencyMs of [10, 20, 30, 40]) seen.record(entry({ latencyMs }), T0);
  seen.record(entry({ method: 'POST', path: '/v1/quotes', resourcePath: '/v1/quotes', status: 429, errorType: 'THROTTLED' }), T0 + 1000);
  seen.record(entry({ status: 429, errorType: 'QUOTA_EXCEEDED' }), T0 + 1000);
  seen.record(
    entry({ path: '/nope', resourcePath: undefined, status: 404, errorType: 'MISSING_AUTHENTICATION_TOKEN', clientId: undefined }),
    T0 + 1000,
  );
  seen.record(entry({ resourcePath: undefined, status: 403, errorType: 'WAF_FILTERED', clientId: undefined }), T0 + 2000);

  const s = seen.series(T0 + 2000);
  expect(s.t).toHaveLength(300);
  expect(s.t.at(-1)).toBe((T0 + 2000) / 1000);
  const at = (values: readonly (number | null)[], ms: number) => values[s.t.indexOf(ms / 1000)];
  expect(Object.keys(s.requests)).toEqual(['GET /v1/hello 2xx', 'GET /v1/hello 4xx', 'POST /v1/quotes 4xx', 'unmatched 4xx']);
  expect(at(s.wafBlocked, T0 + 2000)).toBe(1);
  expect(at(s.wafBlocked, T0 + 1000)).toBe(0);
  expect(at(s.requests['GET /v1/hello 2xx'], T0)).toBe(4);
  expect(at(s.requests['GET /v1/hello 2xx'], T0 + 1000)).toBe(0);
  expect(at(s.latency.p50, T0)).toBe(20);
  expect(at(s.latency.p99, T0)).toBe(40);
  expect(at(s.throttled, T0 + 1000)).toBe(1);
  expect(at(s.quotaExceeded, T0 + 1000)).toBe(1);
});

test('answered counts only what reached a handler, per client, and seconds older than 5 minutes drop out', () => {
  const seen = new TwinObservations();
  const now = Date.now();
  seen.record(entry({}), now - 400_000);
  seen.record(entry({ status: 400 }), now);
  seen.record(entry({ status: 429, errorType: 'THROTTLED' }), now);
  seen.record(entry({ status: 403, errorType: 'ACCESS_DENIED' }), now);
  seen.record(entry({ clientId: 'cl_b', status: 500 }), now);
  // The first one was on the same UTC day only if the test runs after 00:06:40; count from the day's answers.
  const sameDay = new Date(now - 400_000).toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  expect(seen.answeredToday('cl_a')).toBe(sameDay ? 2 : 1);
  expect(seen.answeredToday('cl_b')).toBe(1);
  expect(seen.answeredToday('cl_c')).toBe(0);
  const s = seen.series(now);
  expect(s.requests['GET /v1/hello 2xx']).toBeUndefined(); // its only second is older than the history
  expect(s.requests['GET /v1/hello 5xx'].reduce((a, b) => a + b, 0)).toBe(1);
  expect(s.requests['GET /v1/hello 4xx'].reduce((a, b) => a + b, 0)).toBe(3);
});
