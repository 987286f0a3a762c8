// The deployed alert sweeper (functions/alert-sweeper/handler.ts) against DynamoDB Local, EventBridge mocked: its
// metrics count what EventBridge accepted, also on a run that fails. Before, a run with a failed part threw before
// any metric was added, so the alerts it had sent were missing from UsageAlertsSent.
import type { Context } from 'aws-lambda';
import type {
  EventBridgeClient,
  EventBridgeClientResolvedConfig,
  PutEventsCommand,
  ServiceInputTypes,
  ServiceOutputTypes,
} from '@aws-sdk/client-eventbridge';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { METRIC } from '../../../contracts/metrics';
import { clientItem, counters, createUsageTable, dayItems, documentClient, putItems } from '../analytics/fixtures';

let dynamoLocal: RunningService;
const saved = { ...process.env };

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
}, 60_000);

afterAll(async () => {
  process.env = saved;
  await dynamoLocal?.stop();
});

test('a sweep whose second PutEvents call fails still reports the ten alerts EventBridge accepted', async () => {
  const db = documentClient(dynamoLocal.endpoint);
  const tableName = 'usage-sweeper-handler';
  await createUsageTable(db, tableName);
  const today = new Date().toISOString().slice(0, 10);
  // Six standard clients at their daily quota (10,000) today, alerted by nobody: twelve crossings (80 % and 100 %).
  const clients = ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => `cl_${c}`);
  await putItems(db, tableName, [
    ...clients.map((c) => clientItem(c)),
    ...clients.flatMap((c) => dayItems(c, today, { 'GET /v1/hello': counters(10_000) })),
  ]);
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    ALERT_BUS_NAME: 'alerts',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoLocal.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const added = new Map<string, number>();
  let handler!: (event: unknown, context: Context) => Promise<unknown>;
  let eventBridge!: AwsStub<ServiceInputTypes, ServiceOutputTypes, EventBridgeClientResolvedConfig>;
  let putEvents!: typeof PutEventsCommand;
  jest.isolateModules(() => {
    // The handler's own copy of the SDK (isolated modules), mocked.
    const sdk = require('@aws-sdk/client-eventbridge');
    putEvents = sdk.PutEventsCommand;
    eventBridge = mockClient(sdk.EventBridgeClient as typeof EventBridgeClient);
    eventBridge
      .on(putEvents)
      .resolvesOnce({ FailedEntryCount: 0 })
      .rejects(Object.assign(new Error('Internal failure'), { name: 'InternalException' }));
    ({ handler } = require('../../../functions/alert-sweeper/handler'));
    const { metrics } = require('../../../capabilities/aws/powertools');
    jest.spyOn(metrics, 'addMetric').mockImplementation((name: unknown, _unit: unknown, value: unknown) => {
      added.set(name as string, (added.get(name as string) ?? 0) + (value as number));
    });
  });
  try {
    await expect(handler({}, { functionName: 'alert-sweeper', awsRequestId: 'r1' } as Context)).rejects.toThrow('Internal failure');
    expect(eventBridge.commandCalls(putEvents).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(added.get(METRIC.alertsSent)).toBe(10);
    expect(added.get(METRIC.alertsRecovered)).toBe(10);
    expect(added.get(METRIC.creditAlertsSent)).toBe(0);
  } finally {
    eventBridge.restore();
    db.destroy();
  }
});
