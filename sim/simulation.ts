// One simulated run of the counting pipeline, chosen entirely by its seed: producers send usage events
// to a modelled SQS queue; a modelled Lambda event source hands batches to containers running the REAL
// aggregator (capabilities/counting) against a modelled DynamoDB through a faulty client; containers crash,
// time out and are replaced; an operator redrives the DLQ; TTL deletes old claims and journals. Then a
// calm phase without faults lets everything finish, and the checker compares the table with the truth.
import { createAlertStep } from '../capabilities/counting/alert-step';
import { createAggregator } from '../capabilities/counting/exactly-once';
import { sweepAlerts } from '../capabilities/alerts/sweeper';
import { type Delivery, modelSender, NO_SEND_FAULTS, type SendFaults, seedClients } from './alert-model';
import { DYNAMODB_MAX_ATTEMPTS } from '../capabilities/aws/dynamodb-client';
import { checkRun, type Violation } from './checker';
import { type Container, type DynamoFaults, FaultyDynamo, NO_FAULTS } from './faulty-dynamo';
import { between, chance, pick, seededRandom } from './random';
import { Scheduler } from './scheduler';
import { type QueueMessage, SqsModel } from './sqs-model';
import type { SimStore } from './store';
import { Trace } from './trace';
import { generateWorkload } from './workload';

export const TABLE = 'usage-sim';
const DAY_MS = 24 * 3600 * 1000;

export interface RunOptions {
  readonly seed: number;
  readonly trace?: boolean;
  /** Builds the DynamoDB model a run writes to. */
  readonly store: () => SimStore;
}

export interface RunResult {
  readonly seed: number;
  readonly violations: Violation[];
  readonly trace: string;
  readonly stats: {
    steps: number;
    invocations: number;
    crashes: number;
    timeouts: number;
    redrives: number;
    events: number;
    /** Distinct alert events delivered, and deliveries of one a second time (same eventId, after a crash or a resend). */
    alerts: number;
    alertRedeliveries: number;
  };
}

function faultProfile(random: () => number): DynamoFaults {
  const level = () => pick(random, [0, 0, 0.01, 0.04, 0.12]);
  return {
    throttle: level(),
    errorBefore: level(),
    ambiguous: level(),
    delayed: level() / 2,
    crash: level() / 4,
    spike: level(),
    stuck: level(),
  };
}

/** The knobs of one run, all drawn from its seed (in this order, after its start and workload). */
interface Knobs {
  /** The stage's shape, scaled to the run: function timeout (the queue's visibility is 6 × it). */
  readonly timeoutMs: number;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly maxReceiveCount: number;
  /** One setting per stage: every container of a run uses the same claim shards. */
  readonly claimShards: number;
  readonly chaos: DynamoFaults;
  /** Faults come in storms too (a hot partition throttles everything for a while; a network blip loses answers). */
  readonly storms: readonly {
    readonly from: number;
    readonly until: number;
    readonly kind: Exclude<keyof DynamoFaults, 'crash'>;
    readonly p: number;
  }[];
  readonly duplicateDelivery: number;
  readonly lostDelete: number;
  /** One small daily quota for every client of the run, so thresholds are crossed (or not at all). */
  readonly quota: number;
  /** PutEvents faults while the chaos lasts. */
  readonly sendChaos: SendFaults;
}

function drawKnobs(random: () => number): Knobs {
  const timeoutMs = pick(random, [1_500, 3_000, 10_000]);
  const batchSize = between(random, 1, 10);
  const concurrency = between(random, 1, 3);
  const maxReceiveCount = between(random, 2, 5);
  const claimShards = pick(random, [1, 1, 2]);
  const chaos = faultProfile(random);
  const storms = Array.from({ length: between(random, 0, 3) }, () => {
    const from = between(random, 0, 20_000);
    const kind = pick(random, ['throttle', 'errorBefore', 'ambiguous', 'delayed', 'spike', 'stuck'] as const);
    return { from, until: from + between(random, 50, 3_000), kind, p: pick(random, [0.5, 0.8, 0.95]) };
  });
  const duplicateDelivery = pick(random, [0, 0.05, 0.2]);
  const lostDelete = pick(random, [0, 0.05]);
  const quota = pick(random, [2, 3, 5, 10, 40]);
  const sendChaos: SendFaults = { fail: pick(random, [0, 0, 0.05, 0.3]), crashAfter: pick(random, [0, 0, 0.05, 0.2]) };
  return {
    timeoutMs,
    batchSize,
    concurrency,
    maxReceiveCount,
    claimShards,
    chaos,
    storms,
    duplicateDelivery,
    lostDelete,
    quota,
    sendChaos,
  };
}

type AggregatorContainer = Container & { onKill?: (reason: string) => void };

export function runSeed(options: RunOptions): Promise<RunResult> {
  return new SeedRun(options).run();
}

/**
 * One run: the world (queue, table, containers, producers, event source, sweeper) and its phases. `run()` reads as
 * the run's script; each step is a method. Everything random comes from the seed, in a fixed order.
 */
class SeedRun {
  private readonly random: () => number;
  private readonly start: number;
  private readonly scheduler: Scheduler;
  private readonly trace: Trace;
  private readonly store: SimStore;
  private readonly workload: ReturnType<typeof generateWorkload>;
  private readonly knobs: Knobs;
  private readonly queue: SqsModel;
  private readonly claimRetentionSeconds = (4 + 14 + 4 + 1) * 24 * 3600;
  private readonly stats: RunResult['stats'];
  private readonly deliveries: Delivery[] = [];
  /** Faults are over: the calm phase lets every run finish, and the checker then demands exact counts. */
  private calm = false;
  /** Containers: reused while alive and idle; a crash or a timeout ends one (and its caches). */
  private containerCount = 0;
  private readonly idle: { container: AggregatorContainer; aggregator: ReturnType<typeof createAggregator> }[] = [];
  private running = 0;
  private sent = 0;
  private pollAt = Number.POSITIVE_INFINITY;
  private readonly redriveLimit = 3;

  constructor(private readonly options: RunOptions) {
    this.random = seededRandom(options.seed);
    // Near midnight half the time, so one run's events fall on two UTC days.
    this.start = Date.UTC(2026, 10, 27, chance(this.random, 0.5) ? 23 : 12, 59, 57);
    this.scheduler = new Scheduler(this.start, this.random);
    this.trace = new Trace(() => this.scheduler.now, this.start, options.trace ?? false);
    this.store = options.store();
    this.workload = generateWorkload(this.random, this.start);
    this.knobs = drawKnobs(this.random);
    // Production retentions; visibility = 6 × the function timeout.
    this.queue = new SqsModel(
      {
        visibilityTimeoutMs: 6 * this.knobs.timeoutMs,
        maxReceiveCount: this.knobs.maxReceiveCount,
        retentionMs: 4 * DAY_MS,
        deadLetterRetentionMs: 14 * DAY_MS,
      },
      () => this.scheduler.now,
    );
    this.stats = {
      steps: 0,
      invocations: 0,
      crashes: 0,
      timeouts: 0,
      redrives: 0,
      events: this.workload.events.size,
      alerts: 0,
      alertRedeliveries: 0,
    };
    seedClients(this.store, TABLE, ['client-1', 'client-2', 'client-3']);
  }

  async run(): Promise<RunResult> {
    this.scheduleProducers();
    this.wake(0);
    this.scheduleSweeps();
    this.scheduleCalm();
    await this.scheduler.run();
    this.calm = true;
    await this.finalSweep();
    const lateMessageId = await this.lateCopy();
    return this.result(lateMessageId);
  }

  /** The DynamoDB faults in force now: none once calm, the chaos profile, raised by any storm under way. */
  private readonly faults = (): DynamoFaults => {
    if (this.calm) return NO_FAULTS;
    const t = this.scheduler.now - this.start;
    const active = this.knobs.storms.filter((st) => st.from <= t && t < st.until);
    if (active.length === 0) return this.knobs.chaos;
    const current = { ...this.knobs.chaos };
    for (const st of active) current[st.kind] = Math.max(current[st.kind], st.p);
    return current;
  };

  private readonly sendFaults = (): SendFaults => (this.calm ? NO_SEND_FAULTS : this.knobs.sendChaos);

  private readonly quotaFor = () => this.knobs.quota;

  private sender(container: Container, faults: () => SendFaults) {
    return modelSender({
      scheduler: this.scheduler,
      random: this.random,
      container,
      faults,
      deliveries: this.deliveries,
      trace: this.trace,
    });
  }

  /** A container that is alive until killed (a crash, a timeout); its death is traced and told to onKill. */
  private container(id: string): AggregatorContainer {
    const { trace } = this;
    return {
      id,
      alive: true,
      kill(reason) {
        if (!this.alive) return;
        this.alive = false;
        trace.log(`${this.id} dies: ${reason}`);
        this.onKill?.(reason);
      },
    };
  }

  /** The DynamoDB client a container's code uses: the run's store behind the faults in force, the SDK's retries. */
  private faultyDynamo(container: Container, requestTimeoutMs: number): FaultyDynamo {
    return new FaultyDynamo({
      store: this.store,
      scheduler: this.scheduler,
      random: this.random,
      container,
      faults: this.faults,
      trace: this.trace,
      maxAttempts: DYNAMODB_MAX_ATTEMPTS,
      requestTimeoutMs,
    });
  }

  /** A fresh container running the real aggregator (with its alert step) over a faulty DynamoDB client. */
  private newContainer() {
    const { scheduler, random } = this;
    const container = this.container(`λ${++this.containerCount}`);
    const doc = this.faultyDynamo(container, pick(random, [500, 2_000]));
    const aggregator = createAggregator({
      doc: doc as never,
      tableName: TABLE,
      clock: () => scheduler.now,
      sleep: (ms) => scheduler.sleep(ms).then(() => (container.alive ? undefined : new Promise<void>(() => undefined))),
      random,
      concurrency: between(random, 1, 8),
      claimShards: this.knobs.claimShards,
      retentionSeconds: this.claimRetentionSeconds,
      alerts: createAlertStep({
        table: { db: doc as never, tableName: TABLE },
        send: this.sender(container, this.sendFaults),
        quotaFor: this.quotaFor,
        clock: () => scheduler.now,
        sleep: (ms) => scheduler.sleep(ms),
      }),
    });
    return { container, aggregator };
  }

  /** The event source hands a batch to a container: an idle live one, else a new one. */
  private invoke(messages: QueueMessage[]): void {
    const { scheduler, random, trace, queue, stats } = this;
    const { timeoutMs, lostDelete } = this.knobs;
    // An idle container may have died since its last batch: its alert step goes on in the background
    // (as a frozen Lambda environment's would when it thaws) and can crash it. Lambda never reuses a dead one.
    let env = this.idle.pop();
    while (env && !env.container.alive) env = this.idle.pop();
    env ??= this.newContainer();
    const { container, aggregator } = env;
    this.running += 1;
    stats.invocations += 1;
    let ended = false;
    const end = () => {
      if (ended) return false;
      ended = true;
      this.running -= 1;
      this.wake(between(random, 0, 10));
      return true;
    };
    container.onKill = (reason) => {
      if (reason.startsWith('crash')) stats.crashes += 1;
      end();
    };
    scheduler.at(timeoutMs, () => {
      if (!ended && container.alive) {
        stats.timeouts += 1;
        container.kill('timeout');
      }
    });
    trace.log(`${container.id} gets ${messages.map((m) => `${m.messageId}(${bodyLabel(m.body)})`).join(' ')}`);
    aggregator
      .aggregateBatch(
        messages.map((m) => ({ id: m.messageId, body: m.body })),
        { remainingTimeMs: timeoutMs },
      )
      .then(
        (result) => {
          if (!container.alive || !end()) return;
          const failed = new Set(result.failures);
          for (const m of messages) if (!failed.has(m.messageId) && !chance(random, lostDelete)) queue.delete(m.messageId);
          trace.log(
            `${container.id} done: counted ${result.counted}, duplicates ${result.duplicates}, failures ${result.failures.join(' ') || '-'}`,
          );
          this.idle.push(env);
        },
        (error) => {
          if (!container.alive || !end()) return;
          trace.log(`${container.id} batch failed: ${(error as Error).name}: ${(error as Error).message}`);
          container.kill('unhandled error');
        },
      );
  }

  /** Producers send the workload's messages at their times. */
  private scheduleProducers(): void {
    for (const send of this.workload.sends) {
      this.scheduler.at(send.at, () => {
        const id = this.queue.send(send.body);
        this.sent += 1;
        this.wake(between(this.random, 0, 20));
        this.trace.log(`send ${id} ${send.kind} ${bodyLabel(send.body)}`);
      });
    }
  }

  /** The event source: polls while there is anything left to do. */
  private poll(): void {
    const { scheduler, random, queue, stats } = this;
    const { batchSize, concurrency, duplicateDelivery } = this.knobs;
    this.store.expire(Math.floor(scheduler.now / 1000));
    while (this.running < concurrency) {
      const batch = queue.receive(batchSize);
      if (batch.length === 0) break;
      if (chance(random, duplicateDelivery)) {
        const copy = queue.inFlightCopy(random);
        if (copy && !batch.includes(copy)) batch.push(copy);
      }
      this.invoke(batch);
    }
    const producing = this.sent < this.workload.sends.length;
    if (!producing && this.running === 0 && queue.source.size === 0) {
      if (queue.deadLetters.size > 0 && stats.redrives < this.redriveLimit) {
        // The operator looks at the DLQ some time later and redrives it; by then the faults are over.
        scheduler.at(pick(random, [1_000, 3_600_000, 3 * DAY_MS]), () => {
          this.calm = true;
          stats.redrives += 1;
          this.trace.log(`operator redrives ${queue.redrive()} message(s) from the DLQ`);
          this.wake(0);
        });
      }
      return;
    }
    // Nothing to hand out now: wake when the next message becomes visible (sends and ends wake it too).
    const next = [...queue.source.values()].reduce((min, m) => Math.min(min, m.visibleAt), Number.POSITIVE_INFINITY);
    if (this.running < concurrency && Number.isFinite(next)) this.wake(Math.max(1, next - scheduler.now));
  }

  /** Polls after `delayMs`, unless an earlier poll is due already. */
  private wake(delayMs: number): void {
    const { scheduler } = this;
    const at = scheduler.now + delayMs;
    if (at >= this.pollAt && this.pollAt >= scheduler.now) return;
    this.pollAt = at;
    scheduler.at(delayMs, () => {
      if (scheduler.now !== this.pollAt) return; // superseded by an earlier wake
      this.pollAt = Number.POSITIVE_INFINITY;
      this.poll();
    });
  }

  /** The alert sweeper's scheduled runs while the chaos lasts: each in its own container, which may die. */
  private scheduleSweeps(): void {
    const { scheduler, random, trace } = this;
    for (let i = between(random, 0, 3); i > 0; i--) {
      scheduler.at(between(random, 0, 60_000), () => {
        const container = this.container(`sweeper${i}`);
        const doc = this.faultyDynamo(container, 2_000);
        trace.log(`${container.id} sweeps`);
        sweepAlerts(
          {
            table: { db: doc as never, tableName: TABLE },
            send: this.sender(container, this.sendFaults),
            quotaFor: this.quotaFor,
            clock: () => scheduler.now,
          },
          // Items younger than twice the function timeout may still be in their claimer's hands.
          { now: new Date(scheduler.now), resendOlderThanMs: 2 * this.knobs.timeoutMs },
        ).then(
          (report) => trace.log(`${container.id} done: recovered ${report.recovered}, resent ${report.resent}`),
          (error) => trace.log(`${container.id} failed: ${(error as Error).message}`),
        );
      });
    }
  }

  /** Faults stop after a while, so every run can finish; the checker then demands exact counts. */
  private scheduleCalm(): void {
    this.scheduler.at(between(this.random, 2_000, 120_000), () => {
      this.calm = true;
      this.trace.log('faults stop');
    });
  }

  /** The last scheduled sweep, without faults, over the run's days (today and yesterday then): every crossing the counters show is sent. */
  private async finalSweep(): Promise<void> {
    const days = [...this.workload.events.values()].map((e) => e.day).sort();
    if (days.length === 0) return;
    const { store } = this;
    const container: Container = { id: 'sweeper-final', alive: true, kill: () => undefined };
    const final = sweepAlerts(
      {
        table: { db: { send: (command: object) => Promise.resolve().then(() => store.execute(command)) } as never, tableName: TABLE },
        send: this.sender(container, () => NO_SEND_FAULTS),
        quotaFor: this.quotaFor,
        clock: () => this.scheduler.now,
      },
      { now: new Date(`${days[days.length - 1]}T12:00:00Z`), allDays: true, resendOlderThanMs: 0 },
    );
    await this.scheduler.run();
    const report = await final;
    this.trace.log(`final sweep: recovered ${report.recovered}, resent ${report.resent}`);
  }

  /** Weeks later, after TTL has removed claims and journals, a very old copy comes back (a second redrive). */
  private async lateCopy(): Promise<string | undefined> {
    const { scheduler, random, workload } = this;
    if (!chance(random, 0.1) || workload.sends.length === 0) return undefined;
    scheduler.now += this.claimRetentionSeconds * 1000 + DAY_MS;
    this.store.expire(Math.floor(scheduler.now / 1000));
    const lateCopy = pick(random, workload.sends).body;
    const lateMessageId = this.queue.send(lateCopy);
    this.trace.log(`a copy older than claim retention comes back: ${bodyLabel(lateCopy)}`);
    this.wake(0);
    await scheduler.run();
    return lateMessageId;
  }

  /** The checker's verdict on the table and the alerts against the truth, with the run's statistics. */
  private result(lateMessageId: string | undefined): RunResult {
    const { stats, deliveries } = this;
    stats.steps = this.scheduler.steps;
    stats.alerts = new Set(deliveries.map((d) => d.event.eventId)).size;
    stats.alertRedeliveries = deliveries.length - stats.alerts;
    const violations = checkRun({
      store: this.store,
      workload: this.workload,
      queue: this.queue,
      tableName: TABLE,
      lateMessageId,
      alerts: { deliveries, quota: this.knobs.quota },
    });
    return { seed: this.options.seed, violations, trace: this.trace.toString(), stats };
  }
}

function bodyLabel(body: string): string {
  const id = /"eventId":"([^"]+)"/.exec(body)?.[1];
  return id ?? 'poison';
}
