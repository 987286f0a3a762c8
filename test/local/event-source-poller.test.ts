// The Lambda SQS event-source emulator: batches, record shape, partial failures, whole-batch failures, redrive, drain.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createEventSourcePoller } from '../../local/event-source-poller';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/resources';
import { startFauxqs } from '../../local/services/fauxqs';
import type { RunningService } from '../../local/services/child-service';

let fauxqs: RunningService;
let sqs: SQSClient;
beforeAll(async () => {
  fauxqs = await startFauxqs();
  sqs = new SQSClient({ endpoint: fauxqs.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
});
afterAll(async () => {
  sqs?.destroy();
  await fauxqs?.stop();
});

test('batches up to the size, deletes what succeeded, redelivers failures and redrives them to the DLQ', async () => {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'poller-dlq' }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn;
  const queueUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: 'poller',
        Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
      }),
    )
  ).QueueUrl!;
  const bodies = Array.from({ length: 30 }, (_, i) => `msg-${i}`);
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody })),
      }),
    );
  }
  const seen: { body: string; receiveCount: string }[] = [];
  const batchSizes: number[] = [];
  let threwOnce = false;
  const remaining: number[] = [];
  const poller = createEventSourcePoller({
    sqs,
    queueUrl,
    batchSize: 8,
    batchWindowMs: 300,
    concurrency: 2,
    functionTimeoutMs: 5_000,
    handler: async (event: SQSEvent, context) => {
      batchSizes.push(event.Records.length);
      remaining.push(context.getRemainingTimeInMillis());
      const record = event.Records[0];
      expect(record).toMatchObject({
        eventSource: 'aws:sqs',
        awsRegion: 'us-east-1',
        eventSourceARN: expect.stringMatching(/^arn:aws:sqs:us-east-1:\d+:poller$/),
      });
      if (!threwOnce) {
        threwOnce = true;
        throw new Error('whole batch fails: nothing deleted');
      }
      for (const r of event.Records) seen.push({ body: r.body, receiveCount: r.attributes.ApproximateReceiveCount });
      return { batchItemFailures: event.Records.filter((r) => r.body === 'msg-7').map((r) => ({ itemIdentifier: r.messageId })) };
    },
  });
  poller.start();
  await poller.drain({ timeoutMs: 30_000 });
  await poller.stop();

  expect(Math.max(...batchSizes)).toBeLessThanOrEqual(8);
  expect(Math.max(...remaining)).toBeLessThanOrEqual(5_000);
  expect(poller.stats.failedInvocations).toBe(1);
  // Every message handled successfully at least once; the failing one twice (receive 1 and 2) and then the DLQ.
  expect(new Set(seen.map((s) => s.body))).toEqual(new Set(bodies));
  expect(
    seen
      .filter((s) => s.body === 'msg-7')
      .map((s) => s.receiveCount)
      .sort(),
  ).toEqual(expect.arrayContaining(['2']));
  const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, MaxNumberOfMessages: 10 }));
  expect(dead.Messages?.map((m) => m.Body)).toEqual(['msg-7']);
});
