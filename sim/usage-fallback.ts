// The request path's usage send and its durable fallback, in the simulator: route functions send each event with
// the REAL publisher (capabilities/usage/usage-publisher.ts, on the virtual clock) to a modelled SQS that refuses a
// send, loses the answer of one that landed, or answers so late that the publisher's timer cuts the attempt off
// (the message lands later, or never); an event the publisher gives up on is logged as its Powertools line (the
// log group replay searches); operators run the REAL `usage:replay` (scripts/usage-replay.ts) over those lines
// against a modelled SQS whose calls fail, fail some entries, land and lose their answer, or die midway.
import { SendMessageBatchCommand, type SendMessageBatchResultEntry, SendMessageCommand } from '@aws-sdk/client-sqs';
import { publishUsageEvent, type SendClock } from '../capabilities/usage/usage-publisher';
import type { UsageEvent } from '../contracts/usage-event';
import { type ReplaySummary, replayFromLines } from '../scripts/usage-replay';
import type { Container } from './faulty-dynamo';
import { between, chance, type Random } from './random';
import type { Scheduler } from './scheduler';
import type { Trace } from './trace';
import { stacklessError } from './stackless-error';

export interface PublishFaults {
  /** Per attempt: SQS refuses the send (a 500); nothing lands. */
  readonly refuse: number;
  /** Per attempt: the message lands, then the answer is lost (a 500 or a reset connection). */
  readonly ambiguous: number;
  /** Per attempt: the answer comes after 150 ms–3 s, past the publisher's attempt timer; the message lands then (70 %) or never. */
  readonly slow: number;
}

export interface ReplayFaults {
  /** Per attempt of a SendMessageBatch: a 500 before anything lands (the SDK retries it). */
  readonly errorBefore: number;
  /** Per attempt: every entry lands, then the answer is lost (the SDK sends them all again). */
  readonly ambiguous: number;
  /** Per call: each entry fails on its own (half of them), listed in `Failed`. */
  readonly partial: number;
  /** Per call: the operator's process dies while the batch is in flight (landed or not). */
  readonly crash: number;
}

export const NO_PUBLISH_FAULTS: PublishFaults = { refuse: 0, ambiguous: 0, slow: 0 };
export const NO_REPLAY_FAULTS: ReplayFaults = { errorBefore: 0, ambiguous: 0, partial: 0, crash: 0 };

/** The SQS client's standard retry mode in the replay tool (a default SQSClient: 3 attempts). */
const REPLAY_MAX_ATTEMPTS = 3;

export interface FallbackWorld {
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly trace: Trace;
  /** Puts a body on the usage queue (the queue model; wakes the event source). */
  readonly enqueue: (body: string, by: string) => void;
}

const sqsError = (name: string) =>
  Object.assign(stacklessError(`${name} (modelled SQS fault)`), { name, $metadata: { httpStatusCode: 500 } });

export class UsageFallback {
  /** The route functions' log group: every line logged, in order. */
  readonly lines: string[] = [];
  /** Events the publisher gave up on (it logged them, or should have), and those of them that reached the queue all the same. */
  readonly dropped = new Set<string>();
  readonly droppedButLanded = new Set<string>();
  /** Events whose own send (the publisher's) reached the queue, whatever the publisher was told. */
  private readonly landed = new Set<string>();
  /** Messages the replays put on the queue (each copy). */
  replayed = 0;

  constructor(private readonly world: FallbackWorld) {}

  /** One route function's send of `event`, with the real publisher under `faults`; resolves when the request may return. */
  async publish(event: UsageEvent, faults: PublishFaults, by: string): Promise<void> {
    const { scheduler } = this.world;
    const clock: SendClock = {
      now: () => scheduler.now,
      sleep: (ms) => scheduler.sleep(ms),
      timer: (ms, fire) => {
        let live = true;
        scheduler.at(ms, () => live && fire());
        return () => {
          live = false;
        };
      },
    };
    const sent = await publishUsageEvent(
      {
        sqs: this.publisherSqs(faults, by) as never,
        queueUrl: 'sim-usage-queue',
        logger: { error: (message: string, attributes: object) => this.log(message, attributes) } as never,
        metrics: { addMetric: () => undefined } as never,
        clock,
      },
      event,
    );
    if (!sent) {
      this.dropped.add(event.eventId);
      if (this.landed.has(event.eventId)) this.droppedButLanded.add(event.eventId);
    }
  }

  /** A log line as Powertools' Logger writes it (JSON: level, message, timestamp, then the attributes). */
  protected log(message: string, attributes: object): void {
    const at = new Date(this.world.scheduler.now).toISOString();
    this.lines.push(JSON.stringify({ level: 'ERROR', message, timestamp: at, service: 'sim-route', ...attributes }));
  }

  /** An operator's `usage:replay` in a process of its own: the real tool over the log group, this window. */
  replay(container: Container, window: { since: Date; until: Date }, faults: () => ReplayFaults): Promise<ReplaySummary> {
    return replayFromLines(this.lines, { sqs: this.replaySqs(container, faults) as never, queueUrl: 'sim-usage-queue' }, window);
  }

  /** The route function's SQS client (one attempt per call, as USAGE_QUEUE_CLIENT_CONFIG makes it). */
  private publisherSqs(faults: PublishFaults, by: string) {
    const { scheduler, random } = this.world;
    return {
      send: async (command: SendMessageCommand) => {
        if (!(command instanceof SendMessageCommand))
          throw new Error(`the publisher's SQS model takes SendMessage, got ${String(command)}`);
        const body = String(command.input.MessageBody);
        const slow = chance(random, faults.slow);
        await scheduler.sleep(slow ? between(random, 150, 3_000) : between(random, 2, 40));
        if (chance(random, faults.refuse)) throw sqsError('InternalError');
        if (slow && chance(random, 0.3)) throw sqsError('RequestTimeout'); // the connection dropped: never landed
        this.land(body, by, 'publisher');
        if (chance(random, faults.ambiguous)) throw sqsError('InternalError');
        return { MessageId: 'model' };
      },
    };
  }

  /** The replay tool's SQS client: SendMessageBatch, with the SDK's retries, under `faults()`. */
  protected replaySqs(container: Container, faults: () => ReplayFaults) {
    const { scheduler, random } = this.world;
    const never = () => new Promise<never>(() => undefined);
    const attempt = async (command: SendMessageBatchCommand) => {
      const f = faults();
      await scheduler.sleep(between(random, 5, 60));
      if (!container.alive) return never();
      const entries = command.input.Entries ?? [];
      if (chance(random, f.crash)) {
        if (chance(random, 0.5)) for (const entry of entries) this.land(String(entry.MessageBody), `${container.id} (dying)`, 'replay');
        container.kill('crash during SendMessageBatch');
        return never();
      }
      if (chance(random, f.errorBefore)) throw sqsError('InternalError');
      const partial = chance(random, f.partial);
      const successful: SendMessageBatchResultEntry[] = [];
      const failed: { Id: string; SenderFault: boolean; Code: string }[] = [];
      for (const entry of entries) {
        if (partial && chance(random, 0.5)) failed.push({ Id: String(entry.Id), SenderFault: false, Code: 'InternalError' });
        else {
          this.land(String(entry.MessageBody), container.id, 'replay');
          successful.push({ Id: String(entry.Id), MessageId: 'model', MD5OfMessageBody: '' });
        }
      }
      if (chance(random, f.ambiguous)) throw sqsError('InternalError');
      return { Successful: successful, Failed: failed };
    };
    return {
      send: async (command: SendMessageBatchCommand) => {
        if (!(command instanceof SendMessageBatchCommand))
          throw new Error(`the replay's SQS model takes SendMessageBatch, got ${String(command)}`);
        for (let n = 1; ; n++) {
          try {
            return await attempt(command);
          } catch (error) {
            if ((error as Error).name !== 'InternalError' || n >= REPLAY_MAX_ATTEMPTS) throw error;
            await scheduler.sleep(random() * 100 * 2 ** n);
            if (!container.alive) return never();
          }
        }
      },
    };
  }

  /** A message reaches the usage queue. */
  protected land(body: string, by: string, source: 'publisher' | 'replay'): void {
    const id = /"eventId":"([^"]+)"/.exec(body)?.[1] ?? '';
    if (source === 'replay') this.replayed += 1;
    else {
      this.landed.add(id);
      if (this.dropped.has(id)) this.droppedButLanded.add(id);
    }
    this.world.enqueue(body, by);
  }
}
