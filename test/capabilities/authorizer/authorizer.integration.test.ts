// The authorizer against DynamoDB Local (real protocol): keys created by the key store, looked up by hash.
import { DynamoDBClient, GetItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { createUsageTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/resources';
import {
  createClient,
  listClients,
  revokeClient,
  UnknownClientError,
  type ClientStore,
} from '../../../capabilities/customers/client-store';
import { authorize } from '../../../capabilities/authorizer/authorize';
import { API_KEY_PATTERN, generateApiKey, hashApiKey } from '../../../capabilities/customers/api-keys';
import { itemKey } from '../../../contracts/table';
import { METRIC } from '../../../contracts/metrics';

const TABLE = 'usage-authorizer-test';
let ddb: RunningService;
let store: ClientStore;
let raw: DynamoDBClient;
let handler: (event: APIGatewayRequestAuthorizerEvent) => Promise<unknown>;
let powertools: typeof import('../../../capabilities/aws/powertools');

function authorizerEvent(apiKey?: string): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/GET/v1/hello',
    resource: '/v1/hello',
    path: '/v1/hello',
    httpMethod: 'GET',
    headers: apiKey === undefined ? {} : { 'X-Api-Key': apiKey },
    multiValueHeaders: {},
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: { requestId: 'req-auth-1' } as never,
  };
}

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  raw = new DynamoDBClient({ endpoint: ddb.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await createUsageTable(raw, TABLE);
  store = { db: DynamoDBDocumentClient.from(raw), tableName: TABLE };
  // The handler reads its table and endpoint from the environment, as in Lambda.
  process.env.TABLE_NAME = TABLE;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = ddb.endpoint;
  jest.isolateModules(() => {
    handler = require('../../../functions/authorizer/handler').handler;
    powertools = require('../../../capabilities/aws/powertools');
  });
});

afterAll(async () => {
  raw?.destroy();
  await ddb?.stop();
  delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
});

test('keys are random, prefixed, ≥128 bits, and only their hash is stored', async () => {
  const keys = new Set(Array.from({ length: 1000 }, generateApiKey));
  expect(keys.size).toBe(1000);
  for (const key of keys) expect(key).toMatch(API_KEY_PATTERN);
  const created = await createClient(store, { plan: 'standard', name: 'acme' });
  expect(created.apiKey).toMatch(API_KEY_PATTERN);
  const stored = await raw.send(new ScanCommand({ TableName: TABLE }));
  const text = JSON.stringify(stored.Items);
  expect(text).not.toContain(created.apiKey);
  expect(text).toContain(hashApiKey(created.apiKey));
  expect(hashApiKey(created.apiKey)).toMatch(/^[0-9a-f]{64}$/);
});

test("valid key → allow with client context and today's aggregated count", async () => {
  const { apiKey, clientId } = await createClient(store, { plan: 'premium', name: 'globex' });
  const now = new Date('2026-11-28T10:00:00Z');
  await store.db.send(new PutCommand({ TableName: TABLE, Item: { ...itemKey.dayCounter(clientId, '2026-11-28'), requests: 17 } }));
  const decision = await authorize(store, apiKey, now);
  expect(decision).toEqual({
    effect: 'allow',
    clientId,
    plan: 'premium',
    usageKey: expect.stringMatching(/^musg[A-Za-z0-9]{40}$/),
    usedToday: 17,
    usageDay: '2026-11-28',
  });

  const policy = (await handler(authorizerEvent(apiKey))) as Record<string, any>;
  expect(policy.principalId).toBe(clientId);
  // The usage identifier is the stored, independent value: never the secret the client presented.
  expect(policy.usageIdentifierKey).toBe(decision.effect === 'allow' && decision.usageKey);
  expect(policy.usageIdentifierKey).not.toBe(apiKey);
  expect(JSON.stringify(policy)).not.toContain(apiKey);
  expect(policy.context).toMatchObject({
    clientId,
    plan: 'premium',
    accessDeniedDetail: "This API key's plan does not include this route.",
  });
  // Premium includes every route: each one's method ARN, and nothing else of the stage.
  const api = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev';
  expect(policy.policyDocument.Statement).toEqual([
    {
      Action: 'execute-api:Invoke',
      Effect: 'Allow',
      Resource: [`${api}/GET/v1/hello`, `${api}/POST/v1/quotes`, `${api}/GET/v1/usage`, `${api}/GET/v1/usage/daily`],
    },
  ]);
});

test('a standard key → the policy allows exactly the routes of its plan (not POST /v1/quotes)', async () => {
  const { apiKey } = await createClient(store, { plan: 'standard', name: 'hooli' });
  const policy = (await handler(authorizerEvent(apiKey))) as Record<string, any>;
  const api = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev';
  expect(policy.policyDocument.Statement).toEqual([
    {
      Action: 'execute-api:Invoke',
      Effect: 'Allow',
      Resource: [`${api}/GET/v1/hello`, `${api}/GET/v1/usage`, `${api}/GET/v1/usage/daily`],
    },
  ]);
});

test('missing, malformed and unknown keys → Unauthorized (401)', async () => {
  await expect(handler(authorizerEvent())).rejects.toThrow('Unauthorized');
  await expect(handler(authorizerEvent('not-a-key'))).rejects.toThrow('Unauthorized');
  await expect(handler(authorizerEvent(generateApiKey()))).rejects.toThrow('Unauthorized');
  await expect(authorize(store, generateApiKey(), new Date())).resolves.toEqual({ effect: 'unauthorized', reason: 'unknown' });
});

test('revoked key → explicit Deny (403), and the client is listed as revoked', async () => {
  const { apiKey, clientId } = await createClient(store, { plan: 'standard', name: 'initech' });
  await revokeClient(store, clientId);
  const policy = (await handler(authorizerEvent(apiKey))) as Record<string, any>;
  expect(policy.principalId).toBe(clientId);
  expect(policy.usageIdentifierKey).toBeUndefined();
  expect(policy.policyDocument.Statement[0].Effect).toBe('Deny');
  expect(policy.context).toEqual({ accessDeniedDetail: 'This API key is revoked.' });
  const listed = (await listClients(store)).find((c) => c.clientId === clientId);
  expect(listed).toMatchObject({ status: 'revoked', name: 'initech', plan: 'standard' });
  expect(JSON.stringify(await listClients(store))).not.toContain('keyHash');
  const keyItem = await raw.send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `KEY#${hashApiKey(apiKey)}` }, sk: { S: 'KEY' } } }),
  );
  expect(keyItem.Item?.status?.S).toBe('revoked');
});

test('a malformed key record → 401, logged and counted, never a 500; list and the other clients are unaffected', async () => {
  const good = await createClient(store, { plan: 'standard', name: 'fine' });
  const bad = await createClient(store, { plan: 'standard', name: 'broken' });
  // Corrupt both of the bad client's items (an unknown plan, a missing usage key).
  const keyItem = { pk: { S: `KEY#${hashApiKey(bad.apiKey)}` }, sk: { S: 'KEY' } };
  await raw.send(
    new UpdateItemCommand({
      TableName: TABLE,
      Key: keyItem,
      UpdateExpression: 'SET #p = :p REMOVE usageKey',
      ExpressionAttributeNames: { '#p': 'plan' },
      ExpressionAttributeValues: { ':p': { S: 'platinum' } },
    }),
  );
  await raw.send(
    new UpdateItemCommand({
      TableName: TABLE,
      Key: { pk: { S: 'CLIENTS' }, sk: { S: `CLIENT#${bad.clientId}` } },
      UpdateExpression: 'REMOVE usageKey',
    }),
  );
  const logged = jest.spyOn(powertools.logger, 'error');
  const counted = jest.spyOn(powertools.metrics, 'addMetric');
  try {
    await expect(handler(authorizerEvent(bad.apiKey))).rejects.toThrow('Unauthorized');
    expect(logged).toHaveBeenCalledWith(
      'malformed client record skipped',
      expect.objectContaining({ record: expect.objectContaining({ sk: 'KEY' }) }),
    );
    expect(counted).toHaveBeenCalledWith(METRIC.malformedClientRecords, 'Count', 1);
    expect(JSON.stringify(logged.mock.calls)).not.toContain(bad.apiKey);
  } finally {
    logged.mockRestore();
    counted.mockRestore();
  }
  await expect(handler(authorizerEvent(good.apiKey))).resolves.toMatchObject({ principalId: good.clientId });
  const skipped: string[] = [];
  const listed = await listClients(store, (record) => skipped.push(record.sk));
  expect(listed.map((c) => c.clientId)).toContain(good.clientId);
  expect(listed.map((c) => c.clientId)).not.toContain(bad.clientId);
  expect(skipped).toEqual([`CLIENT#${bad.clientId}`]);
});

test('revoking an unknown client is a clear error', async () => {
  await expect(revokeClient(store, 'cl_nope')).rejects.toBeInstanceOf(UnknownClientError);
});
