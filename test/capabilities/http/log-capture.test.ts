// No log line of any Lambda ever carries the API key value or the x-api-key header: every function
// is run at DEBUG level through its success, client-error, server-error and dropped-event paths.
import { mockClient } from 'aws-sdk-client-mock';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { ROUTES } from '../../../contracts/routes';
import { logger } from '../../../capabilities/aws/powertools';
import { generateApiKey, hashApiKey } from '../../../capabilities/customers/api-keys';
import { helloRoute } from '../../../contracts/routes/hello';
import { createHttpHandler } from '../../../capabilities/http/http-handler';
import { apiEvent, lambdaContext } from '../../support/api-event';

const sqsMock = mockClient(SQSClient);
const ddbMock = mockClient(DynamoDBDocumentClient);
const apiKey = generateApiKey();
const captured: string[] = [];

beforeAll(() => {
  logger.setLogLevel('DEBUG');
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      captured.push(String(chunk));
      return true;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map(String).join(' '));
    });
  }
});
afterAll(() => {
  jest.restoreAllMocks();
  logger.setLogLevel('SILENT');
});
beforeEach(() => {
  sqsMock.reset();
  ddbMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm' });
  ddbMock.on(QueryCommand).resolves({ Items: [] });
  ddbMock.on(TransactWriteCommand).resolves({});
});

function assertNoKeyInLogs() {
  const text = captured.join('\n');
  expect(captured.length).toBeGreaterThan(0);
  expect(text).not.toContain(apiKey);
  expect(text.toLowerCase()).not.toContain('x-api-key');
  expect(text).not.toContain(hashApiKey(apiKey));
}

test('route handlers: success, invalid input, thrown error and dropped usage event', async () => {
  for (const route of ROUTES) {
    const { handler } = require(`../../../${route.entry.replace(/\.ts$/, '')}`);
    const headers = { 'X-Api-Key': apiKey };
    await handler(
      apiEvent({
        method: route.method,
        path: route.path,
        apiKey,
        headers,
        body: route.method === 'POST' ? '{"items":[{"sku":"A","quantity":1}],"currency":"USD"}' : null,
      }),
      lambdaContext(),
    );
    await handler(
      apiEvent({
        method: route.method,
        path: route.path,
        apiKey,
        headers,
        query: { unexpected: apiKey },
        body: route.method === 'POST' ? `{"x":"${apiKey}"}` : null,
      }),
      lambdaContext(),
    );
    sqsMock.on(SendMessageCommand).rejects(new Error('queue down'));
    await handler(apiEvent({ method: route.method, path: route.path, apiKey, headers }), lambdaContext());
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm' });
  }
  const failing = createHttpHandler(helloRoute, () => {
    throw new Error('boom');
  });
  await failing(apiEvent({ method: 'GET', path: '/v1/hello', apiKey, headers: { 'X-Api-Key': apiKey } }), lambdaContext());
  assertNoKeyInLogs();
});

test('authorizer: valid, revoked, unknown and failing lookups', async () => {
  process.env.TABLE_NAME = 'usage';
  const { handler } = require('../../../functions/authorizer/handler');
  const event = (key: string): APIGatewayRequestAuthorizerEvent => ({
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:us-east-1:1:api/dev/GET/v1/hello',
    resource: '/v1/hello',
    path: '/v1/hello',
    httpMethod: 'GET',
    headers: { 'x-api-key': key },
    multiValueHeaders: { 'x-api-key': [key] },
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: { requestId: 'r' } as never,
  });
  const record = { clientId: 'cl_1', name: 'acme', plan: 'standard', createdAt: '2026-01-01T00:00:00Z', usageKey: 'musg'.padEnd(44, 'u') };
  let keyItem: Record<string, unknown> | undefined;
  ddbMock.on(GetCommand).callsFake((input: { Key: { pk: string } }) => {
    if (input.Key.pk.startsWith('KEY#')) return { Item: keyItem };
    return { Item: { requests: 3 } };
  });
  keyItem = { ...record, status: 'active' };
  await expect(handler(event(apiKey))).resolves.toMatchObject({ principalId: 'cl_1' });
  keyItem = { ...record, status: 'revoked' };
  await expect(handler(event(apiKey))).resolves.toMatchObject({ policyDocument: { Statement: [{ Effect: 'Deny' }] } });
  keyItem = undefined;
  await expect(handler(event(apiKey))).rejects.toThrow('Unauthorized');
  ddbMock.on(GetCommand).rejects(new Error('dynamodb down'));
  await expect(handler(event(apiKey))).rejects.toThrow();
  assertNoKeyInLogs();
});
