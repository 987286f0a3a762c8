// Making a revocation effective on API Gateway: the usage key is disabled and the stage's authorizer cache is
// flushed, each whatever happens to the other, and a failure of either names both outcomes.
import { APIGatewayClient, FlushStageAuthorizersCacheCommand, UpdateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { apiGatewayKeys, RevocationNotEnforcedError } from '../../../capabilities/api-gateway/key-gateway';

const gateway = mockClient(APIGatewayClient);
const stage = () =>
  apiGatewayKeys({
    client: new APIGatewayClient({}),
    usagePlanIds: { free: 'up-free', payg: 'up-payg', standard: 'up-std', premium: 'up-prem' },
    restApiId: 'api1',
    stageName: 'prod',
  });
const denied = (message: string) => Object.assign(new Error(message), { name: 'AccessDeniedException' });

beforeEach(() => gateway.reset());

describe('enforceRevocation', () => {
  test('disables the key, then flushes the stage cache', async () => {
    // Prepare
    gateway.on(UpdateApiKeyCommand).resolves({}).on(FlushStageAuthorizersCacheCommand).resolves({});
    // Act
    await stage().enforceRevocation({ clientId: 'cl_1', apiGatewayKeyId: 'k1' });
    // Assess
    expect(gateway.commandCalls(UpdateApiKeyCommand)[0].args[0].input).toEqual({
      apiKey: 'k1',
      patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
    });
    expect(gateway.commandCalls(FlushStageAuthorizersCacheCommand)[0].args[0].input).toEqual({ restApiId: 'api1', stageName: 'prod' });
  });

  test('a failed disable still flushes the cache, and the error says the key is not disabled but the cache is flushed', async () => {
    gateway
      .on(UpdateApiKeyCommand)
      .rejects(denied('not authorized to PATCH /apikeys/k1'))
      .on(FlushStageAuthorizersCacheCommand)
      .resolves({});

    const failure = await stage()
      .enforceRevocation({ clientId: 'cl_1', apiGatewayKeyId: 'k1' })
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    expect(gateway.commandCalls(FlushStageAuthorizersCacheCommand)).toHaveLength(1);
    expect(failure).toBeInstanceOf(RevocationNotEnforcedError);
    const error = failure as RevocationNotEnforcedError;
    expect(error.cacheFlushed).toBe('done');
    expect((error.keyDisabled as Error).name).toBe('AccessDeniedException');
    expect(error.message).toContain('cl_1 is revoked in the table');
    expect(error.message).toContain('usage key failed (AccessDeniedException');
    expect(error.message).toContain('authorizer cache flushed');
  });

  test('a failed flush after a disabled key is reported too', async () => {
    gateway.on(UpdateApiKeyCommand).resolves({}).on(FlushStageAuthorizersCacheCommand).rejects(denied('no flush'));

    await expect(stage().enforceRevocation({ clientId: 'cl_2', apiGatewayKeyId: 'k2' })).rejects.toThrow(
      /usage key disabled; authorizer cache failed \(AccessDeniedException: no flush\)/,
    );
  });

  test('both failing: both named; a client without an API Gateway key only needs the flush', async () => {
    gateway.on(UpdateApiKeyCommand).rejects(denied('a')).on(FlushStageAuthorizersCacheCommand).rejects(denied('b'));
    await expect(stage().enforceRevocation({ clientId: 'cl_3', apiGatewayKeyId: 'k3' })).rejects.toThrow(
      /usage key failed \(AccessDeniedException: a\); authorizer cache failed \(AccessDeniedException: b\)/,
    );

    gateway.reset();
    gateway.on(FlushStageAuthorizersCacheCommand).resolves({});
    await stage().enforceRevocation({ clientId: 'cl_4' });
    expect(gateway.commandCalls(UpdateApiKeyCommand)).toHaveLength(0);
    expect(gateway.commandCalls(FlushStageAuthorizersCacheCommand)).toHaveLength(1);
  });
});
