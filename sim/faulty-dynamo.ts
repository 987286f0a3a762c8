// The aggregator's DynamoDB client in the simulator: each call goes through an emulation of the SDK's
// standard retry loop (production maxAttempts), and each attempt meets a fault chosen by the seed —
// throttled or failed before it applies, applied but answered with an error, timed out and applied later
// (or never), slow, or the container crashes while it is in flight. The storage is the DynamoDB model.
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Random } from './random';
import { between, chance, pick } from './random';
import type { Scheduler } from './scheduler';
import type { Trace } from './trace';
import { stacklessError } from './stackless-error';

export interface DynamoStore {
  execute(command: object): unknown;
}

export interface DynamoFaults {
  /** Per attempt: refused before it applies with a throttling error (the SDK retries it). */
  readonly throttle: number;
  /** Per attempt: a 500 or 503, or a connection error, before it applies. */
  readonly errorBefore: number;
  /** Per attempt: applied, then the answer is lost (500, socket error, or an unparsable body nobody retries). */
  readonly ambiguous: number;
  /** Per attempt: the client times out; the request is applied later (within `lateLandingMs`, often near its end) or never. */
  readonly delayed: number;
  /** Per attempt: the container dies while the request is in flight (applied or not). */
  readonly crash: number;
  /** Per attempt: a latency spike of 0.3–8 s. */
  readonly spike: number;
  /** Per call: every attempt is throttled (a hot key), so the error reaches the caller past the SDK's retries. */
  readonly stuck: number;
  /** Per attempt: an error neither the SDK nor the code retries (an expired credential, say), before it applies. */
  readonly unexpected: number;
}

export const NO_FAULTS: DynamoFaults = {
  throttle: 0,
  errorBefore: 0,
  ambiguous: 0,
  delayed: 0,
  crash: 0,
  spike: 0,
  stuck: 0,
  unexpected: 0,
};

/**
 * Errors the fault model throws that neither the SDK nor the code is to retry: an expired credential (`unexpected`)
 * and an answer body the SDK cannot parse (one of the `ambiguous` answers). Every other injected error is a throttle,
 * a 500 or a timeout, which capabilities/counting/retry.ts retries until the deadline (sim/error-monitor.ts).
 */
export const UNEXPECTED_ERROR = 'ExpiredTokenException';
export const UNPARSABLE_ANSWER = 'SyntaxError';
export const NOT_RETRIED: ReadonlySet<string> = new Set([UNEXPECTED_ERROR, UNPARSABLE_ANSWER]);

/**
 * DynamoDB's throttling errors (400): a table or index over its throughput, the request rate over what the service
 * takes, the account over its throughput limit. The SDK retries each, and so does capabilities/counting/retry.ts.
 */
export const THROTTLE_NAMES = ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'] as const;
/** DynamoDB's server errors: 500 and 503. */
export const SERVER_ERROR_NAMES = ['InternalServerError', 'ServiceUnavailable'] as const;
/**
 * A request that failed on its connection before it reached DynamoDB: Node's socket error (name `Error`, this `code`),
 * which the SDK retries as transient, and so does capabilities/counting/retry.ts.
 */
export const NETWORK_ERROR_CODES = ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'] as const;

/** A lib-dynamodb command as the code sends it. */
export interface SentCommand {
  readonly constructor: { name: string };
  readonly input: unknown;
}

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
  /** A timed-out write lands at most this long after it was sent (capabilities/counting/PROTOCOL.md bounds it by markerGraceMs). @default requestTimeoutMs + 2 s */
  readonly lateLandingMs?: number;
  /**
   * A Query's first SMALL_QUERY_PAGES pages hold this many items, the rest comes in one page (0 or absent: one page).
   * DynamoDB pages hold 1 MB, about 10,000 claim entries: prod reads any claim page in a few Queries.
   */
  readonly queryPageSize?: number;
  /** Per BatchGet call, each key but one is left unprocessed with this probability. */
  readonly unprocessedKeys?: number;
  /** Per fault kind, the operations (Put, Query, …) it hits; the others never meet it. @default all, for every kind */
  readonly faultTargets?: Readonly<Partial<Record<keyof DynamoFaults, readonly string[]>>>;
  /** Faults are bursty: for `ms` after a fault this container met, every rate is `factor` times higher (capped). */
  readonly burst?: { readonly factor: number; readonly ms: number };
  /**
   * Picks which of DynamoDB's names an injected throttle or 5xx carries (THROTTLE_NAMES, SERVER_ERROR_NAMES): a
   * generator of its own, so the run's schedule stays as it was. @default the first of each
   */
  readonly errorNames?: Random;
  /** Told of each error a call throws to its caller, past the SDK's retries, with the call (sim/error-monitor.ts). */
  readonly onThrow?: (error: unknown, command: SentCommand) => void;
  /** Told of each call the code sends, before the SDK's first attempt (sim/error-monitor.ts). */
  readonly onSend?: (command: SentCommand) => void;
  /** Told of the keys a BatchGet left unprocessed (sim/marker-monitor.ts). */
  readonly onUnprocessed?: (keys: readonly Record<string, unknown>[]) => void;
}

/**
 * Small pages per Query before the rest comes at once: enough to walk the paging loop, not so many that one read
 * costs more than prod's (a claim page of 84 entries in pages of 1 item took a 1.5 s invocation's whole budget: seed
 * 54984, bench/README.md "Simulation").
 */
export const SMALL_QUERY_PAGES = 10;

function sdkError(name: string, message: string): Error {
  const status = name === 'TimeoutError' || name === UNPARSABLE_ANSWER ? undefined : name === 'ServiceUnavailable' ? 503 : 500;
  return Object.assign(stacklessError(message), {
    name,
    $metadata: { httpStatusCode: (THROTTLE_NAMES as readonly string[]).includes(name) ? 400 : status },
  });
}

/** A stand-in for DynamoDBDocumentClient: `send(command)` with lib-dynamodb command objects. */
export class FaultyDynamo {
  /** Virtual ms until which this container is in a burst of faults. */
  private burstUntil = Number.NEGATIVE_INFINITY;
  /** Which page of its Query the LastEvaluatedKey this client answered starts (the paging loop sends it back as is). */
  private readonly pageAfter = new WeakMap<object, number>();

  constructor(private readonly o: FaultyDynamoOptions) {}

  async send(command: SentCommand): Promise<unknown> {
    const { random, scheduler } = this.o;
    this.o.onSend?.(command);
    const stuck = chance(random, this.faultsFor(command.constructor.name.replace(/Command$/, '')).stuck);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(command, stuck);
      } catch (error) {
        const name = (error as Error).name;
        const code = (error as { code?: string }).code;
        const transient = SDK_RETRYABLE.has(name) || (NETWORK_ERROR_CODES as readonly (string | undefined)[]).includes(code);
        if (!transient || attempt >= this.o.maxAttempts) {
          const thrown = transient ? this.asGivenUp(error) : error;
          this.o.onThrow?.(thrown, command);
          throw thrown;
        }
        // Standard mode: full jitter on 100 ms × 2^attempt, capped at 20 s.
        await this.settled(scheduler.sleep(random() * Math.min(20_000, 100 * 2 ** attempt)));
      }
    }
  }

  /** One HTTP attempt. Never settles if the container dies first. */
  private attempt(command: { constructor: { name: string }; input: unknown }, stuck: boolean): Promise<unknown> {
    const { random, scheduler, container, trace } = this.o;
    const op = command.constructor.name.replace(/Command$/, '');
    const faults = stuck ? { ...this.faultsFor(op), throttle: 1 } : this.faultsFor(op);
    const latency = chance(random, faults.spike) ? between(random, 300, 8_000) : between(random, 1, 12);
    const apply = () => {
      try {
        const value = this.execute(command);
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
      const total = Object.values(faults).reduce((a, b) => a + b, 0) - faults.stuck;
      if (roll < total && this.o.burst) this.burstUntil = scheduler.now + this.o.burst.ms;
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
        const name = this.nameOf(THROTTLE_NAMES);
        scheduler.at(latency, () => settle(() => reject(sdkError(name, 'simulated throttle'))));
        return;
      }
      if (roll < (edge += faults.unexpected)) {
        scheduler.at(latency, () => settle(() => reject(sdkError(UNEXPECTED_ERROR, 'simulated error nobody retries'))));
        return;
      }
      if (roll < (edge += faults.errorBefore)) {
        const name = this.nameOf([...SERVER_ERROR_NAMES, ...NETWORK_ERROR_CODES]);
        const error = name.startsWith('E')
          ? Object.assign(stacklessError(`simulated socket error before apply: ${name}`), { name: 'Error', code: name, $metadata: {} })
          : sdkError(name, 'simulated 500 before apply');
        scheduler.at(latency, () => settle(() => reject(error)));
        return;
      }
      if (roll < (edge += faults.ambiguous)) {
        scheduler.at(latency, () => {
          const outcome = apply();
          trace.log(`${container.id} ${op} applied, answer lost${outcome.ok ? '' : ` (${(outcome.error as Error).name})`}`);
          // A 500, a socket timeout, or a body the SDK cannot parse (an HTML 503 from a proxy): the SDK retries none
          // of the last kind (aws-sdk-js-v3#4683, #6718), so the caller meets it with the write applied.
          // The name is drawn only when the answer reaches a live container (as it always was: schedules stay the same).
          settle(() => {
            const name = pick(random, ['InternalServerError', 'TimeoutError', UNPARSABLE_ANSWER]);
            reject(sdkError(name === 'InternalServerError' ? this.nameOf(SERVER_ERROR_NAMES) : name, 'simulated lost answer'));
          });
        });
        return;
      }
      if (roll < (edge += faults.delayed)) {
        const lateBound = this.o.lateLandingMs ?? this.o.requestTimeoutMs + 2_000;
        // Half of those that land come in the bound's last fifth: a write landing just before the bound is the one that
        // meets a journal's new lease holder (seed 2381), and a uniform draw rarely puts it there.
        const landsAfter = chance(random, 0.7)
          ? between(random, chance(random, 0.5) ? Math.floor(lateBound * 0.8) : 0, lateBound)
          : undefined;
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

  /**
   * A socket error or timeout the SDK gave up on reaches the caller as it was, or, now and then, in the form the SDK's
   * asSdkError gives a value that is no Error of its own realm (node's socket errors where the SDK runs in another
   * V8 context, as under jest): `Error: AWS SDK error wrapper for <Name>: <message>`, which capabilities/counting/retry.ts
   * reads by its text. Drawn from `errorNames` (a generator of its own), only for the network kinds.
   */
  private asGivenUp(error: unknown): unknown {
    const e = error as { name?: string; code?: string };
    const network = e.name === 'TimeoutError' || (NETWORK_ERROR_CODES as readonly (string | undefined)[]).includes(e.code);
    if (!network || !this.o.errorNames || !chance(this.o.errorNames, 0.25)) return error;
    return stacklessError(`AWS SDK error wrapper for ${String(error)}`);
  }

  /** One of an injected error's names: the first without `errorNames`. */
  private nameOf(names: readonly string[]): string {
    return this.o.errorNames ? pick(this.o.errorNames, names) : names[0];
  }

  /**
   * The faults in force now for one operation: each kind only where its targets include the operation (a
   * TransactWrite, sent only by the low credit balance alerts, meets the faults aimed at Puts).
   */
  private faultsFor(operation: string): DynamoFaults {
    const op = operation === 'TransactWrite' ? 'Put' : operation;
    const out = { ...this.o.faults() };
    const targets = this.o.faultTargets;
    const factor = this.o.burst && this.o.scheduler.now < this.burstUntil ? this.o.burst.factor : 1;
    for (const kind of Object.keys(out) as (keyof DynamoFaults)[]) {
      out[kind] = targets && !(targets[kind]?.includes(op) ?? true) ? 0 : Math.min(0.6, out[kind] * factor);
    }
    return out;
  }

  /** One request as DynamoDB answers it: Query in pages, BatchGet with some keys unprocessed. */
  private execute(command: { constructor: { name: string }; input: unknown }): unknown {
    const { store, random } = this.o;
    const pageSize = this.o.queryPageSize ?? 0;
    if (command instanceof QueryCommand && pageSize > 0 && command.input.Limit === undefined) {
      const from = command.input.ExclusiveStartKey;
      const page = from ? (this.pageAfter.get(from) ?? SMALL_QUERY_PAGES) : 0;
      if (page >= SMALL_QUERY_PAGES) return store.execute(command);
      const out = store.execute(new QueryCommand({ ...command.input, Limit: pageSize })) as { LastEvaluatedKey?: object };
      if (out.LastEvaluatedKey) this.pageAfter.set(out.LastEvaluatedKey, page + 1);
      return out;
    }
    const share = this.o.unprocessedKeys ?? 0;
    if (command instanceof BatchGetCommand && share > 0) {
      const processed: NonNullable<typeof command.input.RequestItems> = {};
      const unprocessed: typeof processed = {};
      for (const [table, request] of Object.entries(command.input.RequestItems ?? {})) {
        const keys = request.Keys ?? [];
        const left = keys.filter((_, i) => i > 0 && chance(random, share));
        processed[table] = { ...request, Keys: keys.filter((k) => !left.includes(k)) };
        if (left.length > 0) unprocessed[table] = { ...request, Keys: left };
        if (left.length > 0) this.o.onUnprocessed?.(left);
      }
      const out = store.execute(new BatchGetCommand({ ...command.input, RequestItems: processed })) as object;
      return { ...out, UnprocessedKeys: unprocessed };
    }
    return store.execute(command);
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
