// One simulated run of the counting pipeline, chosen entirely by its seed: producers send usage events
// to a modelled SQS queue; a modelled Lambda event source hands batches to containers running the REAL
// aggregator (capabilities/counting) against a modelled DynamoDB through a faulty client; containers crash,
// time out and are replaced; an operator redrives the DLQ; TTL deletes old claims and journals. Then a
// calm phase without faults lets everything finish, and the checker compares the table with the truth.
import { type AlertStep, createAlertStep } from '../capabilities/counting/alert-step';
import { createAggregator } from '../capabilities/counting/exactly-once';
import { type SweepDeps, sweepAlerts } from '../capabilities/alerts/sweeper';
import type { CreditBalanceLow } from '../capabilities/alerts/credit-alerts';
import { overrideAwareQuota } from '../capabilities/alerts/override-quotas';
import { runDailyJob } from '../capabilities/daily-job/daily-job';
import { readArchive } from '../capabilities/archive/counter-archive';
import { statementKeys } from '../capabilities/statements/statement-files';
import { addDays, dayStartMs } from '../capabilities/usage/calendar-days';
import { BILLING } from '../contracts/billing';
import { PLANS } from '../contracts/plans';
import { MAX_FUTURE_SKEW_MS, MIN_RETENTION_DAYS } from '../contracts/usage-queue';
import { PENDING_JOURNALS_PK } from '../contracts/table';
import { type UsageEvent, usageEventId, utcDay } from '../contracts/usage-event';
import { type Delivery, modelSender, NO_SEND_FAULTS, type SendFaults, seedClients } from './alert-model';
import { AlertMonitor } from './alert-monitor';
import { BatchLogs } from './calm-batch-log';
import { CalmBatchMonitor } from './calm-batch-monitor';
import { type ClientPlans, drawClientPlans, unitsOf } from './client-plans';
import { CreditLedger } from './credit-model';
import { CreditMonitor } from './credit-monitor';
import { canonicalRows, itemsFromBytes } from './archive-layout';
import { DYNAMODB_MAX_ATTEMPTS } from '../capabilities/aws/dynamodb-client';
import { checkRun, type PipelineState, type Violation } from './checker';
import { type Container, type DynamoFaults, FaultyDynamo, NO_FAULTS } from './faulty-dynamo';
import { ErrorMonitor } from './error-monitor';
import { type Bounds, drawBounds, lateCopyAt, NO_BOUNDS } from './bounds';
import { RefusalMonitor } from './refusal-monitor';
import { LeaseMonitor } from './lease-monitor';
import { ResultMonitor } from './result-monitor';
import { checkRetention } from './retention-check';
import { ConflictMonitor } from './conflict-monitor';
import { AlertScopeMonitor } from './alert-scope-monitor';
import { MarkerMonitor } from './marker-monitor';
import { CALM_TRAFFIC_EVERY_MS, CALM_TRAFFIC_ROUNDS, PendingSweepCheck } from './pending-sweep';
import { NO_S3_FAULTS, type S3Faults, S3Model } from './s3-model';
import { between, chance, pick, type Random, seededRandom } from './random';
import { Scheduler } from './scheduler';
import { type QueueMessage, SqsModel } from './sqs-model';
import { drawStaleReads, type StaleReads } from './stale-reads';
import type { SimStore } from './store';
import { Trace } from './trace';
import { generateWorkload, type Workload } from './workload';
import { type FallbackWorld, NO_REPLAY_FAULTS, type PublishFaults, type ReplayFaults, UsageFallback } from './usage-fallback';

export const TABLE = 'usage-sim';
const DAY_MS = 24 * 3600 * 1000;
/** The aggregator's default safety margin (capabilities/counting/exactly-once.ts `safetyMs`): its deadline is the invocation's end less this. */
const AGGREGATOR_SAFETY_MS = 1_000;
/** Redrives in all: a run that needs more than this many is reported, not run forever. */
const CALM_REDRIVE_LIMIT = 30;

export interface RunOptions {
  readonly seed: number;
  readonly trace?: boolean;
  /** Builds the DynamoDB model a run writes to. */
  readonly store: () => SimStore;
  /** Builds the S3 model the daily job writes the archive and statements to. @default a faithful one */
  readonly s3?: () => S3Model;
  /** Builds the usage send's fallback (log group, replay's queue client) of the replay phase. @default a faithful one */
  readonly fallback?: (world: FallbackWorld) => UsageFallback;
}

export interface RunResult {
  readonly seed: number;
  readonly violations: Violation[];
  readonly trace: string;
  /** Every knob the seed drew, as one line (printed with a failing seed). */
  readonly knobs: string;
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
    /** Runs with client plans, overrides and credits (sim/client-plans.ts), and distinct low-balance alerts delivered. */
    planRuns: number;
    creditAlerts: number;
    /** Daily job runs of the whole-pipeline phase (faulty and calm), and the archive rows the checker read. */
    dailyJobs: number;
    archivedRows: number;
    /** Correction revisions of the run's month statement (usage counted after it was first written). */
    corrections: number;
    /** S3 faults the daily job's calls met (errors before or after landing, spikes, crashes in flight). */
    s3Faults: number;
    /** Replay phase: events the publisher gave up on (logged for replay), those of them whose own send landed anyway, and the copies replays sent. */
    dropped: number;
    droppedButLanded: number;
    replayed: number;
    /** The withhold knob (sim/pending-sweep.ts): messages withheld for good, and events the operator lost with them. */
    withheld: number;
    lost: number;
    /** Records refused as older than the too-old bound, and as beyond the future bound (sim/refusal-monitor.ts). */
    refusedTooOld: number;
    refusedFuture: number;
  };
}

/**
 * Swarm testing: each fault kind is off in many runs (lost answers and errors nobody retries, the faults an
 * exactly-once protocol must survive, less often), and anywhere from rare to common in the others.
 */
function faultProfile(random: () => number): DynamoFaults {
  const level = (off: number) => (chance(random, off) ? 0 : pick(random, [0.01, 0.05, 0.15, 0.3]));
  return {
    throttle: level(0.6),
    errorBefore: level(0.6),
    ambiguous: level(0.3),
    delayed: level(0.6) / 2,
    crash: level(0.6) / 4,
    spike: level(0.6),
    stuck: level(0.6),
    unexpected: level(0.4),
  };
}

/**
 * Swarm omission: in half the runs only two fault kinds stay on (at their drawn rate, or a common one if that
 * was 0), so rare combinations of two faults are not drowned by the others.
 */
function focused(random: () => number, faults: DynamoFaults): DynamoFaults {
  if (!chance(random, 0.5)) return faults;
  const kinds = Object.keys(faults) as (keyof DynamoFaults)[];
  const kept = new Set([pick(random, kinds), pick(random, kinds)]);
  return Object.fromEntries(
    kinds.map((kind) => [kind, kept.has(kind) ? faults[kind] || pick(random, [0.05, 0.15, 0.3]) : 0]),
  ) as unknown as DynamoFaults;
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
  /** Each container's clock is off by up to this much either way (capabilities/counting/PROTOCOL.md: containers agree within the 5 s lease margin). */
  readonly skewMs: number;
  /** A timed-out write may still land up to this long after it was sent (capabilities/counting/PROTOCOL.md: never past markerGraceMs, 10 s). */
  readonly lateLandingMs: number;
  /**
   * How often each container looks through the pending index (step 5b): the product's minute, or every 2 s, so that
   * a journal whose batch died is taken over within seconds of its lease's end, while a write of its old holder may
   * still land (seed 2381: a completion landing after the takeover, which the lease condition refuses).
   */
  readonly pendingSweepEveryMs: number;
  /** The first pages of a Query hold this many items (0: one page, as a small partition gets; sim/faulty-dynamo.ts). */
  readonly queryPageSize: number;
  /** Share of a BatchGet's keys answered as UnprocessedKeys, per call. */
  readonly unprocessedKeys: number;
  /** The DLQ redrives (all but the last) happen while the faults still rage. */
  readonly faultyRedrive: boolean;
  /** DynamoDB TTL deletes an expired item up to this late (each item its own delay, so out of order). */
  readonly ttlLateSeconds: number;
  /** Faults come in bursts per container: rates × factor for ms after one (factor 1: independent faults). */
  readonly burst: { readonly factor: number; readonly ms: number };
  /** Per fault kind, the operations it hits (all of them in half the runs, a random few in the others). */
  readonly faultTargets: Readonly<Partial<Record<keyof DynamoFaults, readonly string[]>>>;
}

const DYNAMO_OPS = ['Get', 'Put', 'Update', 'Delete', 'Query', 'BatchGet'] as const;

function drawKnobs(random: () => number): Knobs {
  const timeoutMs = pick(random, [1_500, 3_000, 10_000]);
  const batchSize = pick(random, [between(random, 1, 3), between(random, 1, 10), 100, 5_000]);
  const concurrency = between(random, 1, pick(random, [3, 3, 8]));
  const maxReceiveCount = between(random, 2, 5);
  const claimShards = pick(random, [1, 1, 2]);
  const chaos = focused(random, faultProfile(random));
  const storms = Array.from({ length: between(random, 0, 3) }, () => {
    const from = between(random, 0, 20_000);
    const kind = pick(random, ['throttle', 'errorBefore', 'ambiguous', 'delayed', 'spike', 'stuck', 'unexpected'] as const);
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
    skewMs: pick(random, [0, 0, 500, 2_400]),
    lateLandingMs: pick(random, [2_000, 9_000]),
    pendingSweepEveryMs: pick(random, [2_000, 60_000]),
    queryPageSize: pick(random, [0, 0, 1, 2]),
    unprocessedKeys: pick(random, [0, 0, 0.2, 0.5]),
    faultyRedrive: chance(random, 0.5),
    ttlLateSeconds: pick(random, [0, 3_600, 48 * 3_600]),
    burst: { factor: pick(random, [1, 1, 4, 10]), ms: pick(random, [200, 2_000]) },
    faultTargets: Object.fromEntries(
      (Object.keys(NO_FAULTS) as (keyof DynamoFaults)[]).map((kind) => {
        const all = chance(random, 0.3);
        return [kind, DYNAMO_OPS.filter(() => all || chance(random, 0.5))];
      }),
    ),
  };
}

/** The replay phase's knobs: the usage send's faults, when replays run under faults, how many run calmly after. */
interface ReplayKnobs {
  readonly publish: PublishFaults;
  readonly faults: ReplayFaults;
  /** Virtual ms after the start of each replay while the chaos lasts. */
  readonly faultyAt: readonly number[];
  readonly calmReplays: number;
}

function drawReplayKnobs(random: () => number): ReplayKnobs {
  const level = (off: number) => (chance(random, off) ? 0 : pick(random, [0.05, 0.2, 0.5]));
  return {
    publish: { refuse: pick(random, [0.05, 0.2, 0.5]), ambiguous: level(0.4), slow: level(0.4) },
    faults: { errorBefore: level(0.5), ambiguous: level(0.5), partial: level(0.5), crash: level(0.6) / 2 },
    faultyAt: Array.from({ length: between(random, 0, 2) }, () => between(random, 100, 15_000)),
    calmReplays: between(random, 1, 2),
  };
}

/** S3 faults while the chaos lasts: each kind off in many runs, rare to common in the others. */
function s3Profile(random: () => number): S3Faults {
  const level = (off: number) => (chance(random, off) ? 0 : pick(random, [0.02, 0.1, 0.3]));
  return {
    errorBefore: level(0.4),
    ambiguous: level(0.4),
    slow: level(0.5),
    crash: level(0.6) / 4,
    refused: level(0.6) / 4,
    refusedRead: 0,
  };
}

/** The knobs as one line, printed with the seed. */
export function describeKnobs(knobs: object): string {
  return JSON.stringify(knobs);
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
  private readonly workload: Workload;
  private readonly knobs: Knobs;
  private readonly leases: LeaseMonitor;
  private readonly markers: MarkerMonitor;
  private readonly alertMonitor: AlertMonitor;
  /** The counter archive and statements the daily job writes (the whole-pipeline phase). */
  private readonly s3: S3Model;
  /** What the whole-pipeline phase left for the checker (undefined when the run skipped it). */
  private afterJobs: PipelineState | undefined;
  private readonly pipelineFailures: string[] = [];
  /** The whole-pipeline phase's own draws (whether a run has it, when its early statement runs). */
  private readonly pipelineRandom: () => number;
  private readonly pipeline: boolean;
  /** S3 faults of the whole-pipeline phase while the chaos lasts (drawn from its own generator, printed with the knobs). */
  private readonly s3Chaos: S3Faults;
  private readonly readRefusals: Random;
  /** The replay phase's own draws (whether a run has it, its faults and when the replays run). */
  private readonly replayRandom: () => number;
  private readonly replay: ReplayKnobs | undefined;
  /**
   * Alert steps lost while the chaos lasts (their first read failed, before any claim), so the sweeper's recovery
   * from the counters is needed: off in three runs of four, else this share of steps. Drawn from a generator of its own.
   */
  private readonly alertLossRandom: () => number;
  private readonly alertLoss: number;
  /** The pending sweep's knob (messages of batches that died with their journal pending never come back) and check. */
  private readonly pendingSweep: PendingSweepCheck;
  /** Event ids lost by the operator (all their messages withheld, no journal that turned pending claims them). */
  private lost: ReadonlySet<string> = new Set();
  /** Client plans, overrides, prepaid credits and late sweeps (in half the runs; drawn from a generator of its own). */
  private readonly plansRandom: () => number;
  private readonly plans: ClientPlans | undefined;
  private readonly ledger: CreditLedger;
  private readonly creditMonitor: CreditMonitor;
  private readonly creditDeliveries: Delivery<CreditBalanceLow>[] = [];
  private readonly fallback: UsageFallback | undefined;
  private readonly replayFailures: string[] = [];
  private readonly queue: SqsModel;
  private readonly claimRetentionSeconds = (4 + 14 + 4 + 1) * 24 * 3600;
  private readonly stats: RunResult['stats'];
  private readonly deliveries: Delivery[] = [];
  /** Faults are over: the calm phase lets every run finish, and the checker then demands exact counts. */
  private calmNow = false;
  /** When the current calm stretch began (+∞ while faults may strike): a batch begun after it runs wholly in calm. */
  private calmSince = Number.POSITIVE_INFINITY;
  private get calm(): boolean {
    return this.calmNow;
  }
  private set calm(value: boolean) {
    if (value && !this.calmNow) this.calmSince = this.scheduler.now;
    if (!value) this.calmSince = Number.POSITIVE_INFINITY;
    this.calmNow = value;
  }
  /**
   * Whether a batch begun at `begun` has run wholly in calm until now. Strictly after the calm began: a batch begun in
   * the very millisecond the faults stopped may have sent its first call before.
   */
  private calmThroughout(begun: number): boolean {
    return this.calmSince < begun;
  }
  private readonly results: ResultMonitor;
  private readonly conflicts = new ConflictMonitor();
  private readonly alertScope = new AlertScopeMonitor();
  /** Claims and journals whose TTL is not the claim retention past their write (sim/retention-check.ts). */
  private retention: string[] = [];
  /** Each aggregator batch's requests (sim/calm-batch-log.ts), and the cost and progress of those run wholly in calm. */
  private readonly batchLogs = new BatchLogs(() => this.scheduler.now);
  private readonly calmBatches: CalmBatchMonitor;
  private readonly errorMonitor = new ErrorMonitor();
  /** Which name each injected throttle or 5xx carries (sim/faulty-dynamo.ts): a generator of its own. */
  private readonly errorNames: () => number;
  /** Containers: reused while alive and idle; a crash or a timeout ends one (and its caches). */
  private containerCount = 0;
  private readonly idle: { container: AggregatorContainer; aggregator: ReturnType<typeof createAggregator>; clock: () => number }[] = [];
  /** The bounds knob (sim/bounds.ts): future events, the late copy's age, the product's defaults. */
  private readonly bounds: Bounds;
  /** Each batch's refusals against the bounds at its start (sim/refusal-monitor.ts). */
  private readonly refusals: RefusalMonitor;
  /** The stale reads knob (sim/stale-reads.ts): eventually consistent reads served up to its max lag behind. */
  private readonly staleReads: StaleReads | undefined;
  private running = 0;
  private sent = 0;
  private pollAt = Number.POSITIVE_INFINITY;
  /** Redrives while faults may come back; after them the operator redrives calmly as long as each one helps. */
  private readonly faultyRedrives = 3;
  /** DLQ size after the previous calm redrive's messages were tried again (undefined: none yet). */
  private dlqAfterCalmRedrive: number | undefined;
  private redriveDue = false;

  constructor(private readonly options: RunOptions) {
    this.random = seededRandom(options.seed);
    // Near midnight half the time, so one run's events fall on two UTC days.
    this.start = Date.UTC(2026, 10, 27, chance(this.random, 0.5) ? 23 : 12, 59, 57);
    this.scheduler = new Scheduler(this.start, this.random);
    this.trace = new Trace(() => this.scheduler.now, this.start, options.trace ?? false);
    this.store = options.store();
    this.workload = generateWorkload(this.random, this.start);
    this.knobs = drawKnobs(this.random);
    this.s3 = options.s3?.() ?? new S3Model();
    this.pipelineRandom = seededRandom((options.seed * 7919 + 17) >>> 0);
    this.pipeline = chance(this.pipelineRandom, 0.25);
    const s3Chaos = this.pipeline ? s3Profile(this.pipelineRandom) : NO_S3_FAULTS;
    // Containers whose S3 reads are all refused: drawn from a stream of their own, so a run without them keeps the
    // schedule it had before they were modelled, and one with them departs from it only where a read is refused.
    this.readRefusals = seededRandom((options.seed * 86_028_121 + 79) >>> 0);
    this.s3Chaos =
      this.pipeline && !chance(this.readRefusals, 0.6) ? { ...s3Chaos, refusedRead: pick(this.readRefusals, [0.2, 0.5]) } : s3Chaos;
    this.replayRandom = seededRandom((options.seed * 104_729 + 31) >>> 0);
    this.replay = chance(this.replayRandom, 0.25) ? drawReplayKnobs(this.replayRandom) : undefined;
    this.alertLossRandom = seededRandom((options.seed * 15_485_863 + 43) >>> 0);
    this.alertLoss = chance(this.alertLossRandom, 0.25) ? pick(this.alertLossRandom, [0.2, 0.5, 1]) : 0;
    this.errorNames = seededRandom((options.seed * 67_867_967 + 71) >>> 0);
    this.plansRandom = seededRandom((options.seed * 49_979_687 + 61) >>> 0);
    this.plans = drawClientPlans(
      this.plansRandom,
      CLIENT_IDS,
      (clientId) =>
        this.workload.sends.reduce((sum, s) => sum + (s.kind === 'event' && s.event?.clientId === clientId ? unitsOf(s.event) : 0), 0),
      this.workload.sends.reduce((last, s) => Math.max(last, s.at), 0),
    );
    if (this.plans) this.workload = withPlans(this.workload, this.planOf);
    // Future events only without gate plans (their credits) and replays (their window ends at the run's end).
    this.bounds = drawBounds(options.seed, this.start, !this.plans && !this.replay);
    for (const send of this.bounds.future) {
      this.workload.sends.push(send);
      if (send.event) this.workload.events.set(send.event.eventId, send.event);
    }
    this.refusals = new RefusalMonitor(this.claimRetentionSeconds);
    this.staleReads = drawStaleReads(options.seed);
    this.pendingSweep = new PendingSweepCheck(
      options.seed,
      () => this.scheduler.now,
      (line) => this.trace.log(line),
      () => !this.calm,
      this.plans === undefined,
    );
    const world: FallbackWorld = {
      scheduler: this.scheduler,
      random: this.replayRandom,
      trace: this.trace,
      enqueue: (body, by) => {
        const id = this.queue.send(body);
        this.wake(between(this.replayRandom, 0, 20));
        this.trace.log(`send ${id} by ${by} ${bodyLabel(body)}`);
      },
    };
    this.fallback = this.replay ? (options.fallback?.(world) ?? new UsageFallback(world)) : undefined;
    this.leases = new LeaseMonitor(this.store, TABLE, () => this.scheduler.now, this.knobs.skewMs);
    this.results = new ResultMonitor(this.store, TABLE);
    this.calmBatches = new CalmBatchMonitor(this.knobs.skewMs, this.knobs.pendingSweepEveryMs);
    this.markers = new MarkerMonitor({
      store: this.store,
      tableName: TABLE,
      now: () => this.scheduler.now,
      skewMs: this.knobs.skewMs,
      faulty: () => !this.calm,
      batchSpanMs: this.knobs.timeoutMs + 10_000,
    });
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
      planRuns: this.plans ? 1 : 0,
      creditAlerts: 0,
      dailyJobs: 0,
      archivedRows: 0,
      corrections: 0,
      s3Faults: 0,
      dropped: 0,
      droppedButLanded: 0,
      replayed: 0,
      withheld: 0,
      lost: 0,
      refusedTooOld: 0,
      refusedFuture: 0,
    };
    this.alertMonitor = new AlertMonitor({
      store: this.store,
      tableName: TABLE,
      now: () => this.scheduler.now,
      deliveries: this.deliveries,
      quota: this.quotaOf,
      planOf: this.planOf,
    });
    this.ledger = new CreditLedger(this.store, TABLE, () => this.scheduler.now);
    this.creditMonitor = new CreditMonitor({
      store: this.store,
      tableName: TABLE,
      now: () => this.scheduler.now,
      deliveries: this.creditDeliveries,
      ledger: this.ledger,
      planOf: this.planOf,
    });
    if (this.plans) seedClients(this.store, TABLE, CLIENT_IDS, (clientId) => this.registryRecord(clientId));
    else seedClients(this.store, TABLE, CLIENT_IDS);
    // Only once the client records are in: they were written long before the run (every replica holds them).
    if (this.staleReads) this.store.serveStaleReads?.({ now: () => this.scheduler.now, ...this.staleReads });
    this.trace.log(`knobs ${this.describe()}`);
  }

  /** Every knob of the run as one line: the counting knobs, then those of the phases this run has. */
  private describe(): string {
    return describeKnobs({
      ...this.knobs,
      ...(this.pipeline ? { s3Chaos: this.s3Chaos } : {}),
      ...(this.replay ? { replay: this.replay } : {}),
      ...(this.alertLoss > 0 ? { alertLoss: this.alertLoss } : {}),
      ...(this.pendingSweep.withhold > 0
        ? { withhold: this.pendingSweep.withhold, crashAfterPending: this.pendingSweep.crashAfterPending }
        : {}),
      ...(this.plans ? { clientPlans: this.plans } : {}),
      ...(this.bounds !== NO_BOUNDS
        ? { bounds: { future: this.bounds.future.length, lateCopy: this.bounds.lateCopy ?? 'none', defaults: this.bounds.defaults } }
        : {}),
      ...(this.staleReads ? { staleReads: { maxLagMs: this.staleReads.maxLagMs } } : {}),
    });
  }

  /** Each client's plan: `standard` unless the run has client plans. */
  private readonly planOf = (clientId: string): string => this.plans?.clients[clientId]?.plan ?? 'standard';

  /** Each client's daily quota in force: the run's one quota, or with client plans its override's, else its plan's. */
  private readonly quotaOf = (clientId: string): number => {
    const setup = this.plans?.clients[clientId];
    if (!setup) return this.knobs.quota;
    return setup.overrideQuota ?? PLANS[setup.plan].dailyQuota;
  };

  /** A client's registry record's plan and override (as `keys override` stores one). */
  private registryRecord(clientId: string): { plan: string; override?: object } {
    const setup = this.plans?.clients[clientId];
    if (!setup) return { plan: 'standard' };
    const limits = PLANS[setup.plan];
    return {
      plan: setup.plan,
      ...(setup.overrideQuota !== undefined
        ? {
            override: {
              ratePerMinute: limits.ratePerMinute,
              burst: limits.burst,
              dailyQuota: setup.overrideQuota,
              setAt: '2026-01-01T00:00:00.000Z',
            },
          }
        : {}),
    };
  }

  /** The credits before the run (each credit-holding client's first top-up) and the top-ups during it. */
  private async topUps(): Promise<void> {
    for (const [clientId, setup] of Object.entries(this.plans?.clients ?? {})) {
      if (!setup.credits) continue;
      await this.ledger.topUp(clientId, setup.credits.initial);
      const { topUp } = setup.credits;
      if (topUp)
        this.scheduler.at(topUp.at, () => {
          this.trace.log(`operator tops ${clientId} up by ${topUp.units} units`);
          this.ledger.topUp(clientId, topUp.units).catch((error: Error) => this.ledger.problems.push(`a top-up failed: ${error.message}`));
        });
    }
  }

  /** TTL deletions as DynamoDB makes them: each item up to the run's ttlLateSeconds late, its own delay. */
  private expire(): void {
    const late = this.knobs.ttlLateSeconds;
    const seed = this.options.seed;
    this.store.expire(Math.floor(this.scheduler.now / 1000), (item) => {
      if (late === 0) return 0;
      let h = seed | 0;
      for (const ch of `${String(item.pk)}/${String(item.sk)}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
      return (h >>> 0) % (late + 1);
    });
  }

  async run(): Promise<RunResult> {
    await this.topUps();
    this.scheduleProducers();
    this.wake(0);
    this.scheduleSweeps();
    this.scheduleCalm();
    this.scheduleEarlyStatement();
    this.scheduleFaultyReplays();
    await this.scheduler.run();
    this.calm = true;
    await this.futureComesDue();
    await this.finalReplays();
    await this.calmTraffic();
    this.lost = this.pendingSweep.lostEvents(this.queue.sent);
    await this.finalSweep();
    this.retention = checkRetention(this.store.items(TABLE), {
      from: this.start,
      until: this.scheduler.now,
      retentionSeconds: this.claimRetentionSeconds,
      skewMs: this.knobs.skewMs,
    });
    const lateMessageId = await this.lateCopy();
    await this.dailyJobs();
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

  private readonly s3Faults = (): S3Faults => (this.calm ? NO_S3_FAULTS : this.s3Chaos);

  private readonly sendFaults = (): SendFaults => (this.calm ? NO_SEND_FAULTS : this.knobs.sendChaos);

  private readonly quotaFor = () => this.knobs.quota;

  /** The alert bus as a container's code sees it; what it throws is told to the error monitor. */
  private sender(container: Container, faults: () => SendFaults) {
    return modelSender({
      scheduler: this.scheduler,
      random: this.random,
      container,
      faults,
      deliveries: this.deliveries,
      trace: this.trace,
      onThrow: (error) => this.errorMonitor.clientThrew(container.id, error),
    });
  }

  private creditSender(container: Container, faults: () => SendFaults) {
    return modelSender<CreditBalanceLow>({
      scheduler: this.scheduler,
      random: this.random,
      container,
      faults,
      deliveries: this.creditDeliveries,
      trace: this.trace,
      label: (e) => `${e.clientId}/credits<=${e.threshold}#${e.cycle}@${e.balance}`,
      onThrow: (error) => this.errorMonitor.clientThrew(container.id, error),
    });
  }

  /**
   * One sweep's dependencies: the run's quota as before; with client plans, as the sweeper's handler wires them
   * (quotas from the client list and its overrides, and the credits part), its credit claims watched.
   */
  private sweepDeps(container: Container, doc: object, faults: () => SendFaults): SweepDeps {
    const clock = () => this.scheduler.now;
    const onError = this.errorMonitor.sweeperReporter(container.id);
    if (!this.plans)
      return {
        table: { db: doc as never, tableName: TABLE },
        send: this.sender(container, faults),
        quotaFor: this.quotaFor,
        clock,
        onError,
      };
    const table = { db: this.creditMonitor.doc(container.id, doc as never) as never, tableName: TABLE };
    return { table, send: this.sender(container, faults), credits: { table, send: this.creditSender(container, faults) }, clock, onError };
  }

  /** A sweep, its credits part watched too when the run has client plans. */
  private watchedSweep(container: Container, resendOlderThanMs: number, sweep: () => ReturnType<typeof sweepAlerts>) {
    return this.plans ? () => this.creditMonitor.sweep(container, resendOlderThanMs, sweep, CLIENT_IDS) : sweep;
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
      store: this.pendingSweep.storeFor(container, this.markers.storeFor(container.id, this.leases.storeFor(container.id))),
      scheduler: this.scheduler,
      random: this.random,
      container,
      faults: this.faults,
      trace: this.trace,
      maxAttempts: DYNAMODB_MAX_ATTEMPTS,
      requestTimeoutMs,
      lateLandingMs: this.knobs.lateLandingMs,
      queryPageSize: this.knobs.queryPageSize,
      unprocessedKeys: this.knobs.unprocessedKeys,
      faultTargets: this.knobs.faultTargets,
      burst: this.knobs.burst,
      errorNames: this.errorNames,
      onThrow: (error, command) => this.errorMonitor.clientThrew(container.id, error, command),
      onSend: (command) => this.errorMonitor.clientSent(container.id, command),
      onUnprocessed: (keys) => this.markers.leftUnread(container.id, keys),
    });
  }

  /** A fresh container running the real aggregator (with its alert step) over a faulty DynamoDB client. */
  private newContainer() {
    const { scheduler, random } = this;
    const container = this.container(`λ${++this.containerCount}`);
    const doc = this.faultyDynamo(container, pick(random, [500, 2_000]));
    const skew = between(random, -this.knobs.skewMs, this.knobs.skewMs);
    const concurrency = between(random, 1, 8);
    const aggregator = createAggregator({
      doc: this.batchLogs.client(container.id, doc) as never,
      tableName: TABLE,
      clock: () => scheduler.now + skew,
      sleep: (ms) => scheduler.sleep(ms).then(() => (container.alive ? undefined : new Promise<void>(() => undefined))),
      random,
      // The run's claim retention is the product's (contracts/usage-queue.ts); with the defaults knob it is not passed.
      ...(this.bounds.defaults ? {} : { concurrency, retentionSeconds: this.claimRetentionSeconds }),
      claimShards: this.knobs.claimShards,
      pendingSweepEveryMs: this.knobs.pendingSweepEveryMs,
      onError: this.errorMonitor.aggregatorReporter(container.id),
      alerts: this.alertScope.wrap(
        container.id,
        this.alertMonitor.step(
          container,
          this.plans
            ? this.productionStep(container, doc, skew)
            : this.lossy(
                createAlertStep({
                  table: { db: this.alertMonitor.doc(container.id, doc as never) as never, tableName: TABLE },
                  send: this.sender(container, this.sendFaults),
                  quotaFor: this.quotaFor,
                  clock: () => scheduler.now + skew,
                  sleep: (ms) => scheduler.sleep(ms),
                }),
              ),
        ),
      ),
    });
    return { container, aggregator, clock: () => scheduler.now + skew };
  }

  /**
   * With client plans, the alert step as the aggregator's handler wires it: the override looked up (cached a minute
   * per container), and the credits of the batch's gate-plan clients checked.
   */
  private productionStep(container: Container, doc: FaultyDynamo, skew: number): AlertStep {
    const { scheduler } = this;
    const table = {
      db: this.creditMonitor.doc(container.id, this.alertMonitor.doc(container.id, doc as never)) as never,
      tableName: TABLE,
    };
    return this.creditMonitor.step(
      container,
      this.lossy(
        createAlertStep({
          table,
          send: this.sender(container, this.sendFaults),
          quotaFor: overrideAwareQuota(table, 60_000, () => scheduler.now + skew),
          credits: { table, send: this.creditSender(container, this.sendFaults), clock: () => scheduler.now + skew },
          clock: () => scheduler.now + skew,
          sleep: (ms) => scheduler.sleep(ms),
        }),
      ),
    );
  }

  /** An alert step whose first read fails (while the chaos lasts, `alertLoss` of them): it ends with nothing claimed. */
  private lossy(step: AlertStep): AlertStep {
    return async (clientDays, budgetMs) => {
      if (this.calm || clientDays.length === 0 || !chance(this.alertLossRandom, this.alertLoss)) return step(clientDays, budgetMs);
      this.trace.log(`an alert step of ${clientDays.length} client-day(s) is lost before its first claim`);
      return { clientDays: clientDays.length, sent: 0, timedOut: false, error: new Error('sim: alert step lost before its first claim') };
    };
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
    const begun = scheduler.now;
    container.onKill = (reason) => {
      if (reason.startsWith('crash')) stats.crashes += 1;
      if (!ended)
        this.pendingSweep.batchDied(
          container.id,
          begun,
          messages.map((m) => m.messageId),
          queue,
        );
      end();
    };
    scheduler.at(timeoutMs, () => {
      if (!ended && container.alive) {
        stats.timeouts += 1;
        // The aggregator stops starting work at its deadline (the invocation's time less a safety margin), and in
        // calm nothing it waits on is slow: a batch run wholly in calm returns before the function's timeout.
        if (this.calmThroughout(begun)) this.results.violations.push(`${container.id}: a batch run wholly in calm timed out`);
        container.kill('timeout');
      }
    });
    this.errorMonitor.begin(container.id, true);
    this.conflicts.deliver(messages);
    trace.log(`${container.id} gets ${messages.map((m) => `${m.messageId}(${bodyLabel(m.body)})`).join(' ')}`);
    const records = messages.map((m) => ({ id: m.messageId, body: m.body }));
    const startMs = env.clock();
    const { log, outcome } = this.batchLogs.run(container.id, () => aggregator.aggregateBatch(records, { remainingTimeMs: timeoutMs }));
    outcome.then(
      (result) => {
        if (!container.alive || !end()) return;
        const calmThroughout = this.calmThroughout(begun);
        this.results.check(
          container.id,
          messages.map((m) => m.messageId),
          result,
          calmThroughout,
          log.requests,
        );
        if (calmThroughout) this.calmBatches.check({ log, records, result, begun, ended: scheduler.now, timeoutMs });
        this.results.checkDeadline(container.id, log.requests, begun + timeoutMs - AGGREGATOR_SAFETY_MS);
        this.results.checkClaimCutoff(
          container.id,
          log.requests,
          messages.map((m) => m.body),
          timeoutMs,
          this.knobs.claimShards,
        );
        this.conflicts.record(messages, result);
        this.refusals.check(container.id, records, startMs, result);
        const completed = calmThroughout ? this.results.completedClientDays(result.journalId) : undefined;
        this.alertScope.check(container.id, messages, result, this.workload.conflicts, completed);
        this.errorMonitor.batchReturned(container.id, result, calmThroughout, log.requests, begun + timeoutMs - AGGREGATOR_SAFETY_MS);
        const failed = new Set(result.failures);
        // A delete lost (the message comes back) while the faults last; once calm, deletes land (the draw is kept, so
        // schedules stay as they were).
        for (const m of messages) if (!failed.has(m.messageId) && !(chance(random, lostDelete) && !this.calm)) queue.delete(m.messageId);
        trace.log(
          `${container.id} done: counted ${result.counted}, duplicates ${result.duplicates}, failures ${result.failures.join(' ') || '-'}`,
        );
        this.idle.push(env);
      },
      (error) => {
        if (!container.alive || !end()) return;
        trace.log(`${container.id} batch failed: ${(error as Error).name}: ${(error as Error).message}`);
        // A failed batch fails every record it held, good ones too (the handler reports no partial result): with no
        // fault to meet, no input may get there (docs/aggregation.md: "One bad record does not poison a batch").
        if (this.calmThroughout(begun)) {
          this.results.violations.push(
            `${container.id}: a batch run wholly in calm failed: ${(error as Error).name}: ${(error as Error).message}`,
          );
        }
        this.errorMonitor.batchThrew(container.id, error);
        container.kill('unhandled error');
      },
    );
  }

  /** Producers send the workload's messages at their times (in the replay phase, each event through the real publisher). */
  private scheduleProducers(): void {
    for (const send of this.workload.sends) {
      this.scheduler.at(send.at, () => {
        // The gate admitted the request and took its units from the client's credits (a retry or a second payload is no request).
        if (this.plans && send.kind === 'event' && send.event) this.ledger.take(send.event.clientId, unitsOf(send.event));
        if (this.replay && this.fallback && send.kind === 'event' && send.event) {
          this.sent += 1;
          void this.fallback.publish(send.event, this.replay.publish, 'route');
          return;
        }
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
    this.expire();
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
      if (queue.deadLetters.size > 0 && !this.redriveDue && this.redriveHelps(queue.deadLetters.size)) {
        // The operator looks at the DLQ some time later and redrives it; by then the faults are over.
        this.redriveDue = true;
        scheduler.at(pick(random, [1_000, 3_600_000, 3 * DAY_MS]), () => {
          this.redriveDue = false;
          stats.redrives += 1;
          // With faultyRedrive the faults are back for all but the last faulty redrive (then they stop a while later).
          this.calm = !this.knobs.faultyRedrive || stats.redrives >= this.faultyRedrives;
          if (!this.calm) scheduler.at(between(random, 100, 30_000), () => (this.calm = true));
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

  /**
   * Whether the operator redrives the DLQ again: always during the faulty redrives; after them (calm), as long
   * as the previous calm redrive left fewer messages behind (a run whose batches keep running out of time makes
   * slow progress, which is liveness, not loss). A calm redrive that helps nothing means the pipeline is stuck:
   * the operator stops, the messages expire, and the checker reports them.
   */
  private redriveHelps(dlqSize: number): boolean {
    if (this.stats.redrives < this.faultyRedrives) return true;
    const helped = this.dlqAfterCalmRedrive === undefined || dlqSize < this.dlqAfterCalmRedrive;
    this.dlqAfterCalmRedrive = dlqSize;
    if (!helped) this.trace.log(`operator stops: the last calm redrive left ${dlqSize} message(s) in the DLQ, no fewer`);
    return helped && this.stats.redrives < CALM_REDRIVE_LIMIT;
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
    const { scheduler, random } = this;
    for (let i = between(random, 0, 3); i > 0; i--) scheduler.at(between(random, 0, 60_000), () => this.sweep(`sweeper${i}`));
    // With client plans, in half the runs: two more, later, more than an hour apart (the older days are due again).
    for (const [i, at] of (this.plans?.lateSweeps ?? []).entries()) scheduler.at(at, () => this.sweep(`sweeper-late${i + 1}`));
  }

  /** One scheduled run of the alert sweeper, in its own container, which may die. */
  private sweep(id: string): void {
    const { scheduler, trace } = this;
    const container = this.container(id);
    const doc = this.alertMonitor.doc(container.id, this.faultyDynamo(container, 2_000) as never);
    trace.log(`${container.id} sweeps`);
    this.errorMonitor.begin(container.id);
    // Items younger than twice the function timeout may still be in their claimer's hands.
    const resendOlderThanMs = 2 * this.knobs.timeoutMs;
    const now = scheduler.now;
    const sweep = () => sweepAlerts(this.sweepDeps(container, doc, this.sendFaults), { now: new Date(now), resendOlderThanMs });
    this.alertMonitor.sweep(container, resendOlderThanMs, this.watchedSweep(container, resendOlderThanMs, sweep), CLIENT_IDS, { now }).then(
      (report) => trace.log(`${container.id} done: recovered ${report.recovered}, resent ${report.resent}`),
      (error) => trace.log(`${container.id} failed: ${(error as Error).message}`),
    );
  }

  /** Faults stop after a while, so every run can finish; the checker then demands exact counts. */
  private scheduleCalm(): void {
    this.scheduler.at(between(this.random, 2_000, 120_000), () => {
      this.calm = true;
      this.trace.log('faults stop');
    });
  }

  /**
   * The last scheduled sweep, without faults (still paged, as the run's Queries are), over the run's days: every
   * crossing the counters show is sent.
   */
  private async finalSweep(): Promise<void> {
    const days = [...this.workload.events.values()].map((e) => e.day).sort();
    if (days.length === 0) return;
    const container: Container = { id: 'sweeper-final', alive: true, kill: () => undefined };
    const finalNow = Date.parse(`${days[days.length - 1]}T12:00:00Z`);
    const doc = this.alertMonitor.doc(container.id, this.faultyDynamo(container, 2_000) as never);
    this.errorMonitor.begin(container.id);
    const sweep = () =>
      sweepAlerts(
        this.sweepDeps(container, doc, () => NO_SEND_FAULTS),
        { now: new Date(finalNow), allDays: true, resendOlderThanMs: 0 },
      );
    const final = this.alertMonitor.sweep(container, 0, this.watchedSweep(container, 0, sweep), CLIENT_IDS, {
      now: finalNow,
      allDays: true,
    });
    // Without faults nothing may fail it: a failure is the run's violation (not a crash of the simulator).
    const outcome = final.then(
      (report) => this.trace.log(`final sweep: recovered ${report.recovered}, resent ${report.resent}`),
      (error: unknown) =>
        this.alertMonitor.violations.push(`the final sweep failed: ${(error as Error).name}: ${(error as Error).message}`),
    );
    await this.scheduler.run();
    await outcome;
    this.errorMonitor.calmSweepEnded(container.id);
  }

  /** Replays while the chaos lasts (0–2): each an operator's process of its own, which may die or fail midway. */
  private scheduleFaultyReplays(): void {
    const { replay, fallback, scheduler, trace } = this;
    if (!replay || !fallback) return;
    replay.faultyAt.forEach((at, i) => {
      scheduler.at(at, () => {
        const container = this.container(`replay${i + 1}`);
        const window = { since: new Date(scheduler.now - 2 * 3_600_000), until: new Date(scheduler.now) };
        fallback
          .replay(container, window, () => (this.calm ? NO_REPLAY_FAULTS : replay.faults))
          .then(
            (summary) => trace.log(`${container.id} replay: found ${summary.found}, sent ${summary.sent}, failed ${summary.failed.length}`),
            (error) => trace.log(`${container.id} replay failed: ${(error as Error).name}: ${(error as Error).message}`),
          );
      });
    });
  }

  /**
   * After the chaos, the operator replays the whole run's window once or twice without faults (each must end with
   * nothing failed or invalid), and the aggregator counts what they sent. A replayed event that had reached the queue
   * after all (its send cut off, its answer lost) or that an earlier replay sent must change nothing.
   */
  private async finalReplays(): Promise<void> {
    const { replay, fallback, scheduler, trace } = this;
    if (!replay || !fallback) return;
    for (let i = 1; i <= replay.calmReplays; i++) {
      const container = this.container(`replay-calm${i}`);
      const window = { since: new Date(this.start - 60_000), until: new Date(scheduler.now) };
      const outcome = fallback.replay(container, window, () => NO_REPLAY_FAULTS).catch((error: Error) => error);
      await scheduler.run();
      const summary = await outcome;
      if (summary instanceof Error) this.replayFailures.push(`replay ${i} without faults failed: ${summary.name}: ${summary.message}`);
      else {
        trace.log(
          `${container.id} replay: found ${summary.found}, sent ${summary.sent}, failed ${summary.failed.length}, invalid ${summary.invalid}`,
        );
        if (summary.failed.length > 0 || summary.invalid > 0)
          this.replayFailures.push(`replay ${i} without faults: ${summary.failed.length} failed, ${summary.invalid} invalid`);
      }
    }
  }

  /**
   * Traffic goes on after the run, as production's does, calmly (sim/pending-sweep.ts): in runs with the withhold
   * knob, one new event every 20 s while the pending index lists any journal (at most CALM_TRAFFIC_ROUNDS events);
   * then the index may owe nothing.
   */
  private async calmTraffic(): Promise<void> {
    const { scheduler, pendingSweep } = this;
    if (pendingSweep.withhold === 0) return;
    const listed = () => this.store.items(TABLE).some((item) => item.pk === PENDING_JOURNALS_PK);
    let rounds = 0;
    while (listed() && rounds < CALM_TRAFFIC_ROUNDS) {
      rounds += 1;
      const round = rounds;
      scheduler.at(CALM_TRAFFIC_EVERY_MS, () => {
        const event = calmEvent(scheduler.now, round);
        this.workload.events.set(event.eventId, event);
        const id = this.queue.send(JSON.stringify(event));
        this.trace.log(`send ${id} calm traffic ${event.eventId}`);
        this.wake(0);
      });
      await scheduler.run();
    }
    const tooOldMs = this.claimRetentionSeconds * 1000 - DAY_MS;
    pendingSweep.checkSettled(pendingSweep.owed(this.store, TABLE, this.knobs.skewMs, tooOldMs), rounds);
  }

  /**
   * Events from beyond the future bound wait in the DLQ until their time has come (capabilities/counting/PROTOCOL.md:
   * "Retried, it is counted once its time has come (within the queue's receives), else it waits in the DLQ for an
   * operator"): then the operator redrives them, and only them, so a stuck message stays the checker's to see.
   */
  private async futureComesDue(): Promise<void> {
    const { scheduler, queue } = this;
    const ids = new Set(this.bounds.future.map((s) => s.event?.eventId));
    const waiting = (body: string) => ids.has(/"eventId":"([^"]+)"/.exec(body)?.[1]);
    if (![...queue.deadLetters.values()].some((m) => waiting(m.body))) return;
    const due = Math.max(...this.bounds.future.map((s) => Date.parse(String(s.event?.requestTime))));
    scheduler.now = Math.max(scheduler.now, due - MAX_FUTURE_SKEW_MS + this.knobs.skewMs + 1_000);
    this.expire();
    this.trace.log(`their time has come: the operator redrives ${queue.redrive((m) => waiting(m.body))} future event(s) from the DLQ`);
    this.wake(0);
    await scheduler.run();
  }

  /** Weeks later, after TTL has removed claims and journals, a very old copy comes back (a second redrive). */
  private async lateCopy(): Promise<string | undefined> {
    const { scheduler, random, workload } = this;
    const drawn = chance(random, 0.1);
    if ((!drawn && this.bounds.lateCopy === undefined) || workload.sends.length === 0) return undefined;
    const send = pick(random, workload.sends);
    // An event the operator lost was never counted: a copy inside the bound would be counted now, rightly.
    const age =
      !send.event || (this.bounds.lateCopy === 'inside' && this.lost.has(send.event.eventId)) ? 'past' : (this.bounds.lateCopy ?? 'past');
    const requestTime = send.event ? Date.parse(send.event.requestTime) : scheduler.now;
    scheduler.now = lateCopyAt(age, requestTime, scheduler.now, this.claimRetentionSeconds * 1000);
    this.expire();
    const lateCopy = send.body;
    const lateMessageId = this.queue.send(lateCopy);
    this.trace.log(
      `a copy ${age === 'inside' ? 'just inside' : 'older than'} the too-old bound comes back (${age}): ${bodyLabel(lateCopy)}`,
    );
    this.wake(0);
    await scheduler.run();
    return lateMessageId;
  }

  /**
   * The whole pipeline, in a quarter of the runs (chosen by a generator of its own, so the other runs are
   * unchanged): the real daily job for the day the run's month settles (its statement) runs once early, while
   * the chaos still rages and events are still in flight (the job reads no clock, so this is a month closing with
   * usage still in the queue or the DLQ); then, after the run, for that day and for the first day the run's
   * counters leave the retention window (archive, read back and verified, then conditional deletes), each tried
   * 0–3 times in containers under the run's DynamoDB faults, where a crash at any call stops it, then once
   * without faults, which must end. Usage counted after the early statement makes a correction revision. The
   * checker then demands archive + live counters = truth, and the statement's last revision = truth.
   */
  private pipelineDays(): { month: string; settleDay: string; archiveDay: string } | undefined {
    const days = [...this.workload.events.values()].map((e) => e.day).sort();
    if (days.length === 0 || !this.pipeline) return undefined;
    const lastDay = days[days.length - 1];
    const month = lastDay.slice(0, 7);
    const nextMonth = addDays(`${month}-28`, 4).slice(0, 7);
    // The month's last day + settleDays.
    return { month, settleDay: addDays(`${nextMonth}-01`, BILLING.settleDays - 1), archiveDay: addDays(lastDay, MIN_RETENTION_DAYS) };
  }

  /** One run of the real daily job in a container of its own, under the faults in force; its outcome when it ends. */
  private dailyJob(day: string): { container: Container; outcome: Promise<string> } {
    const container = this.container(`job${++this.stats.dailyJobs}`);
    const outcome = runDailyJob(
      { day, retentionDays: MIN_RETENTION_DAYS },
      {
        table: { db: this.faultyDynamo(container, 2_000) as never, tableName: TABLE },
        archive: {
          s3: this.s3.clientFor(container, this.scheduler, this.random, this.s3Faults, this.readRefusals) as never,
          bucket: 'sim-archive',
        },
      },
    ).then(
      () => 'done',
      (error: Error) => `failed: ${error.name}: ${error.message}`,
    );
    return { container, outcome };
  }

  /** The early statement: the settling day's job, at a time drawn within the chaos. */
  private scheduleEarlyStatement(): void {
    const days = this.pipelineDays();
    if (!days) return;
    this.scheduler.at(between(this.pipelineRandom, 0, 20_000), () => {
      const { container, outcome } = this.dailyJob(days.settleDay);
      void outcome.then((o) => this.trace.log(`${container.id} early daily job for ${days.settleDay}: ${o}`));
    });
  }

  private async dailyJobs(): Promise<void> {
    const { random, scheduler, trace } = this;
    const days = this.pipelineDays();
    if (!days) return;
    const { month } = days;
    for (const day of [days.settleDay, days.archiveDay]) {
      scheduler.now = Math.max(scheduler.now, dayStartMs(addDays(day, 1)) + 3_600_000);
      this.expire();
      for (let attempt = between(random, 0, 3); attempt >= 0; attempt--) {
        this.calm = attempt === 0;
        const { container, outcome: job } = this.dailyJob(day);
        await scheduler.run();
        const outcome = container.alive ? await job : 'died';
        trace.log(`${container.id} daily job for ${day}${this.calm ? ' (calm)' : ''}: ${outcome}`);
        if (this.calm && outcome !== 'done') this.pipelineFailures.push(`the daily job for ${day} without faults: ${outcome}`);
      }
    }
    // What the checker reads: every archived day through the production reader (verified against its manifest),
    // and the month's statement manifest.
    const archive = { s3: { send: async (command: object) => this.s3.execute(command) } as never, bucket: 'sim-archive' };
    const archivedDays = [...this.s3.objects.keys()].flatMap((key) => /^usage-manifests\/dt=([\d-]+)\//.exec(key)?.[1] ?? []);
    const rows: Record<string, unknown>[] = [];
    for (const dt of archivedDays) {
      try {
        const items = (await readArchive(archive, dt))?.items ?? [];
        rows.push(...items);
        // The production reader must give exactly the rows the bytes hold (parsed here with no code of capabilities/).
        if (canonicalRows(items) !== canonicalRows(itemsFromBytes(this.s3.objects, dt) ?? []))
          this.pipelineFailures.push(`the archive of ${dt} read by the production reader differs from its bytes`);
      } catch (error) {
        this.pipelineFailures.push(`the archive of ${dt} does not verify: ${(error as Error).message}`);
      }
    }
    this.stats.archivedRows = rows.length;
    const manifest = this.s3.objects.get(statementKeys(month).manifest);
    this.stats.corrections = manifest ? (JSON.parse(manifest.toString('utf8')).corrections?.length ?? 0) : 0;
    this.afterJobs = {
      archivedRows: rows,
      statement: manifest && JSON.parse(manifest.toString('utf8')),
      month,
      failures: this.pipelineFailures,
      objects: this.s3.objects,
      headers: this.s3.headers,
    };
  }

  /** The checker's verdict on the table and the alerts against the truth, with the run's statistics. */
  private result(lateMessageId: string | undefined): RunResult {
    const { stats, deliveries } = this;
    stats.steps = this.scheduler.steps;
    stats.s3Faults = this.s3.faultsMet;
    stats.dropped = this.fallback?.dropped.size ?? 0;
    stats.droppedButLanded = this.fallback?.droppedButLanded.size ?? 0;
    stats.replayed = this.fallback?.replayed ?? 0;
    stats.withheld = this.pendingSweep.withheld.size;
    stats.lost = this.lost.size;
    stats.refusedTooOld = this.refusals.refused['too-old'];
    stats.refusedFuture = this.refusals.refused.future;
    stats.alerts = new Set(deliveries.map((d) => d.event.eventId)).size;
    stats.alertRedeliveries = deliveries.length - stats.alerts;
    stats.creditAlerts = new Set(this.creditDeliveries.map((d) => d.event.eventId)).size;
    const violations = checkRun({
      store: this.store,
      workload: this.workload,
      queue: this.queue,
      tableName: TABLE,
      lateMessageId,
      lost: this.lost,
      alerts: { deliveries, quota: this.quotaOf, planOf: this.planOf },
      nowSeconds: Math.floor(this.scheduler.now / 1000),
      pipeline: this.afterJobs,
      fallback: this.fallback && { lines: this.fallback.lines, dropped: this.fallback.dropped, failures: this.replayFailures },
      claimShards: this.knobs.claimShards,
    });
    for (const detail of this.leases.violations) violations.push({ kind: 'lease', detail });
    for (const detail of this.leases.unlisted) violations.push({ kind: 'journal', detail });
    for (const detail of this.results.violations) violations.push({ kind: 'result', detail });
    for (const detail of this.conflicts.violations()) violations.push({ kind: 'conflict', detail });
    for (const detail of this.alertScope.violations) violations.push({ kind: 'alert', detail });
    for (const detail of this.retention) violations.push({ kind: 'retention', detail });
    for (const detail of this.calmBatches.violations) violations.push({ kind: 'calm', detail });
    for (const detail of this.markers.violations) violations.push({ kind: 'marker', detail });
    for (const detail of this.errorMonitor.violations) violations.push({ kind: 'error', detail });
    for (const detail of this.refusals.violations) violations.push({ kind: 'refusal', detail });
    for (const detail of this.alertMonitor.violations) violations.push({ kind: 'alert', detail });
    for (const detail of this.pendingSweep.violations) violations.push({ kind: 'journal', detail });
    for (const detail of this.creditMonitor.violations) violations.push({ kind: 'alert', detail });
    if (this.plans) for (const detail of this.creditMonitor.finalViolations(CLIENT_IDS)) violations.push({ kind: 'alert', detail });
    return { seed: this.options.seed, violations, trace: this.trace.toString(), knobs: this.describe(), stats };
  }
}

/** One event of the calm traffic after the run: a request now, on the run's first client and route. */
function calmEvent(now: number, round: number): UsageEvent {
  const at = new Date(now);
  return {
    v: 1,
    eventId: usageEventId(at, `calm-${round}`),
    clientId: 'client-1',
    plan: 'standard',
    route: 'GET /v1/hello',
    method: 'GET',
    status: 200,
    latencyMs: 20,
    units: 1,
    requestTime: at.toISOString(),
    day: utcDay(at),
  };
}

/** The workload with each event carrying its client's plan (as the route functions publish it). */
function withPlans(workload: Workload, planOf: (clientId: string) => string): Workload {
  const moved = new Map<object, UsageEvent>();
  const planned = (event: UsageEvent) => {
    let out = moved.get(event);
    if (!out) {
      out = { ...event, plan: planOf(event.clientId) };
      moved.set(event, out);
    }
    return out;
  };
  return {
    sends: workload.sends.map((send) =>
      send.event ? { ...send, event: planned(send.event), body: JSON.stringify(planned(send.event)) } : send,
    ),
    events: new Map([...workload.events].map(([id, event]) => [id, planned(event)])),
    conflicts: new Map([...workload.conflicts].map(([id, event]) => [id, planned(event)])),
  };
}

/** The run's clients (the registry the sweeper lists; the workload draws from the same ids). */
const CLIENT_IDS = ['client-1', 'client-2', 'client-3'];

function bodyLabel(body: string): string {
  const id = /"eventId":"([^"]+)"/.exec(body)?.[1];
  return id ?? 'poison';
}
