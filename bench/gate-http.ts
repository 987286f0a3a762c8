// The gate-plan scale slice over HTTP, shared by `npm run bench -- gate-http` and its bounded test: Zipf traffic of
// GET /v1/hello from many gate-plan clients at a twin, then every client's count checked against the answers it got
// (day counter = requests sent, its 4xx = refusals, gate item = admitted), no client admitted above a limit in any
// second or minute that its answers place beyond doubt, and the pool reconciliation of the day.
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { PLANS } from '../contracts/plans';
import { GATE_ATTRIBUTES, itemKey } from '../contracts/table';
import { utcDay } from '../contracts/usage-event';
import { PROBLEM_TYPE_BASE } from '../contracts/gateway-responses';
import { runLimited } from '../capabilities/aws/bounded-concurrency';
import { countersFromItem } from '../capabilities/usage/counters';
import type { Reconciliation } from '../scripts/support/reconciliation';
import { seededRandom } from '../sim/random';
import { zipfSampler } from '../test/capabilities/counting/support/workload';

export interface GateHttpClient {
  readonly apiKey: string;
  readonly clientId: string;
}

/** The twin the slice runs against, and how to wait for its counts and reconcile its day. */
export interface GateHttpTarget {
  readonly baseUrl: string;
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Resolves once every usage event sent so far is counted. */
  drain(): Promise<void>;
  /**
   * What an operator runs after usage events were dropped (a send over its budget logs the event instead):
   * `npm run usage:replay -- --local`; returns how many it re-sent. Run after the drain, then drained again.
   */
  replay?(since: Date): Promise<number>;
  /** `npm run reconcile -- --local` for the day (in process or as the command). */
  reconcile(day: string): Promise<Reconciliation>;
}

export interface GateHttpOptions {
  readonly requests: number;
  /** Zipf exponent over the clients, in the order given: rank k drawn with weight 1/k^s. */
  readonly zipfS: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  readonly seed: number;
  /** Day counters and gate items read at once in the check. */
  readonly readConcurrency?: number;
}

/** What one client sent and got. */
export interface ClientTally {
  sent: number;
  admitted: number;
  /** Refusals by problem type slug (`rate-limited`, `quota-exceeded`, …). */
  refused: Map<string, number>;
  /** Answers that were neither 200 nor a gate refusal (any is a failure). */
  other: number;
  /** 429s of API Gateway's own throttle (no RateLimit header): never metered, so any fails the run's count check. */
  gatewayThrottled: number;
  /** [sent, answered] epoch ms of each admitted request: the gate's clock read lies between them. */
  admittedAt: [number, number][];
}

export interface GateHttpRun {
  readonly clients: number;
  readonly activeClients: number;
  readonly requests: number;
  readonly admitted: number;
  readonly refused: Readonly<Record<string, number>>;
  readonly other: number;
  readonly trafficSeconds: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly drainSeconds: number;
  /** Usage events `usage:replay` re-sent (dropped by a route function whose send ran over its budget). */
  readonly replayed?: number;
  readonly checkSeconds: number;
  readonly hottest: { readonly sent: number; readonly admitted: number };
  /** Every mismatch found, by kind (empty = exact). */
  readonly problems: readonly string[];
  readonly reconciliation: {
    readonly matches: boolean;
    readonly pools: readonly { plan: string; metered: number; gateway: number; kind: string }[];
  };
  readonly reconcileSeconds: number;
}

const free = PLANS.free;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/**
 * The most admissions any one window of `spanMs` holds among those whose [sent, answered] lies inside one window:
 * the gate read its clock between the two, so these are certainly in that window (the others are not counted).
 */
export function mostCertainlyInOneWindow(admittedAt: readonly [number, number][], spanMs: number): number {
  const perWindow = new Map<number, number>();
  for (const [sent, answered] of admittedAt) {
    const window = Math.floor(sent / spanMs);
    if (Math.floor(answered / spanMs) !== window) continue;
    perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
  }
  return Math.max(0, ...perWindow.values());
}

/** Sends the traffic, drains, checks every client with traffic, reconciles. Clients are all on the `free` plan. */
export async function runGateHttp(
  target: GateHttpTarget,
  clients: readonly GateHttpClient[],
  options: GateHttpOptions,
): Promise<GateHttpRun> {
  const day = utcDay(new Date());
  const sample = zipfSampler(clients.length, options.zipfS, seededRandom(options.seed));
  const order = Array.from({ length: options.requests }, sample);
  const tallies = new Map<number, ClientTally>();
  const latencies: number[] = [];
  const started = performance.now();
  await runLimited(order, options.concurrency, async (index) => {
    const client = clients[index];
    let tally = tallies.get(index);
    if (!tally) {
      tally = { sent: 0, admitted: 0, refused: new Map(), other: 0, gatewayThrottled: 0, admittedAt: [] };
      tallies.set(index, tally);
    }
    tally.sent++;
    const sent = Date.now();
    const t0 = performance.now();
    const response = await fetch(`${target.baseUrl}/v1/hello`, { headers: { 'x-api-key': client.apiKey } });
    const text = await response.text();
    latencies.push(performance.now() - t0);
    const answered = Date.now();
    if (response.status === 200) {
      tally.admitted++;
      tally.admittedAt.push([sent, answered]);
      return;
    }
    const type = (() => {
      try {
        return String(JSON.parse(text).type ?? '');
      } catch {
        return '';
      }
    })();
    // API Gateway's own throttle (the stage's, or a pool key's ceiling) answers before the route function: no gate
    // answer, so no RateLimit header, and nothing metered. Named apart so a run that hits it says so.
    if (response.status === 429 && !response.headers.has('ratelimit')) tally.gatewayThrottled++;
    else if ((response.status === 429 || response.status === 402) && type.startsWith(PROBLEM_TYPE_BASE)) {
      const slug = type.slice(PROBLEM_TYPE_BASE.length);
      tally.refused.set(slug, (tally.refused.get(slug) ?? 0) + 1);
    } else tally.other++;
  });
  const trafficSeconds = (performance.now() - started) / 1000;

  const drainStarted = performance.now();
  await target.drain();
  let replayed: number | undefined;
  if (target.replay) {
    // The whole UTC day: an earlier run's dropped events count in the day's reconciliation too (replay is idempotent).
    replayed = await target.replay(new Date(`${day}T00:00:00Z`));
    if (replayed > 0) await target.drain();
  }
  const drainSeconds = (performance.now() - drainStarted) / 1000;

  // Every client with traffic: its day counter and gate item against what it was answered.
  const problems: string[] = [];
  const checkStarted = performance.now();
  const sameDay = utcDay(new Date()) === day;
  await runLimited([...tallies.entries()], options.readConcurrency ?? 16, async ([index, tally]) => {
    const { clientId } = clients[index];
    const [counter, gate] = await Promise.all([
      target.db.send(new GetCommand({ TableName: target.tableName, Key: itemKey.dayCounter(clientId, day) })),
      target.db.send(new GetCommand({ TableName: target.tableName, Key: itemKey.gate(clientId), ConsistentRead: true })),
    ]);
    const counted = countersFromItem(counter.Item);
    const refused = [...tally.refused.values()].reduce((a, b) => a + b, 0);
    if (counted.requests !== tally.sent) problems.push(`${clientId}: counted ${counted.requests} requests, sent ${tally.sent}`);
    if (counted.clientErrors !== refused + tally.other)
      problems.push(`${clientId}: counted ${counted.clientErrors} client errors, refused ${refused + tally.other}`);
    if (counted.units !== tally.sent) problems.push(`${clientId}: counted ${counted.units} units for ${tally.sent} requests of 1 unit`);
    const takenToday = gate.Item?.[GATE_ATTRIBUTES.day] ?? 0; // no gate item: the client was never admitted
    if (sameDay && takenToday !== tally.admitted)
      problems.push(`${clientId}: the gate took ${takenToday} units today, admitted ${tally.admitted}`);
    if (tally.other > 0) problems.push(`${clientId}: ${tally.other} answers neither 200 nor a gate refusal`);
    if (tally.gatewayThrottled > 0)
      problems.push(
        `${clientId}: ${tally.gatewayThrottled} refused by API Gateway's own throttle, never reaching the gate (start the twin with --no-stage-throttle)`,
      );
    if (tally.admitted > free.dailyQuota) problems.push(`${clientId}: admitted ${tally.admitted} > daily quota ${free.dailyQuota}`);
    const perMinute = mostCertainlyInOneWindow(tally.admittedAt, 60_000);
    if (perMinute > free.ratePerMinute) problems.push(`${clientId}: admitted ${perMinute} in one minute > ${free.ratePerMinute}`);
    const perSecond = mostCertainlyInOneWindow(tally.admittedAt, 1_000);
    if (perSecond > free.burst) problems.push(`${clientId}: admitted ${perSecond} in one second > burst ${free.burst}`);
  });
  const checkSeconds = (performance.now() - checkStarted) / 1000;

  const reconcileStarted = performance.now();
  const reconciliation = await target.reconcile(day);
  const reconcileSeconds = (performance.now() - reconcileStarted) / 1000;

  const refused: Record<string, number> = {};
  let admitted = 0;
  let other = 0;
  let hottest = { sent: 0, admitted: 0 };
  for (const tally of tallies.values()) {
    admitted += tally.admitted;
    other += tally.other;
    for (const [slug, n] of tally.refused) refused[slug] = (refused[slug] ?? 0) + n;
    if (tally.sent > hottest.sent) hottest = { sent: tally.sent, admitted: tally.admitted };
  }
  latencies.sort((a, b) => a - b);
  return {
    clients: clients.length,
    activeClients: tallies.size,
    requests: options.requests,
    admitted,
    refused,
    other,
    trafficSeconds,
    requestsPerSecond: options.requests / trafficSeconds,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    drainSeconds,
    replayed,
    checkSeconds,
    hottest,
    problems,
    reconciliation: {
      matches: reconciliation.matches,
      pools: reconciliation.pools.map((p) => ({ plan: p.plan, metered: p.metered, gateway: p.gateway, kind: p.kind })),
    },
    reconcileSeconds,
  };
}
