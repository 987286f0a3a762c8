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

export async function runSeed(options: RunOptions): Promise<RunResult> {
  const random = seededRandom(options.seed);
  // Near midnight half the time, so one run's events fall on two UTC days.
  const start = Date.UTC(2026, 10, 27, chance(random, 0.5) ? 23 : 12, 59, 57);
  const scheduler = new Scheduler(start, random);
  const trace = new Trace(() => scheduler.now, start, options.trace ?? false);
  const store = options.store();
  const workload = generateWorkload(random, start);

  // The stage's shape, scaled to the run: function timeout, visibility = 6 × timeout, production retentions.
  const timeoutMs = pick(random, [1_500, 3_000, 10_000]);
  const batchSize = between(random, 1, 10);
  const concurrency = between(random, 1, 3);
  const queue = new SqsModel(
    {
      visibilityTimeoutMs: 6 * timeoutMs,
      maxReceiveCount: between(random, 2, 5),
      retentionMs: 4 * DAY_MS,
      deadLetterRetentionMs: 14 * DAY_MS,
    },
    () => scheduler.now,
  );
  const claimRetentionSeconds = (4 + 14 + 4 + 1) * 24 * 3600;
  // One setting per stage: every container of a run uses the same claim shards.
  const claimShards = pick(random, [1, 1, 2]);
  const chaos = faultProfile(random);
  // Faults come in storms too (a hot partition throttles everything for a while; a network blip loses answers).
  const storms = Array.from({ length: between(random, 0, 3) }, () => {
    const from = between(random, 0, 20_000);
    const kind = pick(random, ['throttle', 'errorBefore', 'ambiguous', 'delayed', 'spike', 'stuck'] as const);
    return { from, until: from + between(random, 50, 3_000), kind, p: pick(random, [0.5, 0.8, 0.95]) };
  });
  let calm = false;
  const faults = (): DynamoFaults => {
    if (calm) return NO_FAULTS;
    const t = scheduler.now - start;
    const active = storms.filter((st) => st.from <= t && t < st.until);
    if (active.length === 0) return chaos;
    const current = { ...chaos };
    for (const st of active) current[st.kind] = Math.max(current[st.kind], st.p);
    return current;
  };
  const duplicateDelivery = pick(random, [0, 0.05, 0.2]);
  const lostDelete = pick(random, [0, 0.05]);
  const stats = {
    steps: 0,
    invocations: 0,
    crashes: 0,
    timeouts: 0,
    redrives: 0,
    events: workload.events.size,
    alerts: 0,
    alertRedeliveries: 0,
  };

  // Quota alerts: one small daily quota for every client of the run (so thresholds are crossed, or not
  // at all), an in-model bus that records deliveries, and PutEvents faults while the chaos lasts.
  const quota = pick(random, [2, 3, 5, 10, 40]);
  const quotaFor = () => quota;
  const deliveries: Delivery[] = [];
  const sendChaos: SendFaults = { fail: pick(random, [0, 0, 0.05, 0.3]), crashAfter: pick(random, [0, 0, 0.05, 0.2]) };
  const sendFaults = () => (calm ? NO_SEND_FAULTS : sendChaos);
  seedClients(store, TABLE, ['client-1', 'client-2', 'client-3']);

  // Containers: reused while alive and idle; a crash or a timeout ends one (and its caches).
  let containerCount = 0;
  const idle: { container: Container & { onKill?: (reason: string) => void }; aggregator: ReturnType<typeof createAggregator> }[] = [];
  const newContainer = () => {
    const container: Container & { onKill?: (reason: string) => void } = {
      id: `λ${++containerCount}`,
      alive: true,
      kill(reason) {
        if (!this.alive) return;
        this.alive = false;
        trace.log(`${this.id} dies: ${reason}`);
        this.onKill?.(reason);
      },
    };
    const doc = new FaultyDynamo({
      store,
      scheduler,
      random,
      container,
      faults,
      trace,
      maxAttempts: DYNAMODB_MAX_ATTEMPTS,
      requestTimeoutMs: pick(random, [500, 2_000]),
    });
    const aggregator = createAggregator({
      doc: doc as never,
      tableName: TABLE,
      clock: () => scheduler.now,
      sleep: (ms) => scheduler.sleep(ms).then(() => (container.alive ? undefined : new Promise<void>(() => undefined))),
      random,
      concurrency: between(random, 1, 8),
      claimShards,
      retentionSeconds: claimRetentionSeconds,
      alerts: createAlertStep({
        table: { db: doc as never, tableName: TABLE },
        send: modelSender({ scheduler, random, container, faults: sendFaults, deliveries, trace }),
        quotaFor,
        clock: () => scheduler.now,
        sleep: (ms) => scheduler.sleep(ms),
      }),
    });
    return { container, aggregator };
  };

  let running = 0;
  let wake: (delayMs: number) => void = () => undefined;
  const invoke = (messages: QueueMessage[]) => {
    // An idle container may have died since its last batch: its alert step goes on in the background
    // (as a frozen Lambda environment's would when it thaws) and can crash it. Lambda never reuses a dead one.
    let env = idle.pop();
    while (env && !env.container.alive) env = idle.pop();
    env ??= newContainer();
    const { container, aggregator } = env;
    running += 1;
    stats.invocations += 1;
    let ended = false;
    const end = () => {
      if (ended) return false;
      ended = true;
      running -= 1;
      wake(between(random, 0, 10));
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
          idle.push(env);
        },
        (error) => {
          if (!container.alive || !end()) return;
          trace.log(`${container.id} batch failed: ${(error as Error).name}: ${(error as Error).message}`);
          container.kill('unhandled error');
        },
      );
  };

  // Producers.
  let sent = 0;
  for (const send of workload.sends) {
    scheduler.at(send.at, () => {
      const id = queue.send(send.body);
      sent += 1;
      wake(between(random, 0, 20));
      trace.log(`send ${id} ${send.kind} ${bodyLabel(send.body)}`);
    });
  }

  // The event source: polls while there is anything left to do.
  const redriveLimit = 3;
  const poll = () => {
    store.expire(Math.floor(scheduler.now / 1000));
    while (running < concurrency) {
      const batch = queue.receive(batchSize);
      if (batch.length === 0) break;
      if (chance(random, duplicateDelivery)) {
        const copy = queue.inFlightCopy(random);
        if (copy && !batch.includes(copy)) batch.push(copy);
      }
      invoke(batch);
    }
    const producing = sent < workload.sends.length;
    if (!producing && running === 0 && queue.source.size === 0) {
      if (queue.deadLetters.size > 0 && stats.redrives < redriveLimit) {
        // The operator looks at the DLQ some time later and redrives it; by then the faults are over.
        scheduler.at(pick(random, [1_000, 3_600_000, 3 * DAY_MS]), () => {
          calm = true;
          stats.redrives += 1;
          trace.log(`operator redrives ${queue.redrive()} message(s) from the DLQ`);
          wake(0);
        });
      }
      return;
    }
    // Nothing to hand out now: wake when the next message becomes visible (sends and ends wake it too).
    const next = [...queue.source.values()].reduce((min, m) => Math.min(min, m.visibleAt), Number.POSITIVE_INFINITY);
    if (running < concurrency && Number.isFinite(next)) wake(Math.max(1, next - scheduler.now));
  };
  let pollAt = Number.POSITIVE_INFINITY;
  wake = (delayMs: number) => {
    const at = scheduler.now + delayMs;
    if (at >= pollAt && pollAt >= scheduler.now) return;
    pollAt = at;
    scheduler.at(delayMs, () => {
      if (scheduler.now !== pollAt) return; // superseded by an earlier wake
      pollAt = Number.POSITIVE_INFINITY;
      poll();
    });
  };
  wake(0);
  // The alert sweeper's scheduled runs while the chaos lasts: each in its own container, which may die.
  for (let i = between(random, 0, 3); i > 0; i--) {
    scheduler.at(between(random, 0, 60_000), () => {
      const container: Container = {
        id: `sweeper${i}`,
        alive: true,
        kill(reason) {
          if (!this.alive) return;
          this.alive = false;
          trace.log(`${this.id} dies: ${reason}`);
        },
      };
      const doc = new FaultyDynamo({
        store,
        scheduler,
        random,
        container,
        faults,
        trace,
        maxAttempts: DYNAMODB_MAX_ATTEMPTS,
        requestTimeoutMs: 2_000,
      });
      trace.log(`${container.id} sweeps`);
      sweepAlerts(
        {
          table: { db: doc as never, tableName: TABLE },
          send: modelSender({ scheduler, random, container, faults: sendFaults, deliveries, trace }),
          quotaFor,
          clock: () => scheduler.now,
        },
        // Items younger than twice the function timeout may still be in their claimer's hands.
        { now: new Date(scheduler.now), resendOlderThanMs: 2 * timeoutMs },
      ).then(
        (report) => trace.log(`${container.id} done: recovered ${report.recovered}, resent ${report.resent}`),
        (error) => trace.log(`${container.id} failed: ${(error as Error).message}`),
      );
    });
  }

  // Faults stop after a while, so every run can finish; the checker then demands exact counts.
  scheduler.at(between(random, 2_000, 120_000), () => {
    calm = true;
    trace.log('faults stop');
  });

  await scheduler.run();
  calm = true;

  // The last scheduled sweep, without faults, over the run's days (today and yesterday then): every crossing the counters show is sent.
  const days = [...workload.events.values()].map((e) => e.day).sort();
  if (days.length > 0) {
    const container: Container = { id: 'sweeper-final', alive: true, kill: () => undefined };
    const final = sweepAlerts(
      {
        table: { db: { send: (command: object) => Promise.resolve().then(() => store.execute(command)) } as never, tableName: TABLE },
        send: modelSender({ scheduler, random, container, faults: () => NO_SEND_FAULTS, deliveries, trace }),
        quotaFor,
        clock: () => scheduler.now,
      },
      { now: new Date(`${days[days.length - 1]}T12:00:00Z`), days: 2, resendOlderThanMs: 0 },
    );
    await scheduler.run();
    const report = await final;
    trace.log(`final sweep: recovered ${report.recovered}, resent ${report.resent}`);
  }

  // Weeks later, after TTL has removed claims and journals, a very old copy comes back (a second redrive).
  let lateMessageId: string | undefined;
  if (chance(random, 0.1) && workload.sends.length > 0) {
    scheduler.now += claimRetentionSeconds * 1000 + DAY_MS;
    store.expire(Math.floor(scheduler.now / 1000));
    const lateCopy = pick(random, workload.sends).body;
    lateMessageId = queue.send(lateCopy);
    trace.log(`a copy older than claim retention comes back: ${bodyLabel(lateCopy)}`);
    wake(0);
    await scheduler.run();
  }

  stats.steps = scheduler.steps;
  stats.alerts = new Set(deliveries.map((d) => d.event.eventId)).size;
  stats.alertRedeliveries = deliveries.length - stats.alerts;
  const violations = checkRun({ store, workload, queue, tableName: TABLE, lateMessageId, alerts: { deliveries, quota } });
  return { seed: options.seed, violations, trace: trace.toString(), stats };
}

function bodyLabel(body: string): string {
  const id = /"eventId":"([^"]+)"/.exec(body)?.[1];
  return id ?? 'poison';
}
