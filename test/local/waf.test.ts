// The twin's web ACL emulation on its own, with a controlled clock: the per-IP sliding window and the key-format rule.
import { WebAcl } from '../../local/gateway/waf';
import { WAF_RULES } from '../../contracts/waf';

const KEY = `mapi${'A'.repeat(40)}`;

function acl(limit: number, windowSeconds: 60 | 300 = 60) {
  let now = 1_700_000_000_000;
  const webAcl = new WebAcl({ enabled: true, ipRate: { limit, windowSeconds } }, () => now);
  return { webAcl, advance: (ms: number) => (now += ms) };
}

test('an address is blocked above the limit within the window, and allowed again once the window has slid past', () => {
  const { webAcl, advance } = acl(3);
  for (let i = 0; i < 3; i++) expect(webAcl.inspect('10.0.0.1', { 'x-api-key': KEY }).action).toBe('allow');
  expect(webAcl.inspect('10.0.0.1', { 'x-api-key': KEY })).toEqual({ action: 'block', rule: WAF_RULES.ipRate.name });
  // Another address has its own count.
  expect(webAcl.inspect('10.0.0.2', { 'x-api-key': KEY }).action).toBe('allow');
  // Blocked requests count too (AWS counts every request from the address): 59 s later it is still over.
  advance(59_000);
  expect(webAcl.inspect('10.0.0.1', {}).action).toBe('block');
  // 61 s after the first burst, only the requests of the last 60 s count (2 blocked ones + this one).
  advance(2_000);
  expect(webAcl.inspect('10.0.0.1', {}).action).toBe('allow');
});

test('a present x-api-key without the key format is blocked; a missing or empty key and a well-formed one pass', () => {
  const { webAcl } = acl(1_000);
  expect(webAcl.inspect('10.0.0.1', {}).action).toBe('allow');
  expect(webAcl.inspect('10.0.0.1', { 'x-api-key': KEY }).action).toBe('allow');
  expect(webAcl.inspect('10.0.0.1', { 'x-api-key': '' }).action).toBe('allow');
  for (const bad of ['garbage', ' ', `${KEY}x`, `MAPI${'A'.repeat(40)}`, `mapi${'A'.repeat(39)}-`, `${KEY}, ${KEY}`]) {
    expect(webAcl.inspect('10.0.0.1', { 'x-api-key': bad })).toEqual({ action: 'block', rule: WAF_RULES.keyFormat.name });
  }
});

test('off, it allows everything', () => {
  const webAcl = new WebAcl({ enabled: false, ipRate: { limit: 1, windowSeconds: 60 } });
  for (let i = 0; i < 5; i++) expect(webAcl.inspect('10.0.0.1', { 'x-api-key': 'garbage' }).action).toBe('allow');
});

test('addresses idle for a whole window are forgotten (a scan of many addresses does not grow memory forever)', () => {
  const { webAcl, advance } = acl(5);
  for (let i = 0; i < 1_000; i++) webAcl.inspect(`10.0.${i >> 8}.${i & 255}`, {});
  advance(121_000);
  webAcl.inspect('10.9.9.9', {});
  expect((webAcl as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
});
