// The stage's routeRequestLog choice: with `errors`, a route function writes no `request` line for a success (its
// access-log line holds the same facts) and still logs every 4xx and 5xx.
import { mockClient } from 'aws-sdk-client-mock';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { helloRoute } from '../../../contracts/routes/hello';
import { createHttpHandler } from '../../../capabilities/http/http-handler';
import { logger } from '../../../capabilities/aws/powertools';
import { apiEvent, lambdaContext } from '../../support/api-event';

const sqsMock = mockClient(SQSClient);
let written: string[] = [];

beforeAll(() => {
  logger.setLogLevel('INFO');
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' ')));
  }
});
afterAll(() => {
  jest.restoreAllMocks();
  logger.setLogLevel('SILENT');
});
beforeEach(() => {
  written = [];
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm' });
});

const handlerWith = (requestLog: 'all' | 'errors', fail = false) =>
  createHttpHandler(
    helloRoute,
    () => {
      if (fail) throw new Error('boom');
      return { body: { ok: true } };
    },
    { telemetry: { requestLog: () => requestLog } },
  );
const lines = () => written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.trim() !== '');
const requestLines = () => lines().filter((line) => line.includes('"message":"request"'));

test.each(['all', 'errors'] as const)('%s: a success writes its request line only with `all`', async (choice) => {
  const result = await handlerWith(choice)(apiEvent({ method: 'GET', path: '/v1/hello' }), lambdaContext());
  expect(result.statusCode).toBe(200);
  expect(requestLines()).toHaveLength(choice === 'all' ? 1 : 0);
});

test('errors: a 400 and a 500 are still logged', async () => {
  await handlerWith('errors')(apiEvent({ method: 'GET', path: '/v1/hello', query: { name: 'x'.repeat(500) } }), lambdaContext());
  await handlerWith('errors', true)(apiEvent({ method: 'GET', path: '/v1/hello' }), lambdaContext());
  const statuses = requestLines().map((line) => JSON.parse(line.slice(line.indexOf('{'))).status);
  expect(statuses).toEqual([400, 500]);
});
