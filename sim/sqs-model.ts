// A model of a standard SQS queue with a redrive policy, as the aggregator's event source sees it:
// at-least-once receives (occasionally the same message twice at once), visibility timeouts,
// maxReceiveCount → DLQ, retention from the enqueue time, and an operator's redrive that resets it.

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  enqueuedAt: number;
  receiveCount: number;
  visibleAt: number;
}

export interface QueueSettings {
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
  readonly retentionMs: number;
  readonly deadLetterRetentionMs: number;
}

export class SqsModel {
  readonly source = new Map<string, QueueMessage>();
  readonly deadLetters = new Map<string, QueueMessage>();
  /** Messages SQS deleted for age: lost for good (the checker treats them as a violation). */
  readonly expired: QueueMessage[] = [];
  /** Every message the queue ever took: id → body. */
  readonly sent = new Map<string, string>();
  private sequence = 0;

  constructor(
    readonly settings: QueueSettings,
    private readonly clock: () => number,
  ) {}

  send(body: string): string {
    const messageId = `msg-${++this.sequence}`;
    this.sent.set(messageId, body);
    this.source.set(messageId, { messageId, body, enqueuedAt: this.clock(), receiveCount: 0, visibleAt: this.clock() });
    return messageId;
  }

  /** Up to `max` visible messages, made invisible for the visibility timeout; over-received ones move to the DLQ. */
  receive(max: number): QueueMessage[] {
    const now = this.clock();
    this.expire(now);
    const out: QueueMessage[] = [];
    for (const message of this.source.values()) {
      if (out.length >= max) break;
      if (message.visibleAt > now) continue;
      if (message.receiveCount >= this.settings.maxReceiveCount) {
        this.source.delete(message.messageId);
        this.deadLetters.set(message.messageId, message); // keeps its enqueue time
        continue;
      }
      message.receiveCount += 1;
      message.visibleAt = now + this.settings.visibilityTimeoutMs;
      out.push(message);
    }
    return out;
  }

  /** A message still in flight elsewhere, delivered again (standard queues are at-least-once). */
  inFlightCopy(random: () => number): QueueMessage | undefined {
    const now = this.clock();
    const inFlight = [...this.source.values()].filter((m) => m.visibleAt > now);
    return inFlight.length > 0 ? inFlight[Math.floor(random() * inFlight.length)] : undefined;
  }

  delete(messageId: string): void {
    this.source.delete(messageId);
  }

  /** The operator's redrive: DLQ messages (those `which` selects, else all) go back with a new enqueue time and no receives. */
  redrive(which: (message: QueueMessage) => boolean = () => true): number {
    const now = this.clock();
    this.expire(now);
    let moved = 0;
    for (const message of [...this.deadLetters.values()]) {
      if (!which(message)) continue;
      message.enqueuedAt = now;
      message.receiveCount = 0;
      message.visibleAt = now;
      this.source.set(message.messageId, message);
      this.deadLetters.delete(message.messageId);
      moved += 1;
    }
    return moved;
  }

  get settledOut(): boolean {
    return this.source.size === 0;
  }

  private expire(now: number): void {
    for (const [id, m] of this.source) {
      if (m.enqueuedAt + this.settings.retentionMs < now) {
        this.source.delete(id);
        this.expired.push(m);
      }
    }
    for (const [id, m] of this.deadLetters) {
      if (m.enqueuedAt + this.settings.deadLetterRetentionMs < now) {
        this.deadLetters.delete(id);
        this.expired.push(m);
      }
    }
  }
}
