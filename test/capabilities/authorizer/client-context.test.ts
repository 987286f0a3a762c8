// The authorizer's context as one contract: what the authorizer writes comes back the same through API Gateway,
// which hands every context value to the integration as a string, and the ACCESS_DENIED detail sits under the key
// the gateway response template reads.
import { ACCESS_DENIED_DETAIL_KEY } from '../../../contracts/gateway-responses';
import { readClientContext, writeClientContext, writeDenyContext } from '../../../capabilities/authorizer/client-context';

const asApiGatewayPassesIt = (context: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(context).map(([key, value]) => [key, String(value)]));

const CALLER = {
  clientId: 'cl_1',
  plan: 'standard',
  usedToday: 41,
  usageDay: '2026-11-28',
  accessDeniedDetail: "This API key's plan does not include this route.",
};

test('an Allow context reads back as written, as numbers or as strings, with or without an override', () => {
  const override = { ratePerMinute: 600, burst: 120, dailyQuota: 50_000 };
  const { accessDeniedDetail, ...read } = CALLER;
  for (const [written, expected] of [
    [writeClientContext(CALLER), read],
    [writeClientContext({ ...CALLER, override }), { ...read, override }],
  ] as const) {
    expect(readClientContext(written)).toEqual(expected);
    expect(readClientContext(asApiGatewayPassesIt(written))).toEqual(expected);
    expect(written[ACCESS_DENIED_DETAIL_KEY]).toBe(accessDeniedDetail);
  }
});

test("the client falls back to API Gateway's principalId; a missing or empty client is no client", () => {
  expect(readClientContext({ principalId: 'cl_p', plan: 'premium' })).toEqual({ clientId: 'cl_p', plan: 'premium' });
  expect(readClientContext({ clientId: '', plan: 'premium' }).clientId).toBeUndefined();
  expect(readClientContext(null)).toEqual({});
  expect(readClientContext({ usedToday: 'many' })).toEqual({});
});

test('a Deny carries only its detail', () => {
  expect(writeDenyContext('This API key is revoked.')).toEqual({ [ACCESS_DENIED_DETAIL_KEY]: 'This API key is revoked.' });
});
