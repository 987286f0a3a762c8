// The aggregator's DynamoDB client in the simulator: each call goes through an emulation of the SDK's
// standard retry loop (production maxAttempts), and each attempt meets a fault chosen by the seed —
// throttled or failed before it applies, applied but answered with an error, timed out and applied later
// (or never), slow, or the container crashes while it is in flight. The storage is the DynamoDB model.
import type { Random } from './random';
import { between, chance } from './random';
import type { Scheduler } from './scheduler';
import type { Trace } from './trace';

export interface DynamoStore {
  execute(command: object): unknown;
}

export interface DynamoFaults {
  /** Per attempt: refused before it applies with a throttling error (the SDK retries it). */
  readonly throttle: number;
  /** Per attempt: a 500 before it applies. */
  readonly errorBefore: number;
  /** Per attempt: applied, then the answer is lost (500 or socket error). */
  readonly ambiguous: number;
  /** Per attempt: the client times out; the request is applied later (within 2 s) or never. */
  readonly delayed: number;
  /** Per attempt: the container dies while the request is in flight (applied or not). */
  readonly crash: number;
  /** Per attempt: a latency spike of 0.3–8 s. */
  readonly spike: number;
  /** Per call: every attempt is throttled (a hot key), so the error reaches the caller past the SDK's retries. */
  readonly stuck: number;
}

export const NO_FAULTS: DynamoFaults = { throttle: 0, errorBefore: 0, ambiguous: 0, delayed: 0, crash: 0, spike: 0, stuck: 0 };

/** A Lambda execution environment: when it dies, nothing it was waiting for ever resumes. */
export interface Container {
  readonly id: string;
  alive: boolean;
  kill(reason: string): void;
}

/** The SDK's standard mode: retryable error names (throttling, transient, 5xx). */
const SDK_RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'TransactionConflictException',
]);

export interface FaultyDynamoOptions {
  readonly store: DynamoStore;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly container: Container;
  readonly faults: () => DynamoFaults;
  readonly trace: Trace;
  /** The production client's maxAttempts (capabilities/aws/dynamodb-client.ts). */
  readonly maxAttempts: number;
  /** Client-side request timeout, ms. */
  readonly requestTimeoutMs: number;
}

function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: name === 'TimeoutError' ? undefined : 500 } });
}

/** A stand-in for DynamoDBDocumentClient: `send(command)` with lib-dynamodb command objects. */
export class FaultyDynamo {
  constructor(private readonly o: FaultyDynamoOptions) {}

  async send(command: { constructor: { name: string }; input: unknown }): Promise<unknown> {
    const { random, scheduler } = this.o;
    const stuck = chance(random, this.o.faults().stuck);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(command, stuck);
      } catch (error) {
        const name = (error as Error).name;
        if (!SDK_RETRYABLE.has(name) || attempt >= this.o.maxAttempts) throw error;
        // Standard mode: full jitter on 100 ms × 2^attempt, capped at 20 s.
        await this.settled(scheduler.sleep(random() * Math.min(20_000, 100 * 2 ** attempt)));
      }
    }
  }

  /** One HTTP attempt. Never settles if the container dies first. */
  private attempt(command: { constructor: { name: string }; input: unknown }, stuck: boolean): Promise<unknown> {
    const { random, scheduler, store, container, trace } = this.o;
    const faults = stuck ? { ...this.o.faults(), throttle: 1 } : this.o.faults();
    const op = command.constructor.name.replace(/Command$/, '');
    const latency = chance(random, faults.spike) ? between(random, 300, 8_000) : between(random, 1, 12);
    const apply = () => {
      try {
        const value = store.execute(command);
        if (trace.enabled) trace.log(`${container.id} ${op} ${describe(command.input)} ok${describeResult(value)}`);
        return { ok: true as const, value };
      } catch (error) {
        if (trace.enabled) trace.log(`${container.id} ${op} ${describe(command.input)} ${(error as Error).name}`);
        return { ok: false as const, error };
      }
    };
    return new Promise((resolve, reject) => {
      const settle = (run: () => void) => {
        if (container.alive) run();
      };
      const roll = random();
      let edge = faults.crash;
      if (roll < edge) {
        const applied = chance(random, 0.5);
        trace.log(`${container.id} crash during ${op}${applied ? ' (applied)' : ''}`);
        scheduler.at(latency, () => {
          if (applied) apply();
        });
        container.kill(`crash during ${op}`);
        return;
      }
      if (roll < (edge += faults.throttle)) {
        scheduler.at(latency, () => settle(() => reject(sdkError('ProvisionedThroughputExceededException', 'simulated throttle'))));
        return;
      }
      if (roll < (edge += faults.errorBefore)) {
        scheduler.at(latency, () => settle(() => reject(sdkError('InternalServerError', 'simulated 500 before apply'))));
        return;
      }
      if (roll < (edge += faults.ambiguous)) {
        scheduler.at(latency, () => {
          const outcome = apply();
          trace.log(`${container.id} ${op} applied, answer lost${outcome.ok ? '' : ` (${(outcome.error as Error).name})`}`);
          settle(() => reject(sdkError(chance(random, 0.5) ? 'InternalServerError' : 'TimeoutError', 'simulated lost answer')));
        });
        return;
      }
      if (roll < (edge += faults.delayed)) {
        const landsAfter = chance(random, 0.7) ? this.o.requestTimeoutMs + between(random, -this.o.requestTimeoutMs, 2_000) : undefined;
        scheduler.at(this.o.requestTimeoutMs, () => settle(() => reject(sdkError('TimeoutError', 'simulated client timeout'))));
        if (landsAfter !== undefined) {
          scheduler.at(landsAfter, () => {
            const outcome = apply();
            trace.log(`${op} of ${container.id} applied late${outcome.ok ? '' : ` (${(outcome.error as Error).name})`}`);
          });
        }
        return;
      }
      scheduler.at(latency, () => {
        const outcome = apply();
        settle(() => (outcome.ok ? resolve(outcome.value) : reject(outcome.error)));
      });
    });
  }

  /** A wait that never ends if the container dies meanwhile. */
  private settled<T>(promise: Promise<T>): Promise<T> {
    return promise.then((value) => (this.o.container.alive ? value : new Promise<T>(() => undefined)));
  }
}

function describe(input: unknown): string {
  const i = input as { Key?: Record<string, unknown>; Item?: Record<string, unknown>; ExpressionAttributeValues?: Record<string, unknown> };
  const key = i.Key ?? i.Item;
  if (!key) return '';
  const extra = i.Item?.j
    ? ` j=${String(i.Item.j)}`
    : i.ExpressionAttributeValues?.[':to']
      ? ` → ${String(i.ExpressionAttributeValues[':to'])}`
      : '';
  return `${String(key.pk)}/${String(key.sk)}${extra}`;
}

function describeResult(value: unknown): string {
  const items = (value as { Items?: Record<string, unknown>[] }).Items;
  return items ? ` [${items.map((item) => `${String(item.sk)}:${String(item.j ?? '')}`).join(' ')}]` : '';
}
