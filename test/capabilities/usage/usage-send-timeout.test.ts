// Request → queue: a hung or failing SQS never holds the client's response past the 300 ms send budget, and
// an event that cannot be sent is logged once, complete and replayable, and counted in
// UsageEventsDropped. Real hung endpoint (a TCP server that accepts and never answers) + SDK mock.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mockClient } from 'aws-sdk-client-mock';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ROUTES } from '../../../contracts/routes';
import { helloRoute } from '../../../contracts/routes/hello';
import { USAGE_SEND, usageSendSchedule } from '../../../contracts/usage-queue';
import { usageEventV1, type UsageEvent } from '../../../contracts/usage-event';
import { createHttpHandler } from '../../../capabilities/http/http-handler';
import { publishUsageEvent, SEND_CUT_OFF, USAGE_EVENT_DROPPED } from '../../../capabilities/usage/usage-publisher';
import { USAGE_QUEUE_CLIENT_CONFIG } from '../../../capabilities/aws/sqs-client';
import { apiEvent, lambdaContext } from '../../support/api-event';

const event: UsageEvent = {
  v: 1,
  eventId: 'req-dropped-1',
  clientId: 'client-a',
  plan: 'standard',
  route: 'GET /v1/hello',
  method: 'GET',
  status: 200,
  latencyMs: 1.5,
  requestTime: '2026-11-28T07:00:00.000Z',
  day: '2026-11-28',
};

let captured: string[] = [];
function captureStdout() {
  captured = [];
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      captured.push(String(chunk));
      return true;
    });
  }
}
function jsonLines(): Record<string, unknown>[] {
  return captured
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}
function quietTelemetry() {
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const telemetry = {
    logger: new Logger({ serviceName: 'test-api', logLevel: 'INFO' }),
    metrics: new Metrics({ namespace: 'Test', serviceName: 'test-api' }),
  };
  process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  return telemetry;
}

/** The target: the longest a request may hold its Lambda for the send, the budget's timer lateness included. */
const HOLD_MS = 300;
/** Timer lateness beyond the target that a loaded shared test machine may add (jest workers in parallel, load ~18). */
const LOADED_MACHINE_MS = 40;

afterEach(() => jest.restoreAllMocks());

test('the send holds a request at most 300 ms, and a retry after a cut-off attempt still fits', () => {
  expect(USAGE_SEND.budgetMs).toBeLessThanOrEqual(HOLD_MS);
  expect(USAGE_SEND.attemptTimeoutMs + USAGE_SEND.firstBackoffMs + USAGE_SEND.minAttemptMs).toBeLessThanOrEqual(USAGE_SEND.budgetMs);
  for (const route of ROUTES) expect(USAGE_SEND.budgetMs).toBeLessThanOrEqual(route.timeoutSeconds * 1000 * 0.5);
  // The twin's longer budget keeps the same shape.
  expect(usageSendSchedule()).toEqual(USAGE_SEND);
  expect(usageSendSchedule(2_800)).toEqual({
    attemptTimeoutMs: 1_300,
    minAttemptMs: 500,
    maxAttempts: 3,
    firstBackoffMs: 100,
    budgetMs: 2_800,
  });
});

describe('against a real hung endpoint', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  let endpoint: string;
  let accepted = 0;

  beforeAll(async () => {
    server = createServer((socket) => {
      accepted += 1;
      sockets.add(socket); // accepts, reads, never answers
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Warm-up: the SDK's first send loads modules through Jest's transform (hundreds of ms a Lambda does not
    // spend; its first send is measured as deployed in bench/cold-start.ts), during which no timer can fire.
    const { logger, metrics } = quietTelemetry();
    captureStdout();
    await publishUsageEvent({ sqs: hungClient(), queueUrl: `${endpoint}/000000000000/usage`, logger, metrics }, event);
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  function hungClient(): SQSClient {
    // The same configuration the Lambdas use, only the endpoint differs.
    return new SQSClient({
      ...USAGE_QUEUE_CLIENT_CONFIG,
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
  }

  test('publishUsageEvent gives up within the budget and logs the whole event', async () => {
    const client = hungClient();
    const { logger, metrics } = quietTelemetry();
    captureStdout();
    accepted = 0;
    const started = Date.now();
    const sent = await publishUsageEvent({ sqs: client, queueUrl: `${endpoint}/000000000000/usage`, logger, metrics }, event);
    const elapsed = Date.now() - started;
    metrics.publishStoredMetrics();
    jest.restoreAllMocks();

    expect(sent).toBe(false);
    expect(elapsed).toBeLessThanOrEqual(HOLD_MS + LOADED_MACHINE_MS);
    const lines = jsonLines();
    const dropped = lines.filter((line) => line.message === USAGE_EVENT_DROPPED);
    expect(dropped).toHaveLength(1);
    expect(usageEventV1.parse(dropped[0].usageEvent)).toEqual(event);
    // Two attempts, both cut off (each may have landed), and the SDK added no attempt of its own.
    expect(dropped[0]).toMatchObject({ attempts: 2, cutOff: 2, errorName: SEND_CUT_OFF });
    expect(accepted).toBe(2);
    const emf = lines.find((line) => '_aws' in line);
    expect(emf?.UsageEventsDropped).toBe(1);
    client.destroy();
  }, 15_000);

  test('a route handler answers the client within the budget while SQS hangs', async () => {
    const client = hungClient();
    const { logger, metrics } = quietTelemetry();
    const handler = createHttpHandler(helloRoute, () => ({ body: { ok: true } }), {
      telemetry: { sqs: () => client, queueUrl: () => `${endpoint}/000000000000/usage`, logger, metrics },
    });
    captureStdout();
    const started = Date.now();
    const response = await handler(apiEvent({ method: 'GET', path: helloRoute.path, requestId: 'req-hung-2' }), lambdaContext());
    const elapsed = Date.now() - started;
    jest.restoreAllMocks();

    expect(response.statusCode).toBe(200);
    expect(elapsed).toBeLessThanOrEqual(HOLD_MS + LOADED_MACHINE_MS + 50); // the handler's own work included
    const dropped = jsonLines().filter((line) => line.message === USAGE_EVENT_DROPPED);
    expect(dropped).toHaveLength(1);
    expect((dropped[0].usageEvent as UsageEvent).eventId).toMatch(/^[0-9a-z]+\.req-hung-2$/);
    client.destroy();
  }, 15_000);

  test('an SDK client left to its own retries and timeouts cannot extend the hold either', async () => {
    // Default retries (3 attempts with backoff) and no timeouts: only the publisher's timer bounds the send.
    const client = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const { logger, metrics } = quietTelemetry();
    captureStdout();
    accepted = 0;
    const started = Date.now();
    const sent = await publishUsageEvent({ sqs: client, queueUrl: `${endpoint}/000000000000/usage`, logger, metrics }, event);
    const elapsed = Date.now() - started;
    jest.restoreAllMocks();

    expect(sent).toBe(false);
    expect(elapsed).toBeLessThanOrEqual(HOLD_MS + LOADED_MACHINE_MS);
    expect(accepted).toBe(2); // each cut-off aborted its request: no SDK retry behind the publisher's back
    expect(jsonLines().filter((line) => line.message === USAGE_EVENT_DROPPED)).toHaveLength(1);
    client.destroy();
  }, 15_000);
});

describe('with a mocked SQS client', () => {
  // Created here, not at collection time: mockClient stubs every SQSClient, the hung-endpoint ones included.
  let sqsMock: ReturnType<typeof mockClient>;
  beforeAll(() => {
    sqsMock = mockClient(SQSClient);
  });
  afterAll(() => sqsMock.restore());
  beforeEach(() => sqsMock.reset());

  test('a transient failure is retried and not dropped', async () => {
    sqsMock
      .on(SendMessageCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves({ MessageId: 'm' });
    const { logger, metrics } = quietTelemetry();
    captureStdout();
    const sent = await publishUsageEvent({ sqs: new SQSClient({}), queueUrl: 'https://sqs.local/q', logger, metrics }, event);
    metrics.publishStoredMetrics();
    jest.restoreAllMocks();
    expect(sent).toBe(true);
    expect(jsonLines().filter((line) => line.message === USAGE_EVENT_DROPPED)).toHaveLength(0);
    expect(sqsMock.commandCalls(SendMessageCommand).length).toBe(2);
  });

  test('a send that keeps failing is logged once with the whole event and counted', async () => {
    sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error('gone'), { name: 'QueueDoesNotExist' }));
    const { logger, metrics } = quietTelemetry();
    captureStdout();
    const sent = await publishUsageEvent({ sqs: new SQSClient({}), queueUrl: 'https://sqs.local/q', logger, metrics }, event);
    metrics.publishStoredMetrics();
    jest.restoreAllMocks();
    expect(sent).toBe(false);
    const lines = jsonLines();
    const dropped = lines.filter((line) => line.message === USAGE_EVENT_DROPPED);
    expect(dropped).toHaveLength(1);
    expect(dropped[0].usageEvent).toEqual(event);
    expect(dropped[0].level).toBe('ERROR');
    // Refused three times, fast: no attempt was cut off, so none of them can have landed.
    expect(dropped[0]).toMatchObject({ attempts: 3, cutOff: 0, errorName: 'QueueDoesNotExist' });
    expect(dropped[0].heldMs as number).toBeLessThanOrEqual(HOLD_MS + LOADED_MACHINE_MS);
    expect(lines.find((line) => '_aws' in line)?.UsageEventsDropped).toBe(1);
    // The message body sent is exactly the event (what replay re-sends).
    expect(JSON.parse(sqsMock.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody as string)).toEqual(event);
  });
});
