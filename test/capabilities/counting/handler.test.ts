// The deployed entry point: Middy + Powertools around the use case, with the SDK pointed at DynamoDB Local by env.
import type { Context, SQSEvent } from 'aws-lambda';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { dynamoClients, freshTable, sortedEntries, storedCounters, truthOf } from './support/table';
import { generateEvents } from './support/workload';

let ddb: RunningService;
const saved = { ...process.env };
beforeAll(async () => {
  ddb = await startDynamoDbLocal();
});
afterAll(async () => {
  process.env = saved;
  await ddb?.stop();
});

test('handler counts valid records and reports the poison one in batchItemFailures', async () => {
  const { raw, doc } = dynamoClients(ddb.endpoint);
  const table = await freshTable(raw, 'handler');
  Object.assign(process.env, {
    TABLE_NAME: table,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  let handler!: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
  jest.isolateModules(() => {
    ({ handler } = require('../../../functions/aggregator/handler'));
  });
  const events = generateEvents({ count: 20, clients: 3, routes: 2, seed: 8 });
  const record = (id: string, body: string) => ({
    messageId: id,
    receiptHandle: id,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:usage',
    awsRegion: 'us-east-1',
  });
  const event = { Records: [...events.map((e, i) => record(`m${i}`, JSON.stringify(e))), record('bad', '{"v":9}')] } as SQSEvent;
  const context = { functionName: 'aggregator', awsRequestId: 'r1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

  const first = await handler(event, context);
  const again = await handler(event, context); // SQS delivers the same batch again

  expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
  expect(again.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
  expect(sortedEntries(await storedCounters(doc, table))).toEqual(sortedEntries(truthOf(events)));
  raw.destroy();
});
