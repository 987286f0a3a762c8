// AWS's hard limits that the code relies on, as the twin enforces them, each with AWS's own error: API Gateway's
// 10,000 API keys per account and Region and CreateApiKey's 5 requests per second; Lambda's 6 MB synchronous
// payload both ways (behind API Gateway's own 10 MB); EventBridge's 10 entries and 1 MiB per PutEvents; SQS's
// 1 MiB message (enforced by fauxqs per queue).
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LimitExceededException, TooManyRequestsException } from '@aws-sdk/client-api-gateway';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { API_GATEWAY_KEYS, EVENTBRIDGE_PUT_EVENTS, LAMBDA_SYNC_PAYLOAD, SQS_MESSAGE } from '../../local/aws-limits';
import { ApiKeys } from '../../local/gateway/api-keys';
import { twinKeyGateway } from '../../local/admin/twin-admin';
import { UsagePlans } from '../../local/gateway/usage-plans';
import { RequestAuthorizer } from '../../local/gateway/authorizer';
import { createGatewayServer } from '../../local/gateway/server';
import { InvokeRequestTooLargeError, InvokeResponseTooLargeError, LocalFunction } from '../../local/lambda-runtime';
import { lambdaContext, LOCAL_REGION, newLocalCredentials } from '../../local/fake-aws';
import { startLocalEventBus, type LocalEventBus } from '../../local/event-bus';
import { startFauxqs } from '../../local/services/fauxqs';
import { freePort } from '../../local/services/ports';
import type { RunningService } from '../../local/services/child-service';
import { alertSenders } from '../../capabilities/alerts/event-bridge-sender';
import type { ThresholdCrossed } from '../../capabilities/alerts/threshold-crossings';
import type { RouteDefinition } from '../../contracts/routes';
import { gatewayResponse } from '../../contracts/gateway-responses';

const credentials = newLocalCredentials();

describe('API Gateway: API keys per account and Region, and CreateApiKey per second', () => {
  test('the 10,001st key fails with LimitExceededException (429); a deleted key frees its place', () => {
    let now = 0;
    const keys = new ApiKeys({ now: () => now });
    for (let i = 0; i < API_GATEWAY_KEYS.perAccountAndRegion; i++) {
      now += 1_000 / API_GATEWAY_KEYS.createPerSecond; // within CreateApiKey's rate
      keys.create(`usage-key-${i}`);
    }
    expect(keys.count).toBe(10_000);
    now += 1_000;
    let refusal: unknown;
    try {
      keys.create('one-too-many');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(LimitExceededException);
    expect(refusal).toMatchObject({ name: 'LimitExceededException', $fault: 'client', $metadata: { httpStatusCode: 429 } });
    expect(keys.count).toBe(10_000);
    keys.delete('usage-key-0');
    now += 1_000;
    keys.create('one-more');
    expect(keys.count).toBe(10_000);
  });

  test('a sixth create within a second fails with TooManyRequestsException (429, Retry-After 1); it refills at 5 per second', () => {
    let now = 0;
    const keys = new ApiKeys({ now: () => now });
    for (let i = 0; i < 5; i++) keys.create(`k${i}`);
    let refusal: unknown;
    try {
      keys.create('k5');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(TooManyRequestsException);
    expect(refusal).toMatchObject({ $metadata: { httpStatusCode: 429 }, retryAfterSeconds: '1' });
    expect(keys.count).toBe(5);
    now += 200;
    keys.create('k5');
    expect(() => keys.create('k6')).toThrow(TooManyRequestsException);
  });

  test("the admin API's key gateway creates under the same limits, and undoes a create whose table write failed", async () => {
    let now = 0;
    const keys = new ApiKeys({ now: () => now, limits: { perAccountAndRegion: 2 } });
    const gateway = twinKeyGateway(new UsagePlans(), {} as RequestAuthorizer, keys);
    const first = await gateway.registerUsageKey('standard', 'a');
    await gateway.registerUsageKey('standard', 'b');
    await expect(gateway.registerUsageKey('standard', 'c')).rejects.toBeInstanceOf(LimitExceededException);
    await first.discard();
    now += 1_000;
    await expect(gateway.registerUsageKey('standard', 'c')).resolves.toMatchObject({ usageKey: expect.stringMatching(/^musg/) });
  });
});

describe("Lambda's synchronous payload: 6 MB in, 6 MB out", () => {
  const fn = () =>
    new LocalFunction<Record<string, unknown>, { size: number; pad: string }>({
      name: 'sized',
      entry: 'test/local/fixtures/sized-handler.ts',
    });
  /** An event whose JSON is exactly `bytes` long. */
  const eventOf = (bytes: number, fields: Record<string, unknown> = {}) => {
    const base = { ...fields, pad: '' };
    return { ...base, pad: 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(base))) };
  };
  const context = () => lambdaContext('sized', 10_000);

  test('an event of exactly the limit runs; one byte more is refused (413) and the function never runs', async () => {
    const f = fn();
    await expect(f.invoke(eventOf(LAMBDA_SYNC_PAYLOAD.requestBytes), context())).resolves.toMatchObject({ size: 6_291_456 });
    const invocations = f.stats.invocations;
    const refused = f.invoke(eventOf(LAMBDA_SYNC_PAYLOAD.requestBytes + 1), context());
    await expect(refused).rejects.toBeInstanceOf(InvokeRequestTooLargeError);
    await expect(refused).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      statusCode: 413,
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
    expect(f.stats.invocations).toBe(invocations);
  });

  test('a result of exactly the limit comes back; one byte more is lost (the function ran)', async () => {
    const f = fn();
    const exact = await f.invoke({ answerBytes: LAMBDA_SYNC_PAYLOAD.responseBytes }, context());
    expect(Buffer.byteLength(JSON.stringify(exact))).toBe(6_291_556);
    const invocations = f.stats.invocations;
    await expect(f.invoke({ answerBytes: LAMBDA_SYNC_PAYLOAD.responseBytes + 1 }, context())).rejects.toBeInstanceOf(
      InvokeResponseTooLargeError,
    );
    expect(f.stats.invocations).toBe(invocations + 1);
  });

  test("the event crosses as JSON: the function's changes never reach the caller's object, and no key reaches a prototype", async () => {
    const event: Record<string, unknown> = JSON.parse('{"__proto__":{"polluted":true},"constructor":"x"}');
    await fn().invoke(event, context());
    expect(event.marked).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  describe('behind the gateway (API Gateway 10 MB, then Lambda 6 MB)', () => {
    let server: http.Server;
    let base: string;
    const route = fn();

    beforeAll(async () => {
      server = createGatewayServer({
        stage: 'dev',
        routes: [
          {
            definition: {
              id: 'upload',
              method: 'POST',
              path: '/v1/upload',
              routeClass: 'default',
              entry: 'x',
              timeoutSeconds: 10,
              schemas: {},
            } as RouteDefinition,
            functionName: 'sized',
            handler: (event, ctx) =>
              route.invoke(event as unknown as Record<string, unknown>, ctx) as unknown as Promise<APIGatewayProxyResult>,
          },
        ],
        authorizer: new RequestAuthorizer({
          handler: async (event) => ({
            principalId: 'cl_1',
            usageIdentifierKey: 'usage-key',
            policyDocument: {
              Version: '2012-10-17',
              Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${event.methodArn.split('/')[0]}/*` }],
            },
            context: { clientId: 'cl_1', plan: 'standard' },
          }),
          cacheTtlSeconds: 300,
          makeContext: () => lambdaContext('authorizer', 1_000),
        }),
        usagePlans: new UsagePlans(),
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const post = (bytes: number) =>
      fetch(`${base}/v1/upload`, { method: 'POST', headers: { 'x-api-key': 'k', 'content-type': 'text/plain' }, body: 'x'.repeat(bytes) });

    test('5 MB reaches the function; 7 MB (under API Gateway 10 MB) is DEFAULT_5XX and never runs it; 11 MB is 413', async () => {
      const ok = await post(5 * 1024 * 1024);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { size: number }).size).toBeGreaterThan(5 * 1024 * 1024);
      const invocations = route.stats.invocations;
      const tooLargeForLambda = await post(7 * 1024 * 1024);
      expect(tooLargeForLambda.status).toBe(gatewayResponse('DEFAULT_5XX').statusCode);
      expect(tooLargeForLambda.headers.get('content-type')).toBe('application/problem+json');
      expect(route.stats.invocations).toBe(invocations);
      expect((await post(11 * 1024 * 1024)).status).toBe(gatewayResponse('REQUEST_TOO_LARGE').statusCode);
    }, 30_000);
  });
});

describe('EventBridge PutEvents: 10 entries and under 1 MiB of entries per request', () => {
  let bus: LocalEventBus;
  let client: EventBridgeClient;

  beforeAll(async () => {
    bus = await startLocalEventBus({ port: await freePort(), busName: 'alerts', accessKeyId: credentials.accessKeyId });
    client = new EventBridgeClient({ endpoint: bus.endpoint, region: LOCAL_REGION, credentials, maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await bus?.stop();
  });

  /** An entry of exactly `bytes` as EventBridge counts them (Source, DetailType and Detail in UTF-8), its Detail a JSON object. */
  const entry = (bytes: number): PutEventsRequestEntry => {
    const fixed = { EventBusName: 'alerts', Source: 'metered-api', DetailType: 'Usage Threshold Crossed' };
    const padding = bytes - Buffer.byteLength(fixed.Source + fixed.DetailType) - '{"p":""}'.length;
    return { ...fixed, Detail: `{"p":"${'x'.repeat(padding)}"}` };
  };

  test('11 entries: ValidationException, nothing delivered', async () => {
    const before = bus.events().length;
    await expect(client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry(100)) }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(bus.events().length).toBe(before);
  });

  test('entries totalling 1 MiB: ValidationException for the whole request; one byte less is delivered', async () => {
    const quarter = EVENTBRIDGE_PUT_EVENTS.maxTotalEntryBytes / 4;
    const before = bus.events().length;
    await expect(
      client.send(new PutEventsCommand({ Entries: [entry(quarter), entry(quarter), entry(quarter), entry(quarter)] })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    expect(bus.events().length).toBe(before);
    const under = [entry(quarter), entry(quarter), entry(quarter), entry(quarter - 1)];
    await expect(client.send(new PutEventsCommand({ Entries: under }))).resolves.toMatchObject({ FailedEntryCount: 0 });
    expect(bus.events().length).toBe(before + 4);
  });

  test("the quota alert sender's batches of 10 pass: 25 threshold events in three requests, all tallied accepted", async () => {
    const events: ThresholdCrossed[] = Array.from({ length: 25 }, (_, i) => ({
      eventId: `e${i}`,
      clientId: `cl_${i}`,
      plan: 'standard',
      threshold: 80,
      used: 80,
      quota: 100,
      day: '2026-12-01',
    }));
    const before = bus.events().length;
    const senders = alertSenders(client, 'alerts');
    await senders.quota(events);
    expect(bus.events().length).toBe(before + 25);
    // What the bus accepted is what the metrics count, taken once.
    expect(senders.takeAccepted()).toEqual({ quota: 25, credit: 0 });
    expect(senders.takeAccepted()).toEqual({ quota: 0, credit: 0 });
  });
});

describe('SQS: a message of at most 1 MiB (fauxqs, per queue)', () => {
  let fauxqs: RunningService;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    fauxqs = await startFauxqs({ accessKeyId: credentials.accessKeyId });
    sqs = new SQSClient({ endpoint: fauxqs.endpoint, region: LOCAL_REGION, credentials, maxAttempts: 1 });
    // As the twin creates the usage queue: no MaximumMessageSize of its own, so SQS's default.
    await sqs.send(new CreateQueueCommand({ QueueName: 'sized' }));
    queueUrl = `${fauxqs.endpoint}/000000000000/sized`;
  }, 30_000);
  afterAll(async () => {
    sqs?.destroy();
    await fauxqs?.stop();
  });

  test("the queue's MaximumMessageSize is SQS's default, 1 MiB", async () => {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['MaximumMessageSize'] }));
    expect(Number(Attributes?.MaximumMessageSize)).toBe(SQS_MESSAGE.maxBytes);
  });

  test('1,048,576 bytes are sent; one more is InvalidParameterValue; a batch over 1 MiB is BatchRequestTooLong', async () => {
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x'.repeat(SQS_MESSAGE.maxBytes) })),
    ).resolves.toHaveProperty('MessageId');
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x'.repeat(SQS_MESSAGE.maxBytes + 1) })),
    ).rejects.toMatchObject({
      // SQS keeps its query protocol's error codes: the SDK names it AWS.SimpleQueueService.InvalidParameterValue.
      name: expect.stringMatching(/InvalidParameterValue$/),
      message: expect.stringContaining('Message must be shorter than 1048576 bytes'),
    });
    const half = 'x'.repeat(SQS_MESSAGE.maxBytes / 2 + 1);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [
            { Id: 'a', MessageBody: half },
            { Id: 'b', MessageBody: half },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: expect.stringMatching(/BatchRequestTooLong$/) });
  }, 30_000);
});
