// `usage:replay --stage`: the route functions' log groups from the stack, FilterLogEvents over them in
// the window with the dropped-event pattern, and the events sent to the stack's usage queue.
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { UsageEvent } from '../../contracts/usage-event';
import { droppedEventsFromLines, parseInstant } from '../../scripts/support/dropped-usage-events';
import { replayStage } from '../../scripts/usage-replay';

const cfn = mockClient(CloudFormationClient);
const logs = mockClient(CloudWatchLogsClient);
const sqs = mockClient(SQSClient);

const usageEvent = (eventId: string): UsageEvent => ({
  v: 1,
  eventId,
  clientId: 'c1',
  plan: 'standard',
  route: 'GET /v1/hello',
  method: 'GET',
  status: 200,
  latencyMs: 2,
  requestTime: '2026-11-28T06:00:00.000Z',
  day: '2026-11-28',
});
const line = (eventId: string) =>
  JSON.stringify({
    level: 'ERROR',
    message: 'usage event dropped',
    timestamp: '2026-11-28T06:00:01.000Z',
    usageEvent: usageEvent(eventId),
  });
const window = { since: new Date('2026-11-28T05:00:00Z'), until: new Date('2026-11-28T07:00:00Z') };

beforeEach(() => {
  cfn.reset();
  logs.reset();
  sqs.reset();
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'MeteredApi-dev',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [{ OutputKey: 'UsageQueueUrl', OutputValue: 'https://sqs/q' }],
      },
    ],
  });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      {
        LogicalResourceId: 'RoutesHelloLogsAB12',
        PhysicalResourceId: 'hello-logs',
        ResourceType: 'AWS::Logs::LogGroup',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
      {
        LogicalResourceId: 'RoutesQuotesLogsCD34',
        PhysicalResourceId: 'quotes-logs',
        ResourceType: 'AWS::Logs::LogGroup',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
      {
        LogicalResourceId: 'AggregatorLogsEF56',
        PhysicalResourceId: 'aggregator-logs',
        ResourceType: 'AWS::Logs::LogGroup',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
      {
        LogicalResourceId: 'RoutesHelloServiceRole',
        PhysicalResourceId: 'role',
        ResourceType: 'AWS::IAM::Role',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
    ],
  });
  sqs.on(SendMessageBatchCommand).callsFake((input) => ({
    Successful: input.Entries.map((e: { Id: string }) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
});

test('searches only the route functions log groups, in the window, and sends each event once', async () => {
  logs
    .on(FilterLogEventsCommand, { logGroupName: 'hello-logs' })
    .resolves({ events: [{ message: line('e1') }, { message: line('e2') }, { message: line('e1') }] });
  logs
    .on(FilterLogEventsCommand, { logGroupName: 'quotes-logs' })
    .resolves({ events: Array.from({ length: 11 }, (_, i) => ({ message: line(`q${i}`) })) });

  const summary = await replayStage('dev', window, {
    cloudFormation: new CloudFormationClient({}),
    logs: new CloudWatchLogsClient({}),
    sqs: new SQSClient({}),
  });

  const searched = logs.commandCalls(FilterLogEventsCommand).map((call) => call.args[0].input);
  expect(searched.map((input) => input.logGroupName).sort()).toEqual(['hello-logs', 'quotes-logs']);
  for (const input of searched) {
    expect(input).toMatchObject({
      startTime: window.since.getTime(),
      endTime: window.until.getTime(),
      filterPattern: '{ $.message = "usage event dropped" }',
    });
  }
  const batches = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
  expect(batches.map((b) => b.Entries?.length)).toEqual([10, 3]);
  expect(batches.every((b) => b.QueueUrl === 'https://sqs/q')).toBe(true);
  const sentIds = batches.flatMap((b) => b.Entries?.map((e) => JSON.parse(e.MessageBody as string).eventId) ?? []);
  expect(new Set(sentIds).size).toBe(13);
  expect(summary).toMatchObject({ found: 13, sent: 13, failed: [], invalid: 0 });
});

test('a failed entry is reported by eventId; dry run sends nothing', async () => {
  logs.on(FilterLogEventsCommand).resolves({ events: [{ message: line('e1') }, { message: line('e2') }] });
  sqs
    .on(SendMessageBatchCommand)
    .resolves({ Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }], Failed: [{ Id: '1', Code: 'x', SenderFault: false }] });
  const clients = { cloudFormation: new CloudFormationClient({}), logs: new CloudWatchLogsClient({}), sqs: new SQSClient({}) };
  const summary = await replayStage('dev', window, clients);
  expect(summary.failed).toEqual(['e2']);
  sqs.resetHistory();
  expect((await replayStage('dev', window, clients, true)).sent).toBe(0);
  expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
});

test('log lines: other messages, lines outside the window and invalid events are not sent', () => {
  const lines = [
    line('ok'),
    JSON.stringify({ level: 'INFO', message: 'request', usageEvent: usageEvent('x') }),
    JSON.stringify({
      level: 'ERROR',
      message: 'usage event dropped',
      timestamp: '2026-11-28T01:00:00.000Z',
      usageEvent: usageEvent('old'),
    }),
    JSON.stringify({
      level: 'ERROR',
      message: 'usage event dropped',
      timestamp: '2026-11-28T06:00:00.000Z',
      usageEvent: { ...usageEvent('bad'), status: 'x' },
    }),
    'not json usage event dropped',
  ];
  const found = droppedEventsFromLines(lines, window);
  expect(found.events.map((e) => e.eventId)).toEqual(['ok']);
  expect(found.invalid).toBe(1);
});

test('--since accepts durations and ISO times and rejects anything else', () => {
  const now = new Date('2026-11-28T08:00:00Z');
  expect(parseInstant('2h', now).toISOString()).toBe('2026-11-28T06:00:00.000Z');
  expect(parseInstant('30m', now).toISOString()).toBe('2026-11-28T07:30:00.000Z');
  expect(parseInstant('2026-11-27T00:00:00Z', now).toISOString()).toBe('2026-11-27T00:00:00.000Z');
  expect(() => parseInstant('yesterday', now)).toThrow(/not a duration/);
});
