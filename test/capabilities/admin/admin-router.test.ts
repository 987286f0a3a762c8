// The admin router as the AWS Lambda runs it, against DynamoDB Local with API Gateway mocked: IAM caller in
// every audit record, API Gateway calls of create / revoke / set-plan, validation and domain errors as
// problem+json, a failing audit store logged but not failing the request, and no usage event ever sent.
import { randomUUID } from 'node:crypto';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  FlushStageAuthorizersCacheCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { AuditRecord } from '../../../contracts/admin/audit';
import { createAdminHandler } from '../../../capabilities/admin/router';
import { getClient, listClients } from '../../../capabilities/customers/client-store';
import { apiGatewayKeys } from '../../../capabilities/api-gateway/key-gateway';
import { dynamoUsageReader } from '../../../capabilities/usage/usage-reader';
import type { RunningService } from '../../../local/services/child-service';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { createUsageTable, documentClient } from '../analytics/fixtures';
import { lambdaContext } from '../../support/api-event';

const TABLE = 'admin-router';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/Operators/alice';
const PLAN_IDS = { standard: 'up-standard', premium: 'up-premium' };
const gatewayMock = mockClient(APIGatewayClient);
const sqsMock = mockClient(SQSClient);

let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
let audit: AuditRecord[];
let errors: Array<{ message: string; fields: Record<string, unknown> }>;
let auditFails: boolean;

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

beforeEach(() => {
  gatewayMock.reset();
  sqsMock.reset();
  audit = [];
  errors = [];
  auditFails = false;
  let n = 0;
  gatewayMock.on(CreateApiKeyCommand).callsFake(async () => ({ id: `key-${++n}` }));
});

function handler() {
  const store = { db, tableName: TABLE };
  return createAdminHandler({
    store,
    usage: dynamoUsageReader(store),
    audit: {
      write: async (record) => {
        if (auditFails) throw new Error('log group gone');
        audit.push(record);
      },
    },
    logger: { error: (message, fields) => errors.push({ message, fields }) },
    gateway: async () =>
      apiGatewayKeys({ client: new APIGatewayClient({}), usagePlanIds: PLAN_IDS as never, restApiId: 'api123', stageName: 'dev' }),
  });
}

/** The proxy event API Gateway sends for an IAM-authorized method. */
function iamEvent(
  method: string,
  resource: string,
  options: { path?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {},
) {
  let path = resource;
  for (const [name, value] of Object.entries(options.path ?? {})) path = path.replace(`{${name}}`, value);
  return {
    resource,
    path,
    httpMethod: method,
    headers: options.body === undefined ? {} : { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: options.path ?? null,
    stageVariables: null,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      resourcePath: resource,
      httpMethod: method,
      stage: 'dev',
      authorizer: null,
      identity: { sourceIp: '198.51.100.4', userArn: CALLER, caller: 'AROAEXAMPLE:alice' },
    },
  } as unknown as APIGatewayProxyEvent;
}

async function invoke(event: APIGatewayProxyEvent) {
  const result = await handler()(event, lambdaContext('metered-api-dev-admin'));
  return { ...result, json: JSON.parse(result.body) };
}

test('create registers a tagged API Gateway key on the plan, stores the client, audits the IAM caller', async () => {
  const created = await invoke(iamEvent('POST', '/admin/v1/clients', { body: { plan: 'standard', name: 'acme' } }));
  expect(created.statusCode).toBe(201);
  expect(created.json).toEqual({ apiKey: expect.stringMatching(/^mapi/), clientId: expect.stringMatching(/^cl_/), plan: 'standard' });
  const calls = gatewayMock.calls().map((c) => [c.args[0].constructor.name, c.args[0].input]);
  expect(calls).toEqual([
    ['CreateApiKeyCommand', expect.objectContaining({ enabled: true, tags: { 'metered-api:stage': 'dev' } })],
    ['CreateUsagePlanKeyCommand', { usagePlanId: 'up-standard', keyId: 'key-1', keyType: 'API_KEY' }],
  ]);
  const stored = await getClient({ db, tableName: TABLE }, created.json.clientId);
  expect(stored).toMatchObject({ apiGatewayKeyId: 'key-1', plan: 'standard', status: 'active' });
  // API Gateway holds the usage identifier, never the client's secret.
  const usageValue = (calls[0][1] as { value: string }).value;
  expect(usageValue).toBe(stored?.usageKey);
  expect(usageValue).not.toBe(created.json.apiKey);
  expect(audit).toEqual([
    expect.objectContaining({
      who: CALLER,
      action: 'POST /admin/v1/clients',
      outcome: 'accepted',
      status: 201,
      clientId: created.json.clientId,
      sourceIp: '198.51.100.4',
      after: expect.objectContaining({ plan: 'standard', status: 'active', name: 'acme' }),
    }),
  ]);
  expect(JSON.stringify(audit)).not.toContain(created.json.apiKey);
  expect(JSON.stringify(audit)).not.toContain(usageValue);
  expect(sqsMock.calls()).toHaveLength(0);
});

test('a usage plan that refuses the key: the API Gateway key is deleted and nothing is stored', async () => {
  gatewayMock.on(CreateUsagePlanKeyCommand).rejects(new Error('TooManyRequests'));
  gatewayMock.on(DeleteApiKeyCommand).resolves({});
  const answer = await invoke(iamEvent('POST', '/admin/v1/clients', { body: { plan: 'premium', name: 'unlucky' } }));
  expect(answer.statusCode).toBe(500);
  expect(answer.json).toMatchObject({ type: 'https://metered-api.dev/problems/internal-error', status: 500 });
  expect(gatewayMock.commandCalls(DeleteApiKeyCommand).map((c) => c.args[0].input)).toEqual([{ apiKey: 'key-1' }]);
  expect(audit.map((r) => [r.outcome, r.status, r.reason])).toEqual([['failed', 500, 'internal-error']]);
  expect(errors.map((e) => e.message)).toEqual(['admin request failed']);
  expect((await listClients({ db, tableName: TABLE })).map((c) => c.name)).not.toContain('unlucky');
});

test('set-plan moves the key between usage plans and flushes the stage; revoke disables the API Gateway key and flushes', async () => {
  const created = await invoke(iamEvent('POST', '/admin/v1/clients', { body: { plan: 'standard', name: 'mover' } }));
  const id = created.json.clientId as string;
  gatewayMock.on(DeleteUsagePlanKeyCommand).resolves({}).on(CreateUsagePlanKeyCommand).resolves({});
  gatewayMock.resetHistory();

  const moved = await invoke(iamEvent('POST', '/admin/v1/clients/{id}/set-plan', { path: { id }, body: { plan: 'premium' } }));
  expect(moved.statusCode).toBe(200);
  expect(gatewayMock.calls().map((c) => [c.args[0].constructor.name, c.args[0].input])).toEqual([
    ['DeleteUsagePlanKeyCommand', { usagePlanId: 'up-standard', keyId: 'key-1' }],
    ['CreateUsagePlanKeyCommand', { usagePlanId: 'up-premium', keyId: 'key-1', keyType: 'API_KEY' }],
    // Cached authorizer results carry the old plan.
    ['FlushStageAuthorizersCacheCommand', { restApiId: 'api123', stageName: 'dev' }],
  ]);
  gatewayMock.resetHistory();

  const revoked = await invoke(iamEvent('POST', '/admin/v1/clients/{id}/revoke', { path: { id } }));
  expect(revoked.statusCode).toBe(200);
  expect(revoked.json).toMatchObject({ clientId: id, status: 'revoked', plan: 'premium' });
  expect(gatewayMock.calls().map((c) => [c.args[0].constructor.name, c.args[0].input])).toEqual([
    ['UpdateApiKeyCommand', { apiKey: 'key-1', patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }],
    ['FlushStageAuthorizersCacheCommand', { restApiId: 'api123', stageName: 'dev' }],
  ]);
  expect(gatewayMock.commandCalls(UpdateApiKeyCommand)).toHaveLength(1);
  expect(gatewayMock.commandCalls(FlushStageAuthorizersCacheCommand)).toHaveLength(1);
  expect(audit.slice(1).map((r) => [r.action, r.before?.plan, r.after?.plan, r.before?.status, r.after?.status])).toEqual([
    ['POST /admin/v1/clients/{id}/set-plan', 'standard', 'premium', 'active', 'active'],
    ['POST /admin/v1/clients/{id}/revoke', 'premium', 'premium', 'active', 'revoked'],
  ]);
});

test('invalid input and unknown clients are refused as problem+json and audited as refused', async () => {
  const answers = [
    await invoke(iamEvent('POST', '/admin/v1/clients', { body: { plan: 'gold', name: 'x', extra: true } })),
    await invoke(iamEvent('GET', '/admin/v1/clients/{id}', { path: { id: `cl_${'a'.repeat(32)}` } })),
    await invoke(iamEvent('GET', '/admin/v1/clients/{id}/usage', { path: { id: `cl_${'a'.repeat(32)}` }, query: { from: '2026-13-01' } })),
    await invoke(iamEvent('GET', '/admin/v1/clients', { query: { limit: '0' } })),
    await invoke(iamEvent('PUT', '/admin/v1/clients')),
  ];
  expect(answers.map((a) => [a.statusCode, a.headers?.['content-type'], a.json.type.split('/').pop()])).toEqual([
    [400, 'application/problem+json', 'invalid-request'],
    [404, 'application/problem+json', 'client-not-found'],
    [400, 'application/problem+json', 'invalid-request'],
    [400, 'application/problem+json', 'invalid-request'],
    [404, 'application/problem+json', 'not-found'],
  ]);
  expect(answers[0].json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body', 'body.plan']);
  expect(answers[0].body).not.toContain('gold');
  expect(audit.map((r) => [r.outcome, r.status, r.reason, r.who])).toEqual([
    ['refused', 400, 'invalid-request', CALLER],
    ['refused', 404, 'client-not-found', CALLER],
    ['refused', 400, 'invalid-request', CALLER],
    ['refused', 400, 'invalid-request', CALLER],
    ['refused', 404, 'not-found', CALLER],
  ]);
  expect(audit[1].clientId).toBe(`cl_${'a'.repeat(32)}`);
  expect(gatewayMock.calls()).toHaveLength(0);
});

test('an audit store that fails is logged with the record; the answer stands', async () => {
  auditFails = true;
  const created = await invoke(iamEvent('POST', '/admin/v1/clients', { body: { plan: 'premium', name: 'unaudited' } }));
  expect(created.statusCode).toBe(201);
  expect(errors).toEqual([
    {
      message: 'audit record not stored',
      fields: expect.objectContaining({ record: expect.objectContaining({ action: 'POST /admin/v1/clients' }) }),
    },
  ]);
  expect(JSON.stringify(errors)).not.toContain(created.json.apiKey);
});
