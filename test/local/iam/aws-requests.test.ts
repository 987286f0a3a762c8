// The request reader on the bytes the real AWS SDK v3 clients send: every operation the stack's code and scripts use
// (grep `Command(` in capabilities/, scripts/, local/), captured by a throwaway endpoint on 127.0.0.1, read into the
// authorization requests AWS builds. Then the AccessDenied responses, answered to the real clients, which must throw
// the error AWS's would.
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  FlushStageAuthorizersCacheCommand,
  GetUsageCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, CreateLogStreamCommand, FilterLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ScanCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  accessDenied,
  authorizationRequests,
  type AwsEnvironment,
  type AwsOperation,
  type AwsServiceName,
} from '../../../local/iam/aws-requests';
import { evaluate } from '../../../local/iam/policy-engine';
import { itemKey } from '../../../contracts/table';
import { type RecordingEndpoint, recordingEndpoint } from './recording-endpoint';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const TABLE = 'metered-api-usage';
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE}`;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const resourceTags: Record<string, Record<string, string>> = {
  [`arn:aws:apigateway:${REGION}::/apikeys/k1`]: { 'metered-api:stage': 'dev' },
};
const env: AwsEnvironment = {
  account: ACCOUNT,
  region: REGION,
  partition: 'aws',
  partitionKeyOf: (table, index) => (index ? 'gsi1pk' : table === TABLE ? 'pk' : 'id'),
  resourceTags: (arn) => resourceTags[arn],
};

let endpoint: RecordingEndpoint;
beforeAll(async () => {
  endpoint = await recordingEndpoint();
});
afterAll(() => endpoint.close());
beforeEach(() => {
  endpoint.reply = () => ({});
});

const clientConfig = () => ({ endpoint: endpoint.url, region: REGION, credentials, maxAttempts: 1 });

/** Sends with the real client, then reads what the endpoint recorded. */
async function sent(service: AwsServiceName, send: () => Promise<unknown>): Promise<AwsOperation> {
  await send();
  return authorizationRequests(endpoint.last(service), env);
}

/** A request's context without the keys every request carries, for exact comparisons. */
function own(operation: AwsOperation) {
  return operation.requests.map(({ action, resource, context }) => {
    const { 'aws:SecureTransport': secure, 'aws:RequestedRegion': region, ...rest } = context;
    expect([secure, region]).toEqual([true, REGION]);
    return { action, resource, context: rest };
  });
}

describe('DynamoDB (lib-dynamodb and client-dynamodb, JSON 1.0)', () => {
  const db = () => DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()));

  test('GetItem with a projection: the key and projected attributes, SPECIFIC_ATTRIBUTES (the aggregator reads an override)', async () => {
    const read = await sent('dynamodb', () =>
      db().send(
        new GetCommand({
          TableName: TABLE,
          Key: itemKey.client('cl_1'),
          ProjectionExpression: '#override.dailyQuota',
          ExpressionAttributeNames: { '#override': 'override' },
        }),
      ),
    );
    expect(read.operation).toBe('GetItem');
    expect(own(read)).toEqual([
      {
        action: 'dynamodb:GetItem',
        resource: TABLE_ARN,
        context: {
          'dynamodb:LeadingKeys': ['CLIENTS'],
          'dynamodb:Attributes': ['pk', 'sk', 'override'],
          'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
        },
      },
    ]);
  });

  test('GetItem without a projection asks for ALL_ATTRIBUTES', async () => {
    const read = await sent('dynamodb', () =>
      db().send(new GetCommand({ TableName: TABLE, Key: itemKey.apiKey('abc'), ConsistentRead: true })),
    );
    expect(own(read)[0].context).toEqual({
      'dynamodb:LeadingKeys': ['KEY#abc'],
      'dynamodb:Attributes': ['pk', 'sk'],
      'dynamodb:Select': 'ALL_ATTRIBUTES',
    });
  });

  test('PutItem: the item attribute names, the condition, ReturnValues NONE by default', async () => {
    const read = await sent('dynamodb', () =>
      db().send(
        new PutCommand({
          TableName: TABLE,
          Item: { ...itemKey.dayCounter('cl_1', '2026-01-01'), requests: 1 },
          ConditionExpression: 'attribute_not_exists(#p)',
          ExpressionAttributeNames: { '#p': 'pk' },
        }),
      ),
    );
    expect(own(read)).toEqual([
      {
        action: 'dynamodb:PutItem',
        resource: TABLE_ARN,
        context: {
          'dynamodb:LeadingKeys': ['USAGE#cl_1'],
          'dynamodb:Attributes': ['pk', 'sk', 'requests'],
          'dynamodb:ReturnValues': 'NONE',
        },
      },
    ]);
  });

  test('UpdateItem: the update expression attributes, ReturnValues and ReturnConsumedCapacity as sent', async () => {
    const read = await sent('dynamodb', () =>
      db().send(
        new UpdateCommand({
          TableName: TABLE,
          Key: itemKey.dayCounter('cl_1', '2026-01-01'),
          UpdateExpression: 'ADD #requests :n SET #routes.#r = if_not_exists(#routes.#r, :zero) + :n, updatedAt = :now REMOVE #old[0]',
          ConditionExpression: 'attribute_exists(pk) AND size(#requests) < :max',
          ExpressionAttributeNames: { '#requests': 'requests', '#routes': 'routes', '#r': 'GET /v1/hello', '#old': 'legacy' },
          ExpressionAttributeValues: { ':n': 1, ':zero': 0, ':now': 'x', ':max': 10 },
          ReturnValues: 'ALL_NEW',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    expect(own(read)[0]).toEqual({
      action: 'dynamodb:UpdateItem',
      resource: TABLE_ARN,
      context: {
        'dynamodb:LeadingKeys': ['USAGE#cl_1'],
        'dynamodb:Attributes': ['pk', 'sk', 'requests', 'routes', 'updatedAt', 'legacy'],
        'dynamodb:ReturnValues': 'ALL_NEW',
        'dynamodb:ReturnConsumedCapacity': 'TOTAL',
      },
    });
  });

  test('DeleteItem', async () => {
    const read = await sent('dynamodb', () =>
      db().send(new DeleteCommand({ TableName: TABLE, Key: itemKey.daySummary('2026-01-01', 'cl_1') })),
    );
    expect(own(read)).toEqual([
      {
        action: 'dynamodb:DeleteItem',
        resource: TABLE_ARN,
        context: { 'dynamodb:LeadingKeys': ['SUMMARY#2026-01-01'], 'dynamodb:Attributes': ['pk', 'sk'], 'dynamodb:ReturnValues': 'NONE' },
      },
    ]);
  });

  test("Query: the partition key's equality in the key condition, through #names and :values", async () => {
    endpoint.reply = () => ({ body: '{"Items":[],"Count":0}' });
    const read = await sent('dynamodb', () =>
      db().send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: '#pk = :pk AND sk BETWEEN :start AND :end',
          FilterExpression: 'attribute_exists(requests)',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': 'USAGE#cl_1', ':start': 'DAY#2026-01-01', ':end': 'DAY#2026-01-31' },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    expect(own(read)).toEqual([
      {
        action: 'dynamodb:Query',
        resource: TABLE_ARN,
        context: {
          'dynamodb:LeadingKeys': ['USAGE#cl_1'],
          'dynamodb:Attributes': ['pk', 'sk', 'requests'],
          'dynamodb:Select': 'ALL_ATTRIBUTES',
          'dynamodb:ReturnConsumedCapacity': 'TOTAL',
        },
      },
    ]);
  });

  test('Query on an index: the index ARN and the index partition key; Scan has no leading keys', async () => {
    endpoint.reply = () => ({ body: '{"Items":[],"Count":0}' });
    const onIndex = await sent('dynamodb', () =>
      db().send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'byKey',
          KeyConditionExpression: ':h = gsi1pk',
          ExpressionAttributeValues: { ':h': 'H' },
        }),
      ),
    );
    expect(own(onIndex)[0]).toMatchObject({
      resource: `${TABLE_ARN}/index/byKey`,
      context: { 'dynamodb:LeadingKeys': ['H'], 'dynamodb:Select': 'ALL_PROJECTED_ATTRIBUTES' },
    });
    // Reading the index with the table's key finds no equality: an error, never an empty (always-true) LeadingKeys.
    const tableKeyOnly = { ...env, partitionKeyOf: () => 'pk' };
    await expect(authorizationRequests(endpoint.last('dynamodb'), tableKeyOnly)).rejects.toThrow(/no equality on the partition key pk/);
    const scan = await sent('dynamodb', () =>
      new DynamoDBClient(clientConfig()).send(new ScanCommand({ TableName: TABLE, ProjectionExpression: 'pk' })),
    );
    expect(own(scan)[0].context).toEqual({ 'dynamodb:Attributes': ['pk'], 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' });
  });

  test('BatchGetItem: one request per table with every key of that table', async () => {
    endpoint.reply = () => ({ body: '{"Responses":{}}' });
    const read = await sent('dynamodb', () =>
      db().send(
        new BatchGetCommand({
          RequestItems: {
            [TABLE]: { Keys: [itemKey.journalHead('j1'), itemKey.claimEntry('CLAIM#2026-01-01T00:00:00#3', 1)], ConsistentRead: true },
            other: { Keys: [{ id: 'x' }], ProjectionExpression: 'id, v' },
          },
        }),
      ),
    );
    expect(own(read)).toEqual([
      {
        action: 'dynamodb:BatchGetItem',
        resource: TABLE_ARN,
        context: {
          'dynamodb:LeadingKeys': ['JOURNAL#j1', 'CLAIM#2026-01-01T00:00:00#3'],
          'dynamodb:Attributes': ['pk', 'sk'],
          'dynamodb:Select': 'ALL_ATTRIBUTES',
        },
      },
      {
        action: 'dynamodb:BatchGetItem',
        resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/other`,
        context: { 'dynamodb:LeadingKeys': ['x'], 'dynamodb:Attributes': ['id', 'v'], 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      },
    ]);
  });

  test('BatchWriteItem: dynamodb:BatchWriteItem per table with the keys of every put and delete', async () => {
    endpoint.reply = () => ({ body: '{"UnprocessedItems":{}}' });
    const read = await sent('dynamodb', () =>
      db().send(
        new BatchWriteCommand({
          RequestItems: {
            [TABLE]: [
              { PutRequest: { Item: { ...itemKey.daySummary('2026-01-01', 'cl_1'), requests: 3 } } },
              { DeleteRequest: { Key: itemKey.dayCounter('cl_1', '2025-01-01') } },
            ],
          },
        }),
      ),
    );
    expect(own(read)).toEqual([
      {
        action: 'dynamodb:BatchWriteItem',
        resource: TABLE_ARN,
        context: { 'dynamodb:LeadingKeys': ['SUMMARY#2026-01-01', 'USAGE#cl_1'], 'dynamodb:Attributes': ['pk', 'sk', 'requests'] },
      },
    ]);
  });

  test('TransactWriteItems: one PutItem/UpdateItem/DeleteItem/ConditionCheckItem per item (creating a client)', async () => {
    const read = await sent('dynamodb', () =>
      db().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: TABLE,
                Item: { ...itemKey.apiKey('h1'), clientId: 'cl_1' },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: TABLE,
                Key: itemKey.client('cl_1'),
                UpdateExpression: 'SET keyHash = :h',
                ExpressionAttributeValues: { ':h': 'h1' },
              },
            },
            { Delete: { TableName: TABLE, Key: itemKey.apiKey('h0') } },
            {
              ConditionCheck: {
                TableName: TABLE,
                Key: itemKey.journalHead('j1'),
                ConditionExpression: '#st = :done',
                ExpressionAttributeNames: { '#st': 'st' },
                ExpressionAttributeValues: { ':done': 'complete' },
              },
            },
          ],
        }),
      ),
    );
    expect(read.operation).toBe('TransactWriteItems');
    expect(own(read)).toEqual([
      {
        action: 'dynamodb:PutItem',
        resource: TABLE_ARN,
        context: {
          'dynamodb:LeadingKeys': ['KEY#h1'],
          'dynamodb:Attributes': ['pk', 'sk', 'clientId'],
          'dynamodb:EnclosingOperation': 'TransactWriteItems',
        },
      },
      {
        action: 'dynamodb:UpdateItem',
        resource: TABLE_ARN,
        context: {
          'dynamodb:LeadingKeys': ['CLIENTS'],
          'dynamodb:Attributes': ['pk', 'sk', 'keyHash'],
          'dynamodb:EnclosingOperation': 'TransactWriteItems',
        },
      },
      {
        action: 'dynamodb:DeleteItem',
        resource: TABLE_ARN,
        context: {
          'dynamodb:LeadingKeys': ['KEY#h0'],
          'dynamodb:Attributes': ['pk', 'sk'],
          'dynamodb:EnclosingOperation': 'TransactWriteItems',
        },
      },
      // AWS's data lists no dynamodb:EnclosingOperation for ConditionCheckItem, so it is not carried.
      {
        action: 'dynamodb:ConditionCheckItem',
        resource: TABLE_ARN,
        context: { 'dynamodb:LeadingKeys': ['JOURNAL#j1'], 'dynamodb:Attributes': ['pk', 'sk', 'st'] },
      },
    ]);
  });

  test('TransactGetItems: one GetItem per item', async () => {
    endpoint.reply = () => ({ body: '{"Responses":[]}' });
    const read = await sent('dynamodb', () =>
      db().send(
        new TransactGetCommand({
          TransactItems: [{ Get: { TableName: TABLE, Key: itemKey.client('cl_1'), ProjectionExpression: 'plan' } }],
        }),
      ),
    );
    expect(own(read)).toEqual([
      {
        action: 'dynamodb:GetItem',
        resource: TABLE_ARN,
        context: {
          'dynamodb:LeadingKeys': ['CLIENTS'],
          'dynamodb:Attributes': ['pk', 'sk', 'plan'],
          'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
          'dynamodb:EnclosingOperation': 'TransactGetItems',
        },
      },
    ]);
  });

  test("the twin's table set-up: CreateTable, DescribeTable, UpdateTimeToLive on the table", async () => {
    const client = new DynamoDBClient(clientConfig());
    const create = await sent('dynamodb', () =>
      client.send(
        new CreateTableCommand({
          TableName: TABLE,
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          Tags: [{ Key: 'stage', Value: 'dev' }],
        }),
      ),
    );
    expect(own(create)).toEqual([
      { action: 'dynamodb:CreateTable', resource: TABLE_ARN, context: { 'aws:TagKeys': ['stage'], 'aws:RequestTag/stage': 'dev' } },
    ]);
    expect(own(await sent('dynamodb', () => client.send(new DescribeTableCommand({ TableName: TABLE }))))).toEqual([
      { action: 'dynamodb:DescribeTable', resource: TABLE_ARN, context: {} },
    ]);
    const ttl = await sent('dynamodb', () =>
      client.send(
        new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }),
      ),
    );
    expect(own(ttl)).toEqual([{ action: 'dynamodb:UpdateTimeToLive', resource: TABLE_ARN, context: {} }]);
  });
});

describe('SQS (client-sqs: JSON 1.0 with query compatibility)', () => {
  const sqs = () => new SQSClient({ ...clientConfig(), md5: false });
  const queueUrl = () => `${endpoint.url}/${ACCOUNT}/metered-api-usage-events`;
  const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:metered-api-usage-events`;

  test('the client speaks JSON: X-Amz-Target AmazonSQS.<Operation>', async () => {
    await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: '{}' }));
    expect(endpoint.last('sqs').headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
  });

  test.each([
    ['SendMessage', 'sqs:SendMessage', () => new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: '{}' })],
    [
      'SendMessageBatch',
      'sqs:SendMessage',
      () => new SendMessageBatchCommand({ QueueUrl: queueUrl(), Entries: [{ Id: '1', MessageBody: '{}' }] }),
    ],
    ['ReceiveMessage', 'sqs:ReceiveMessage', () => new ReceiveMessageCommand({ QueueUrl: queueUrl(), MaxNumberOfMessages: 10 })],
    [
      'DeleteMessageBatch',
      'sqs:DeleteMessage',
      () => new DeleteMessageBatchCommand({ QueueUrl: queueUrl(), Entries: [{ Id: '1', ReceiptHandle: 'r' }] }),
    ],
    [
      'GetQueueAttributes',
      'sqs:GetQueueAttributes',
      () => new GetQueueAttributesCommand({ QueueUrl: queueUrl(), AttributeNames: ['All'] }),
    ],
    [
      'SetQueueAttributes',
      'sqs:SetQueueAttributes',
      () => new SetQueueAttributesCommand({ QueueUrl: queueUrl(), Attributes: { VisibilityTimeout: '360' } }),
    ],
  ] as const)('%s is authorized as %s on the queue', async (operation, action, command) => {
    const read = await sent('sqs', () => sqs().send(command() as never));
    expect(read.operation).toBe(operation);
    expect(own(read)).toEqual([{ action, resource: QUEUE_ARN, context: {} }]);
  });

  test('CreateQueue: the queue named, with its request tags', async () => {
    endpoint.reply = () => ({ body: `{"QueueUrl":"${queueUrl()}"}` });
    const read = await sent('sqs', () =>
      sqs().send(new CreateQueueCommand({ QueueName: 'metered-api-usage-events', tags: { stage: 'dev' } })),
    );
    expect(own(read)).toEqual([
      { action: 'sqs:CreateQueue', resource: QUEUE_ARN, context: { 'aws:TagKeys': ['stage'], 'aws:RequestTag/stage': 'dev' } },
    ]);
  });
});

describe('S3 (client-s3, path-style)', () => {
  const s3 = () => new S3Client({ ...clientConfig(), forcePathStyle: true });
  const BUCKET = 'metered-api-usage-archive';

  test('PutObject and GetObject on the object ARN (key decoded), with the request headers S3 lists as keys', async () => {
    endpoint.reply = () => ({ headers: { etag: '"e"' }, body: '' });
    const put = await sent('s3', () =>
      s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'statements/2026-01/cl 1.json', Body: '{}', ServerSideEncryption: 'AES256' })),
    );
    expect(put.operation).toBe('PutObject');
    expect(put.requests).toHaveLength(1);
    expect(put.requests[0]).toMatchObject({
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${BUCKET}/statements/2026-01/cl 1.json`,
      context: {
        's3:x-amz-server-side-encryption': 'AES256',
        's3:ResourceAccount': ACCOUNT,
        's3:authType': 'REST-HEADER',
        's3:signatureversion': 'AWS4-HMAC-SHA256',
      },
    });
    const get = await sent('s3', () => s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'usage/2026-01-01.json' })));
    expect(get.requests.map((r) => [r.action, r.resource])).toEqual([['s3:GetObject', `arn:aws:s3:::${BUCKET}/usage/2026-01-01.json`]]);
    // s3:x-amz-checksum-mode is a header the SDK sends but not a key S3 lists for GetObject: dropped.
    expect(Object.keys(get.requests[0].context)).not.toContain('s3:x-amz-checksum-mode');
  });

  test('HeadObject is s3:GetObject', async () => {
    const head = await sent('s3', () => s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'usage/x' })));
    expect([head.operation, head.requests[0].action, head.requests[0].resource]).toEqual([
      'HeadObject',
      's3:GetObject',
      `arn:aws:s3:::${BUCKET}/usage/x`,
    ]);
  });

  test('ListObjectsV2 is s3:ListBucket on the bucket with s3:prefix and s3:max-keys', async () => {
    endpoint.reply = () => ({
      headers: { 'content-type': 'application/xml' },
      body: '<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>',
    });
    const list = await sent('s3', () => s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'usage/' })));
    expect(own(list)).toEqual([
      {
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${BUCKET}`,
        context: expect.objectContaining({ 's3:prefix': 'usage/', 's3:max-keys': 1000, 's3:ResourceAccount': ACCOUNT }),
      },
    ]);
    expect(list.requests[0].context).not.toHaveProperty('s3:delimiter');
  });

  test("CreateBucket (the twin's set-up)", async () => {
    endpoint.reply = () => ({ body: '' });
    const create = await sent('s3', () => s3().send(new CreateBucketCommand({ Bucket: BUCKET })));
    expect(create.requests.map((r) => [r.action, r.resource])).toEqual([['s3:CreateBucket', `arn:aws:s3:::${BUCKET}`]]);
  });

  test('a sub-resource the reader does not know is an error, not a guess', async () => {
    const call = {
      service: 's3' as const,
      method: 'GET',
      path: `/${BUCKET}/k`,
      query: new URLSearchParams('torrent'),
      headers: {},
      body: Buffer.alloc(0),
    };
    await expect(authorizationRequests(call, env)).rejects.toThrow(/unsupported sub-resource \?torrent/);
    await expect(authorizationRequests({ ...call, path: `/${BUCKET}`, query: new URLSearchParams('acl') }, env)).rejects.toThrow(/\?acl/);
    await expect(authorizationRequests({ ...call, method: 'PATCH', query: new URLSearchParams() }, env)).rejects.toThrow(
      /unsupported object request PATCH/,
    );
  });
});

describe('EventBridge (JSON 1.1)', () => {
  test('PutEvents: one request per entry, on its bus, with events:source and events:detail-type', async () => {
    endpoint.reply = () => ({ body: '{"FailedEntryCount":0,"Entries":[{"EventId":"1"},{"EventId":"2"}]}' });
    const client = new EventBridgeClient(clientConfig());
    const read = await sent('events', () =>
      client.send(
        new PutEventsCommand({
          Entries: [
            { EventBusName: 'metered-api-dev-alerts', Source: 'metered-api.usage', DetailType: 'QuotaThresholdCrossed', Detail: '{}' },
            { Source: 'metered-api.usage', DetailType: 'Other', Detail: '{}' },
          ],
        }),
      ),
    );
    expect(own(read)).toEqual([
      {
        action: 'events:PutEvents',
        resource: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/metered-api-dev-alerts`,
        context: { 'events:source': 'metered-api.usage', 'events:detail-type': 'QuotaThresholdCrossed' },
      },
      {
        action: 'events:PutEvents',
        resource: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`,
        context: { 'events:source': 'metered-api.usage', 'events:detail-type': 'Other' },
      },
    ]);
  });
});

describe('API Gateway management API (REST JSON)', () => {
  const apigw = () => new APIGatewayClient(clientConfig());
  const arn = (path: string) => `arn:aws:apigateway:${REGION}::${path}`;

  test('CreateApiKey with tags: POST on /apikeys, then the tagging PUT on the new key (id unknown: *)', async () => {
    endpoint.reply = () => ({ status: 201, body: '{"id":"k1"}' });
    const read = await sent('apigateway', () =>
      apigw().send(new CreateApiKeyCommand({ name: 'acme', enabled: true, value: 'v'.repeat(30), tags: { 'metered-api:stage': 'dev' } })),
    );
    const tags = { 'aws:TagKeys': ['metered-api:stage'], 'aws:RequestTag/metered-api:stage': 'dev' };
    expect(read.operation).toBe('CreateApiKey');
    expect(own(read)).toEqual([
      { action: 'apigateway:POST', resource: arn('/apikeys'), context: tags },
      { action: 'apigateway:PUT', resource: arn(`/tags/${encodeURIComponent(arn('/apikeys/*'))}`), context: tags },
    ]);
  });

  test('CreateUsagePlan with tags is authorized the same way; a create without tags only as the POST', async () => {
    endpoint.reply = () => ({ status: 201, body: '{"id":"p1"}' });
    const tagged = await sent('apigateway', () =>
      apigw().send(new CreateUsagePlanCommand({ name: 'client', tags: { 'metered-api:stage': 'dev' } })),
    );
    expect(tagged.requests.map((r) => [r.action, r.resource])).toEqual([
      ['apigateway:POST', arn('/usageplans')],
      ['apigateway:PUT', arn(`/tags/${encodeURIComponent(arn('/usageplans/*'))}`)],
    ]);
    const plain = await sent('apigateway', () => apigw().send(new CreateUsagePlanCommand({ name: 'client' })));
    expect(own(plain)).toEqual([{ action: 'apigateway:POST', resource: arn('/usageplans'), context: {} }]);
  });

  test.each([
    [
      'UpdateApiKey',
      'PATCH',
      '/apikeys/k1',
      () => new UpdateApiKeyCommand({ apiKey: 'k1', patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }),
    ],
    ['DeleteApiKey', 'DELETE', '/apikeys/k1', () => new DeleteApiKeyCommand({ apiKey: 'k1' })],
    [
      'CreateUsagePlanKey',
      'POST',
      '/usageplans/p1/keys',
      () => new CreateUsagePlanKeyCommand({ usagePlanId: 'p1', keyId: 'k1', keyType: 'API_KEY' }),
    ],
    ['DeleteUsagePlanKey', 'DELETE', '/usageplans/p1/keys/k1', () => new DeleteUsagePlanKeyCommand({ usagePlanId: 'p1', keyId: 'k1' })],
    ['DeleteUsagePlan', 'DELETE', '/usageplans/p1', () => new DeleteUsagePlanCommand({ usagePlanId: 'p1' })],
    ['GetUsagePlans', 'GET', '/usageplans', () => new GetUsagePlansCommand({ limit: 500 })],
    [
      'GetUsage',
      'GET',
      '/usageplans/p1/usage',
      () => new GetUsageCommand({ usagePlanId: 'p1', startDate: '2026-01-01', endDate: '2026-01-02' }),
    ],
    [
      'FlushStageAuthorizersCache',
      'DELETE',
      '/restapis/abc123/stages/dev/cache/authorizers',
      () => new FlushStageAuthorizersCacheCommand({ restApiId: 'abc123', stageName: 'dev' }),
    ],
  ] as const)('%s is apigateway:%s on %s', async (operation, method, path, command) => {
    endpoint.reply = () => ({ status: method === 'DELETE' ? 202 : 200, body: '{}' });
    const read = await sent('apigateway', () => apigw().send(command() as never));
    expect(read.operation).toBe(operation);
    expect(read.requests.map((r) => [r.action, r.resource])).toEqual([[`apigateway:${method}`, arn(path)]]);
  });

  test('the resourceTags hook supplies aws:ResourceTag for an existing key', async () => {
    const read = await sent('apigateway', () =>
      apigw().send(new UpdateApiKeyCommand({ apiKey: 'k1', patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] })),
    );
    expect(read.requests[0].context['aws:ResourceTag/metered-api:stage']).toBe('dev');
  });

  test("the admin role's grants (the dev template's CreateStageKeys statement) allow the POST but not the tagging PUT", async () => {
    endpoint.reply = () => ({ status: 201, body: '{"id":"k1"}' });
    const read = await sent('apigateway', () =>
      apigw().send(new CreateApiKeyCommand({ name: 'acme', value: 'v'.repeat(30), tags: { 'metered-api:stage': 'dev' } })),
    );
    const adminKeys = {
      Statement: [
        {
          Sid: 'CreateStageKeys',
          Effect: 'Allow' as const,
          Action: 'apigateway:POST',
          Resource: arn('/apikeys'),
          Condition: { StringEquals: { 'aws:RequestTag/metered-api:stage': 'dev' } },
        },
      ],
    };
    const principal = `arn:aws:iam::${ACCOUNT}:role/AdminFunctionRole`;
    const [post, tag] = read.requests.map((request) => evaluate({ principal, ...request }, { identity: [adminKeys] }));
    expect(post).toMatchObject({ decision: 'Allow', reason: expect.stringContaining('"CreateStageKeys"') });
    expect(tag).toMatchObject({ decision: 'ImplicitDeny', reason: expect.stringContaining('no statement allows apigateway:PUT on') });
  });
});

describe('CloudWatch Logs (JSON 1.1)', () => {
  const logs = () => new CloudWatchLogsClient(clientConfig());
  const group = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:metered-api-dev-admin-audit`;

  test('CreateLogStream and PutLogEvents (the audit log) act on the log stream', async () => {
    const create = await sent('logs', () =>
      logs().send(new CreateLogStreamCommand({ logGroupName: 'metered-api-dev-admin-audit', logStreamName: '2026/01/01/abc' })),
    );
    expect(own(create)).toEqual([{ action: 'logs:CreateLogStream', resource: `${group}:log-stream:2026/01/01/abc`, context: {} }]);
    const put = await sent('logs', () =>
      logs().send(
        new PutLogEventsCommand({
          logGroupName: 'metered-api-dev-admin-audit',
          logStreamName: '2026/01/01/abc',
          logEvents: [{ timestamp: 1, message: '{}' }],
        }),
      ),
    );
    expect(own(put)).toEqual([{ action: 'logs:PutLogEvents', resource: `${group}:log-stream:2026/01/01/abc`, context: {} }]);
  });

  test('FilterLogEvents (scripts) acts on the group, as `…:log-stream:` with no stream', async () => {
    endpoint.reply = () => ({ body: '{"events":[]}' });
    const read = await sent('logs', () => logs().send(new FilterLogEventsCommand({ logGroupName: 'metered-api-dev-admin-audit' })));
    expect(own(read)).toEqual([{ action: 'logs:FilterLogEvents', resource: `${group}:log-stream:`, context: {} }]);
  });
});

describe('what the reader refuses to guess', () => {
  const call = (service: AwsServiceName, target: string, body: object) => ({
    service,
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: { 'x-amz-target': target },
    body: Buffer.from(JSON.stringify(body)),
  });

  test('an operation AWS does not know becomes an action not in the data: an error', async () => {
    await expect(authorizationRequests(call('dynamodb', 'DynamoDB_20120810.GetItems', { TableName: TABLE }), env)).rejects.toThrow(
      /dynamodb:GetItems is not in AWS's service authorization data/,
    );
  });

  test('an ARN in no format of the action is an error', async () => {
    await expect(
      authorizationRequests(
        call('events', 'AWSEvents.PutEvents', { Entries: [{ EventBusName: 'arn:aws:sqs:us-east-1:1:q', Source: 's' }] }),
        env,
      ),
    ).rejects.toThrow(/not a resource of events:PutEvents/);
  });

  test('an item without the partition key is an error, not an empty dynamodb:LeadingKeys', async () => {
    const getItem = call('dynamodb', 'DynamoDB_20120810.GetItem', { TableName: TABLE, Key: { id: { S: 'x' } } });
    await expect(authorizationRequests(getItem, env)).rejects.toThrow(/no value for metered-api-usage's partition key pk/);
  });

  test('a call without the target header is not read as DynamoDB', async () => {
    await expect(authorizationRequests({ ...call('dynamodb', '', {}), headers: {} }, env)).rejects.toThrow(/not a DynamoDB JSON call/);
  });
});

describe('accessDenied: the real SDK clients throw what they would throw on AWS', () => {
  const principal = `arn:aws:sts::${ACCOUNT}:assumed-role/PipelineAggregatorRole/metered-api-dev-aggregator`;
  async function thrown(send: () => Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
    try {
      await send();
    } catch (error) {
      const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
      return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
    }
    throw new Error('the call did not fail');
  }

  test('DynamoDB: AccessDeniedException, 400, with AWS message for no allow and for an explicit deny', async () => {
    const resource = TABLE_ARN;
    endpoint.reply = () => accessDenied('dynamodb', 'GetItem', principal, 'dynamodb:GetItem', resource);
    const db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()));
    expect(await thrown(() => db.send(new GetCommand({ TableName: TABLE, Key: itemKey.apiKey('x') })))).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: `User: ${principal} is not authorized to perform: dynamodb:GetItem on resource: ${resource} because no identity-based policy allows the dynamodb:GetItem action`,
    });
    endpoint.reply = () =>
      accessDenied('dynamodb', 'GetItem', principal, 'dynamodb:GetItem', resource, {
        decision: 'ExplicitDeny',
        policyType: 'identity-based',
      });
    expect((await thrown(() => db.send(new GetCommand({ TableName: TABLE, Key: itemKey.apiKey('x') })))).message).toMatch(
      / with an explicit deny in an identity-based policy$/,
    );
  });

  test('SQS: AccessDenied, 403 (an explicit deny in the queue policy)', async () => {
    endpoint.reply = () =>
      accessDenied('sqs', 'SendMessage', principal, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:0:q', {
        decision: 'ExplicitDeny',
        policyType: 'resource-based',
      });
    const error = await thrown(() =>
      new SQSClient({ ...clientConfig(), md5: false }).send(
        new SendMessageCommand({ QueueUrl: `${endpoint.url}/${ACCOUNT}/q`, MessageBody: '{}' }),
      ),
    );
    expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(error.message).toMatch(/with an explicit deny in a resource-based policy$/);
  });

  test('S3: AccessDenied 403 for GetObject, a bare 403 for HeadObject', async () => {
    const s3 = new S3Client({ ...clientConfig(), forcePathStyle: true });
    endpoint.reply = () => accessDenied('s3', 'GetObject', principal, 's3:GetObject', 'arn:aws:s3:::b/k');
    const get = await thrown(() => s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })));
    expect(get).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(get.message).toContain('on resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action');
    endpoint.reply = () => accessDenied('s3', 'HeadObject', principal, 's3:GetObject', 'arn:aws:s3:::b/k');
    // AWS answers an errored HEAD with a bare status ("It's not possible to retrieve the exact exception", API_HeadObject):
    // this SDK names a bodiless 403 `Unknown` (only a 404 gets a name, NotFound), so the caller sees the same on AWS.
    const head = await thrown(() => s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' })));
    expect(head).toMatchObject({ name: 'Unknown', status: 403 });
  });

  test('EventBridge: AccessDeniedException, 400', async () => {
    endpoint.reply = () => accessDenied('events', 'PutEvents', principal, 'events:PutEvents', 'arn:aws:events:us-east-1:0:event-bus/b');
    const error = await thrown(() =>
      new EventBridgeClient(clientConfig()).send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })),
    );
    expect(error).toMatchObject({ name: 'AccessDeniedException', status: 400 });
  });

  test('API Gateway: AccessDeniedException, 403', async () => {
    endpoint.reply = () => accessDenied('apigateway', 'CreateApiKey', principal, 'apigateway:PUT', 'arn:aws:apigateway:us-east-1::/tags/x');
    const error = await thrown(() => new APIGatewayClient(clientConfig()).send(new CreateApiKeyCommand({ name: 'n' })));
    expect(error).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(error.message).toContain('apigateway:PUT');
  });

  test('CloudWatch Logs: AccessDeniedException, 400', async () => {
    endpoint.reply = () =>
      accessDenied('logs', 'PutLogEvents', principal, 'logs:PutLogEvents', 'arn:aws:logs:us-east-1:0:log-group:g:log-stream:s');
    const error = await thrown(() =>
      new CloudWatchLogsClient(clientConfig()).send(new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [] })),
    );
    expect(error).toMatchObject({ name: 'AccessDeniedException', status: 400 });
  });
});
