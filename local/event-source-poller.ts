// Emulates Lambda's SQS event source mapping: batches (size + window), partial batch responses,
// visibility timeout, a concurrency limit; the queue's redrive policy moves repeated failures to its DLQ.
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { lambdaContext, LOCAL_REGION } from './fake-aws';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface EventSourcePollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly handler: SqsHandler;
  /** @default 10 */
  readonly batchSize?: number;
  /** How long to gather a batch once its first message arrived. @default 0 */
  readonly batchWindowMs?: number;
  /** Batches in flight at once. @default 2 */
  readonly concurrency?: number;
  /** Per-receive visibility timeout; the queue's own when absent. */
  readonly visibilityTimeoutSeconds?: number;
  /** The function's timeout: getRemainingTimeInMillis counts down from it; a slower handler counts as failed. @default 60000 */
  readonly functionTimeoutMs?: number;
  readonly functionName?: string;
  readonly region?: string;
  /** Called when a batch fails as a whole (handler threw or timed out). */
  readonly onError?: (error: unknown) => void;
}

export interface PollerStats {
  invocations: number;
  received: number;
  deleted: number;
  failedRecords: number;
  failedInvocations: number;
}

export interface EventSourcePoller {
  start(): void;
  /** Stops receiving and waits for batches in flight. */
  stop(): Promise<void>;
  /** Resolves when the queue holds no message (visible or in flight) and no batch is running. */
  drain(options?: { timeoutMs?: number; pollMs?: number }): Promise<void>;
  readonly stats: Readonly<PollerStats>;
}

export function createEventSourcePoller(options: EventSourcePollerOptions): EventSourcePoller {
  const batchSize = options.batchSize ?? 10;
  const batchWindowMs = options.batchWindowMs ?? 0;
  const concurrency = options.concurrency ?? 2;
  const timeoutMs = options.functionTimeoutMs ?? 60_000;
  const region = options.region ?? LOCAL_REGION;
  const functionName = options.functionName ?? 'local-function';
  const queueName = options.queueUrl.split('/').pop() ?? 'queue';
  const eventSourceARN = `arn:aws:sqs:${region}:000000000000:${queueName}`;
  const stats: PollerStats = { invocations: 0, received: 0, deleted: 0, failedRecords: 0, failedInvocations: 0 };
  let running = false;
  let invoking = 0;
  let workers: Promise<void>[] = [];

  async function receive(max: number, waitSeconds: number): Promise<Message[]> {
    const out = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: options.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return out.Messages ?? [];
  }

  /** Gathers up to batchSize messages: starts with the first arrival, ends when full or the window has passed. */
  async function gather(): Promise<Message[]> {
    const batch: Message[] = [];
    let windowEnds = Infinity;
    while (running && batch.length < batchSize) {
      const left = windowEnds - Date.now();
      if (left <= 0) break;
      const waitSeconds = batch.length === 0 ? 1 : Math.min(1, Math.floor(left / 1000));
      const messages = await receive(batchSize - batch.length, waitSeconds);
      if (messages.length > 0 && batch.length === 0) windowEnds = Date.now() + batchWindowMs;
      batch.push(...messages);
      if (messages.length === 0 && batch.length > 0 && left < 50) break;
      if (messages.length === 0 && batch.length > 0) await new Promise((r) => setTimeout(r, Math.min(50, Math.max(0, left))));
    }
    return batch;
  }

  function toRecord(message: Message): SQSRecord {
    const a = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
        SentTimestamp: a.SentTimestamp ?? String(Date.now()),
        SenderId: a.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
        ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
        ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, v]) => [
          name,
          {
            stringValue: v.StringValue,
            binaryValue: v.BinaryValue ? Buffer.from(v.BinaryValue).toString('base64') : undefined,
            stringListValues: [],
            binaryListValues: [],
            dataType: v.DataType ?? 'String',
          },
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN,
      awsRegion: region,
    };
  }

  const fakeContext = () => lambdaContext(functionName, timeoutMs);

  async function invoke(messages: Message[]): Promise<void> {
    invoking += 1;
    try {
      await invokeBatch(messages);
    } finally {
      invoking -= 1;
    }
  }

  async function invokeBatch(messages: Message[]): Promise<void> {
    const records = messages.map(toRecord);
    stats.invocations += 1;
    stats.received += records.length;
    let failed: Set<string>;
    try {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`function timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      const response = await Promise.race([options.handler({ Records: records }, fakeContext()), timedOut]).finally(() =>
        clearTimeout(timer),
      );
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      // Like Lambda: a failure naming no record of the batch fails the whole batch.
      if ([...failed].some((id) => !records.some((r) => r.messageId === id))) failed = new Set(records.map((r) => r.messageId));
    } catch (error) {
      stats.failedInvocations += 1;
      options.onError?.(error);
      return; // delete nothing: every message reappears after its visibility timeout
    }
    stats.failedRecords += failed.size;
    const done = records.filter((r) => !failed.has(r.messageId));
    for (let i = 0; i < done.length; i += 10) {
      const chunk = done.slice(i, i + 10);
      const out = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
        }),
      );
      stats.deleted += out.Successful?.length ?? 0;
    }
  }

  async function worker(): Promise<void> {
    while (running) {
      try {
        const messages = await gather();
        if (messages.length > 0) await invoke(messages);
      } catch (error) {
        options.onError?.(error);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  return {
    stats,
    start() {
      if (running) return;
      running = true;
      workers = Array.from({ length: concurrency }, () => worker());
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      workers = [];
    },
    async drain({ timeoutMs: drainTimeoutMs = 60_000, pollMs = 200 } = {}) {
      const giveUp = Date.now() + drainTimeoutMs;
      let quietChecks = 0;
      while (Date.now() < giveUp) {
        const out = await options.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: options.queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
          }),
        );
        const a = out.Attributes ?? {};
        const left =
          Number(a.ApproximateNumberOfMessages ?? 0) +
          Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
          Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
        quietChecks = left === 0 && invoking === 0 ? quietChecks + 1 : 0;
        if (quietChecks >= 2) return;
        await new Promise((r) => setTimeout(r, pollMs));
      }
      throw new Error(`queue not drained within ${drainTimeoutMs} ms`);
    },
  };
}
