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
  /** Invocations that ran past the function timeout (counted as failed; the handler may still finish its work). */
  timedOut: number;
}

export interface EventSourcePoller {
  start(): void;
  /**
   * Stops receiving and waits for batches in flight; with `awaitTimedOutMs`, also that long at most for handlers
   * still running past their timeout (a test reading their effects; Lambda would have ended them).
   */
  stop(options?: { awaitTimedOutMs?: number }): Promise<void>;
  /** Resolves when the queue holds no message (visible or in flight) and no batch is running. */
  drain(options?: { timeoutMs?: number; pollMs?: number }): Promise<void>;
  readonly stats: Readonly<PollerStats>;
}

export function createEventSourcePoller(options: EventSourcePollerOptions): EventSourcePoller {
  return new SqsEventSourcePoller(options);
}

/** One poller per queue: `concurrency` workers, each gathering a batch, invoking the handler and settling the batch. */
export class SqsEventSourcePoller implements EventSourcePoller {
  readonly stats: PollerStats = { invocations: 0, received: 0, deleted: 0, failedRecords: 0, failedInvocations: 0, timedOut: 0 };
  private readonly batchSize: number;
  private readonly batchWindowMs: number;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly region: string;
  private readonly functionName: string;
  private readonly eventSourceARN: string;
  private running = false;
  /** Batches handed to the handler and not yet settled: drain waits for none. */
  private invoking = 0;
  private workers: Promise<void>[] = [];
  /** Handler calls not yet settled, timed-out ones included (Lambda would end those; a promise cannot be ended). */
  private readonly calls = new Set<Promise<unknown>>();

  constructor(private readonly options: EventSourcePollerOptions) {
    this.batchSize = options.batchSize ?? 10;
    this.batchWindowMs = options.batchWindowMs ?? 0;
    this.concurrency = options.concurrency ?? 2;
    this.timeoutMs = options.functionTimeoutMs ?? 60_000;
    this.region = options.region ?? LOCAL_REGION;
    this.functionName = options.functionName ?? 'local-function';
    const queueName = options.queueUrl.split('/').pop() ?? 'queue';
    this.eventSourceARN = `arn:aws:sqs:${this.region}:000000000000:${queueName}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.workers = Array.from({ length: this.concurrency }, () => this.work());
  }

  /** Stops receiving and waits for batches in flight (and up to `awaitTimedOutMs` for handlers past their timeout). */
  async stop({ awaitTimedOutMs = 0 }: { awaitTimedOutMs?: number } = {}): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
    if (this.calls.size === 0 || awaitTimedOutMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.calls]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, awaitTimedOutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Resolves after two quiet checks in a row: no message visible, in flight or delayed, and no batch running. */
  async drain({ timeoutMs = 60_000, pollMs = 200 }: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
    const giveUp = Date.now() + timeoutMs;
    let quietChecks = 0;
    while (Date.now() < giveUp) {
      const left = await this.messagesLeft();
      quietChecks = left === 0 && this.invoking === 0 ? quietChecks + 1 : 0;
      if (quietChecks >= 2) return;
      await sleep(pollMs);
    }
    throw new Error(`queue not drained within ${timeoutMs} ms`);
  }

  /** One worker: gather a batch, invoke it; an error (SQS unreachable) is reported and the worker retries. */
  private async work(): Promise<void> {
    while (this.running) {
      try {
        const messages = await this.gather();
        if (messages.length > 0) await this.invoke(messages);
      } catch (error) {
        this.options.onError?.(error);
        await sleep(200);
      }
    }
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const out = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: this.options.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return out.Messages ?? [];
  }

  /** Gathers up to batchSize messages: starts with the first arrival, ends when full or the window has passed. */
  private async gather(): Promise<Message[]> {
    const batch: Message[] = [];
    let windowEnds = Infinity;
    while (this.running && batch.length < this.batchSize) {
      const left = windowEnds - Date.now();
      if (left <= 0) break;
      const waitSeconds = batch.length === 0 ? 1 : Math.min(1, Math.floor(left / 1000));
      const messages = await this.receive(this.batchSize - batch.length, waitSeconds);
      if (messages.length > 0 && batch.length === 0) windowEnds = Date.now() + this.batchWindowMs;
      batch.push(...messages);
      if (messages.length === 0 && batch.length > 0 && left < 50) break;
      if (messages.length === 0 && batch.length > 0) await sleep(Math.min(50, Math.max(0, left)));
    }
    return batch;
  }

  /** Hands one batch to the handler and settles it; counted as running until it is settled. */
  private async invoke(messages: Message[]): Promise<void> {
    this.invoking += 1;
    try {
      const records = messages.map((message) => this.toRecord(message));
      this.stats.invocations += 1;
      this.stats.received += records.length;
      let failed: Set<string>;
      try {
        failed = await this.callHandler(records);
      } catch (error) {
        this.stats.failedInvocations += 1;
        this.options.onError?.(error);
        return; // delete nothing: every message reappears after its visibility timeout
      }
      await this.settle(records, failed);
    } finally {
      this.invoking -= 1;
    }
  }

  /** Runs the handler within the function timeout; returns the ids of the records that failed. */
  private async callHandler(records: SQSRecord[]): Promise<Set<string>> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.stats.timedOut += 1;
        reject(new Error(`function timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    const call = this.options.handler({ Records: records }, lambdaContext(this.functionName, this.timeoutMs));
    this.calls.add(call);
    void call.then(
      () => this.calls.delete(call),
      () => this.calls.delete(call),
    );
    const response = await Promise.race([call, timedOut]).finally(() => clearTimeout(timer));
    const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    // Like Lambda: a failure naming no record of the batch fails the whole batch.
    if ([...failed].some((id) => !records.some((r) => r.messageId === id))) return new Set(records.map((r) => r.messageId));
    return failed;
  }

  /** Partial batch response: deletes the records that succeeded; the failed ones reappear after their visibility timeout. */
  private async settle(records: SQSRecord[], failed: Set<string>): Promise<void> {
    this.stats.failedRecords += failed.size;
    const done = records.filter((r) => !failed.has(r.messageId));
    for (let i = 0; i < done.length; i += 10) {
      const chunk = done.slice(i, i + 10);
      const out = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
        }),
      );
      this.stats.deleted += out.Successful?.length ?? 0;
    }
  }

  /** Messages visible, in flight or delayed, as SQS approximates them. */
  private async messagesLeft(): Promise<number> {
    const out = await this.options.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.options.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const a = out.Attributes ?? {};
    return (
      Number(a.ApproximateNumberOfMessages ?? 0) +
      Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
    );
  }

  /** The record Lambda would hand the function for one message. */
  private toRecord(message: Message): SQSRecord {
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
      eventSourceARN: this.eventSourceARN,
      awsRegion: this.region,
    };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
