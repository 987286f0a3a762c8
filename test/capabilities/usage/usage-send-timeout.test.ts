// Request → queue: a hung or failing SQS never holds the client's response past a bounded budget, and
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
import { USAGE_SEND } from '../../../contracts/usage-queue';
import { usageEventV1, type UsageEvent } from '../../../contracts/usage-event';
import { createHttpHandler } from '../../../capabilities/http/http-handler';
import { publishUsageEvent, USAGE_EVENT_DROPPED } from '../../../capabilities/usage/usage-publisher';
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

afterEach(() => jest.restoreAllMocks());

test('the send budget (all attempts) fits well inside every route timeout', () => {
  const worstCase = USAGE_SEND.budgetMs;
  expect(USAGE_SEND.maxAttempts * USAGE_SEND.attemptTimeoutMs).toBeGreaterThanOrEqual(worstCase * 0.5);
  for (const route of ROUTES) expect(worstCase).toBeLessThanOrEqual(route.timeoutSeconds * 1000 * 0.5);
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
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  function hungClient(): SQSClient {
    // The same configuration the Lambdas use, only the endpoint differs.
    const previous = process.env.AWS_ENDPOINT_URL_SQS;
    process.env.AWS_ENDPOINT_URL_SQS = endpoint;
    try {
      let client: SQSClient | undefined;
      jest.isolateModules(() => {
        client = require('../../../capabilities/aws/sqs-client').sqs();
      });
      return client as SQSClient;
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SQS;
      else process.env.AWS_ENDPOINT_URL_SQS = previous;
    }
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
    expect(elapsed).toBeLessThanOrEqual(USAGE_SEND.budgetMs + 500);
    expect(accepted).toBeGreaterThanOrEqual(1); // the request really reached the hung server
    const lines = jsonLines();
    const dropped = lines.filter((line) => line.message === USAGE_EVENT_DROPPED);
    expect(dropped).toHaveLength(1);
    expect(usageEventV1.parse(dropped[0].usageEvent)).toEqual(event);
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
    expect(elapsed).toBeLessThan(helloRoute.timeoutSeconds * 1000);
    expect(elapsed).toBeLessThanOrEqual(USAGE_SEND.budgetMs + 500);
    const dropped = jsonLines().filter((line) => line.message === USAGE_EVENT_DROPPED);
    expect(dropped).toHaveLength(1);
    expect((dropped[0].usageEvent as UsageEvent).eventId).toMatch(/^[0-9a-z]+\.req-hung-2$/);
    client.destroy();
  }, 15_000);
});

describe('with a mocked SQS client', () => {
  const sqsMock = mockClient(SQSClient);
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
    expect(lines.find((line) => '_aws' in line)?.UsageEventsDropped).toBe(1);
    // The message body sent is exactly the event (what replay re-sends).
    expect(JSON.parse(sqsMock.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody as string)).toEqual(event);
  });
});
