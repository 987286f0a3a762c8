// `npm start -- --dynamodb-endpoint URL --sqs-endpoint URL`: the twin uses a DynamoDB and an SQS that
// are already running (started here, as a user or a fault-injecting proxy would run them), creates the
// table and queues there if missing, and counts a request of a key created in that DynamoDB.
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { itemKey } from '../../contracts/table';
import { utcDay } from '../../contracts/usage-event';
import { startDynamoDbLocal } from '../../local/services/dynamodb-local';
import { startFauxqs } from '../../local/services/fauxqs';
import type { RunningService } from '../../local/services/child-service';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/resources';
import { parseCli } from '../../local/start';
import { startTwin, type Twin } from '../../local/twin';
import { createClient } from '../../capabilities/customers/client-store';

const config = (endpoint: string) => ({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
let dynamo: RunningService;
let sqsService: RunningService;
let twin: Twin | undefined;

beforeAll(async () => {
  [dynamo, sqsService] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
}, 60_000);
afterAll(async () => {
  await twin?.stop();
  await Promise.all([dynamo?.stop(), sqsService?.stop()]);
});

test('the flags are parsed, and anything that is not a URL is refused', () => {
  expect(parseCli(['--dynamodb-endpoint', 'http://127.0.0.1:8000', '--sqs-endpoint=http://localhost:9324/'], {})).toMatchObject({
    dynamoEndpoint: 'http://127.0.0.1:8000',
    sqsEndpoint: 'http://localhost:9324',
  });
  expect(() => parseCli(['--dynamodb-endpoint'], {})).toThrow(/needs an http\(s\) URL/);
  expect(() => parseCli(['--sqs-endpoint', 'localhost:9324'], {})).toThrow(/needs an http\(s\) URL/);
});

test('a twin on running emulators creates its table and queues there and counts a request', async () => {
  const dynamoClient = new DynamoDBClient(config(dynamo.endpoint));
  const db = DynamoDBDocumentClient.from(dynamoClient);
  const sqs = new SQSClient(config(sqsService.endpoint));
  try {
    expect((await dynamoClient.send(new ListTablesCommand({}))).TableNames ?? []).toEqual([]);

    twin = await startTwin({
      port: 0,
      quiet: true,
      dailySchedule: false,
      dynamoEndpoint: dynamo.endpoint,
      sqsEndpoint: sqsService.endpoint,
      // Two twins in one test file share Jest's module registry, so the functions' SDK clients keep the first
      // twin's endpoints: without the IAM check those are the running emulators themselves, the same for both.
      // (Every other e2e file runs with the check on; this one is about the emulators.)
      iam: 'off',
    });
    // Only fauxqs for S3 was started; DynamoDB and SQS are the running ones.
    expect(twin.services.map((s) => s.name)).toEqual(['fauxqs (SQS + S3)']);
    // The twin uses them behind its IAM check: the functions and the state file name the check's endpoints.
    expect(twin.emulators).toMatchObject({ dynamo: dynamo.endpoint, sqs: sqsService.endpoint });
    expect((await dynamoClient.send(new ListTablesCommand({}))).TableNames).toEqual([twin.state.tableName]);
    const queues = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    expect(queues.map((url) => url.split('/').pop()).sort()).toEqual(
      [twin.state.usageQueueUrl, twin.state.deadLetterQueueUrl].map((url) => url.split('/').pop()).sort(),
    );

    // A key made directly in that DynamoDB, a request, and its count.
    const client = await createClient({ db, tableName: twin.state.tableName }, { plan: 'standard', name: 'external' });
    const answer = await fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': client.apiKey } });
    expect(answer.status).toBe(200);
    await twin.drainUsage(30_000);
    const counted = await db.send(
      new GetCommand({ TableName: twin.state.tableName, Key: itemKey.dayCounter(client.clientId, utcDay(new Date())) }),
    );
    expect(counted.Item?.requests).toBe(1);

    // A second twin on the same emulators finds the table and queues there and keeps the count.
    await twin.stop();
    twin = await startTwin({
      port: 0,
      quiet: true,
      dailySchedule: false,
      dynamoEndpoint: dynamo.endpoint,
      sqsEndpoint: sqsService.endpoint,
      // Two twins in one test file share Jest's module registry, so the functions' SDK clients keep the first
      // twin's endpoints: without the IAM check those are the running emulators themselves, the same for both.
      // (Every other e2e file runs with the check on; this one is about the emulators.)
      iam: 'off',
    });
    expect((await fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': client.apiKey } })).status).toBe(200);
    await twin.drainUsage(30_000);
    const again = await db.send(
      new GetCommand({ TableName: twin.state.tableName, Key: itemKey.dayCounter(client.clientId, utcDay(new Date())) }),
    );
    expect(again.Item?.requests).toBe(2);
  } finally {
    dynamoClient.destroy();
    sqs.destroy();
  }
}, 120_000);
