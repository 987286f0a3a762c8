// The twin's usage plans keep per-key usage the way API Gateway's GetUsage reports it: per usage plan,
// per key, per UTC day, counting only requests that passed the throttles and the quota.
import { UsagePlans } from '../../local/gateway/usage-plans';

test('usage per plan, key and day counts admitted requests only, and keeps past days', () => {
  let now = Date.parse('2026-11-27T23:59:59Z');
  const plans = new UsagePlans({ now: () => now, planOverrides: { standard: { dailyQuota: 3, ratePerMinute: 6000, burst: 2 } } });
  const verdicts: string[] = [];
  for (let i = 0; i < 5; i++) verdicts.push(plans.admit('key-a', 'standard', 'GET /v1/hello', 'default'));
  // burst 2: the third and later are throttled at the same instant, and are not usage.
  expect(verdicts.filter((v) => v === 'ok')).toHaveLength(2);
  now += 1_000; // next UTC day: quota restarts, yesterday's usage stays
  for (let i = 0; i < 5; i++) {
    now += 100;
    verdicts.push(plans.admit('key-a', 'standard', 'GET /v1/hello', 'default'));
  }
  now += 100;
  plans.admit('key-b', 'premium', 'GET /v1/hello', 'default');

  const usage = plans.usage('2026-11-27', '2026-11-28');
  expect(usage.standard).toEqual({ [hash('key-a')]: { '2026-11-27': 2, '2026-11-28': 3 } });
  expect(usage.premium).toEqual({ [hash('key-b')]: { '2026-11-28': 1 } });
  expect(plans.usage('2026-11-28', '2026-11-28').standard?.[hash('key-a')]).toEqual({ '2026-11-28': 3 });
  // Never the key value itself.
  expect(JSON.stringify(usage)).not.toContain('key-a');
});

function hash(value: string): string {
  return require('node:crypto').createHash('sha256').update(value).digest('hex');
}
