// The twin's usage plans with a client override: the key gets buckets and a daily quota of its own, exactly
// as a client usage plan does on API Gateway; strict routes keep the strict throttle; other keys are untouched.
import { UsagePlans } from '../../local/gateway/usage-plans';

const OVERRIDE = { ratePerMinute: 60, burst: 3, dailyQuota: 5 };

test('an override sets the throttle and the daily quota of its key only', () => {
  let now = Date.parse('2026-11-28T12:00:00Z');
  const plans = new UsagePlans({ now: () => now });
  const admit = (key: string, override?: typeof OVERRIDE, routeClass: 'default' | 'strict' = 'default') =>
    plans.admit(key, 'standard', routeClass === 'strict' ? 'POST /v1/quotes' : 'GET /v1/hello', routeClass, override);

  // Burst 3 at one instant, where the plan (burst 20) would admit all.
  expect(Array.from({ length: 5 }, () => admit('key-o', OVERRIDE))).toEqual(['ok', 'ok', 'ok', 'throttled', 'throttled']);
  expect(Array.from({ length: 5 }, () => admit('key-p'))).toEqual(Array(5).fill('ok'));
  // 1 request/second refills; the quota of 5 stops the sixth admitted request of the day, not the plan's 10,000.
  const later: string[] = [];
  for (let i = 0; i < 4; i++) {
    now += 1_000;
    later.push(admit('key-o', OVERRIDE));
  }
  expect(later).toEqual(['ok', 'ok', 'quota-exceeded', 'quota-exceeded']);
  expect(plans.quotaUsed('key-o')).toBe(5);
  // Strict routes keep their per-method throttle (burst 5) inside the client's plan too.
  expect(Array.from({ length: 6 }, () => admit('key-s', { ...OVERRIDE, burst: 60, dailyQuota: 100 }, 'strict'))).toEqual([
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'throttled',
  ]);
  const usage = plans.usage('2026-11-28', '2026-11-28');
  expect(Object.keys(usage).sort()).toEqual(['override', 'standard']);
});
