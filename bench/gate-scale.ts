// The gate at scale against DynamoDB Local, shared by `npm run bench -- gate` and its bounded slice test: clients on
// the `free` plan seeded with batch writes, requests drawn Zipf over them, each admitted by the real gate (admit());
// write units from ConsumedCapacity; every client's admissions checked against an independent model of its windows.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { gateLimitsOf } from '../capabilities/http/middleware/gate-admission';
import type { GateLimits } from '../capabilities/gate/admission';
import { admit, GateGuesses } from '../capabilities/gate/gate';
import { runLimited } from '../capabilities/aws/bounded-concurrency';
import { GATE_ATTRIBUTES, ITEM_FAMILIES, itemKey } from '../contracts/table';
import { createUsageTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/resources';
import { seededRandom } from '../sim/random';
import { zipfSampler } from '../test/capabilities/counting/support/workload';

export interface GateScaleOptions {
  readonly endpoint: string;
  readonly tableName: string;
  /** Clients seeded on the `free` plan. */
  readonly clients: number;
  /** Requests in all, drawn Zipf over the clients. */
  readonly requests: number;
  /** Zipf exponent: rank k is drawn with weight 1/k^s. */
  readonly zipfS: number;
  /** Virtual request seconds; every request of one second carries the same `now`. */
  readonly seconds: number;
  /** Virtual time between two request seconds (30 s: two per minute, so the minute window binds as well). */
  readonly secondSpacingMs: number;
  /** Admissions in flight at once. */
  readonly concurrency: number;
  /** The last request seconds run one admission at a time: the gate check's latency without queueing behind others. */
  readonly probeSeconds: number;
  /** Execution environments, each with its own guesses of the items (capabilities/gate/gate.ts GateGuesses). */
  readonly environments: number;
  readonly seed: number;
}

/** Per-call meter of the gate's writes and reads, from DynamoDB's ConsumedCapacity where it reports one. */
export interface CapacityMeter {
  updates: number;
  failedConditions: number;
  /** WCU DynamoDB Local reported on successful writes. */
  reportedWcu: number;
  /** Successful writes that carried a ConsumedCapacity. */
  reportedWrites: number;
  /** RCU reported on reads (the gate reads only when units exceed a limit outright). */
  reportedRcu: number;
  reads: number;
}

export interface ClientOutcome {
  demanded: number;
  admitted: number;
  /** What the independent model admits for the same requests. */
  expected: number;
}

export interface GateScaleRun {
  readonly options: GateScaleOptions;
  readonly limits: GateLimits;
  readonly seedSeconds: number;
  readonly seededItems: number;
  readonly admissionSeconds: number;
  /** Every decision, and those of the loaded seconds (the decisions/s figure's numerator). */
  readonly decisions: number;
  readonly loadedDecisions: number;
  readonly admitted: number;
  readonly refused: number;
  readonly latenciesMs: number[];
  /** Latencies of the probe seconds (one admission in flight). */
  readonly probeLatenciesMs: number[];
  readonly topClientLatenciesMs: number[];
  readonly topClientShare: number;
  readonly meter: CapacityMeter;
  readonly perClient: Map<number, ClientOutcome>;
  /** Units admitted above the model, summed over clients (over-admission): must be 0. */
  readonly overAdmitted: number;
  /** Units the model admits that the gate refused, summed over clients: must be 0. */
  readonly underAdmitted: number;
  /** Clients the model refuses at least once (their demand exceeded a limit in some window). */
  readonly limitedClients: number;
  /** Clients whose demand exceeded the daily quota; and of those, how many were admitted exactly the quota. */
  readonly overQuotaClients: number;
  readonly overQuotaAtQuota: number;
  /** Gate items whose stored day count differs from the units admitted to their client: must be 0. */
  readonly storedMismatches: number;
}

const clientIdOf = (rank: number) => `cl_zipf_${rank.toString(36).padStart(5, '0')}`;

/** A DocumentClient whose every gate call asks for and records its consumed capacity. */
export function meteredClients(endpoint: string): { raw: DynamoDBClient; doc: DynamoDBDocumentClient; meter: CapacityMeter } {
  const raw = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const meter: CapacityMeter = { updates: 0, failedConditions: 0, reportedWcu: 0, reportedWrites: 0, reportedRcu: 0, reads: 0 };
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const metered = command === 'UpdateItemCommand' || command === 'GetItemCommand';
      if (metered) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      try {
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits;
        if (command === 'UpdateItemCommand') {
          meter.updates += 1;
          if (consumed !== undefined) {
            meter.reportedWcu += consumed;
            meter.reportedWrites += 1;
          }
        } else if (command === 'GetItemCommand') {
          meter.reads += 1;
          meter.reportedRcu += consumed ?? 0;
        }
        return result;
      } catch (error) {
        if (command === 'UpdateItemCommand') {
          meter.updates += 1;
          if ((error as { name?: string }).name === 'ConditionalCheckFailedException') meter.failedConditions += 1;
        }
        throw error;
      }
    },
    { step: 'initialize', priority: 'low', name: 'gateCapacityMeter' },
  );
  return { raw, doc: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }), meter };
}

/** Client registry items of `count` clients on the `free` plan, written 25 to a BatchWriteItem, `parallel` at once. */
export async function seedClients(doc: DynamoDBDocumentClient, tableName: string, count: number, parallel = 8): Promise<number> {
  const batches: number[] = [];
  for (let first = 0; first < count; first += 25) batches.push(first);
  await runLimited(batches, parallel, async (first) => {
    let requests: Record<string, unknown>[] | undefined = [];
    for (let rank = first; rank < Math.min(count, first + 25); rank++) {
      const clientId = clientIdOf(rank);
      requests.push({
        PutRequest: {
          Item: { ...itemKey.client(clientId), clientId, plan: 'free', status: 'active', createdAt: '2026-12-01T00:00:00.000Z' },
        },
      });
    }
    while (requests && requests.length > 0) {
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }));
      requests = result.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
    }
  });
  return count;
}

/**
 * The model: in one request second every request of a client carries the same `now` and 1 unit, so the order
 * among them does not matter: the second admits min(demand, room), room being what every window has left.
 */
export function modelAdmissions(
  demands: readonly Map<number, number>[],
  limits: GateLimits,
  times: readonly number[],
): Map<number, number> {
  const used = new Map<number, { minute: number; day: number; month: number; m: number; d: number; mo: number }>();
  const admitted = new Map<number, number>();
  demands.forEach((demand, i) => {
    const t = times[i];
    const date = new Date(t);
    const minute = Math.floor(t / 60_000);
    const day = Math.floor(t / 86_400_000);
    const month = date.getUTCFullYear() * 12 + date.getUTCMonth();
    for (const [rank, count] of demand) {
      const u = used.get(rank) ?? { minute, day, month, m: 0, d: 0, mo: 0 };
      if (u.month !== month) Object.assign(u, { month, mo: 0 });
      if (u.day !== day) Object.assign(u, { day, d: 0 });
      if (u.minute !== minute) Object.assign(u, { minute, m: 0 });
      const room = Math.min(
        limits.burst,
        limits.ratePerMinute - u.m,
        limits.dailyQuota - u.d,
        limits.monthlyQuota === null ? Number.POSITIVE_INFINITY : limits.monthlyQuota - u.mo,
      );
      const take = Math.max(0, Math.min(count, room));
      u.m += take;
      u.d += take;
      u.mo += take;
      used.set(rank, u);
      admitted.set(rank, (admitted.get(rank) ?? 0) + take);
    }
  });
  return admitted;
}

/** The gate items' stored day counts, by client. */
async function storedDayCounts(doc: DynamoDBDocumentClient, tableName: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(pk, :gate)',
        ExpressionAttributeValues: { ':gate': ITEM_FAMILIES.gates.prefix },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? [])
      counts.set(String(item.pk).slice(ITEM_FAMILIES.gates.prefix.length), Number(item[GATE_ATTRIBUTES.day]));
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}

export async function runGateScale(options: GateScaleOptions, log: (line: string) => void = () => {}): Promise<GateScaleRun> {
  const { raw, doc, meter } = meteredClients(options.endpoint);
  await createUsageTable(raw, options.tableName);
  const limits = gateLimitsOf('free');

  const seedStart = performance.now();
  const seededItems = await seedClients(doc, options.tableName, options.clients);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  log(`seeded ${seededItems.toLocaleString('en-US')} clients in ${seedSeconds.toFixed(1)} s`);

  // The workload: request second k holds requests/seconds draws; every request of it runs at the same virtual now.
  const random = seededRandom(options.seed);
  const draw = zipfSampler(options.clients, options.zipfS, random);
  // Midnight UTC of a fixed mid-month day, so no run crosses a day or month edge whatever the wall clock says.
  const t0 = Date.UTC(2026, 11, 15, 0, 0, 0, 250);
  const times = Array.from({ length: options.seconds }, (_, k) => t0 + k * options.secondSpacingMs);
  const perSecond = Math.ceil(options.requests / options.seconds);
  const batches: { rank: number; environment: number }[][] = [];
  const demands: Map<number, number>[] = [];
  for (let k = 0; k < options.seconds; k++) {
    const batch = [];
    const demand = new Map<number, number>();
    for (let i = 0; i < perSecond && k * perSecond + i < options.requests; i++) {
      const rank = draw();
      batch.push({ rank, environment: Math.floor(random() * options.environments) });
      demand.set(rank, (demand.get(rank) ?? 0) + 1);
    }
    batches.push(batch);
    demands.push(demand);
  }
  const environments = Array.from({ length: options.environments }, () => new GateGuesses());
  const store = { db: doc, tableName: options.tableName };

  const latenciesMs: number[] = [];
  const probeLatenciesMs: number[] = [];
  const topClientLatenciesMs: number[] = [];
  const admittedBy = new Map<number, number>();
  let admitted = 0;
  let refused = 0;
  Object.assign(meter, { updates: 0, failedConditions: 0, reportedWcu: 0, reportedWrites: 0, reportedRcu: 0, reads: 0 });
  const loaded = batches.length - options.probeSeconds;
  let admissionSeconds = 0;
  for (let k = 0; k < batches.length; k++) {
    const now = new Date(times[k]);
    const probe = k >= loaded;
    const batchStart = performance.now();
    await runLimited(batches[k], probe ? 1 : options.concurrency, async ({ rank, environment }) => {
      const started = performance.now();
      const answer = await admit(store, { clientId: clientIdOf(rank), limits, units: 1, now }, environments[environment]);
      const ms = performance.now() - started;
      if (probe) {
        probeLatenciesMs.push(ms);
        return tally(rank, answer.admitted);
      }
      latenciesMs.push(ms);
      if (rank === 0) topClientLatenciesMs.push(ms);
      tally(rank, answer.admitted);
    });
    if (!probe) admissionSeconds += (performance.now() - batchStart) / 1000;
    if ((k + 1) % Math.max(1, Math.floor(batches.length / 10)) === 0) {
      log(`  ${k + 1}/${batches.length} request seconds, ${(admitted + refused).toLocaleString('en-US')} decisions`);
    }
  }
  function tally(rank: number, wasAdmitted: boolean): void {
    if (wasAdmitted) {
      admitted += 1;
      admittedBy.set(rank, (admittedBy.get(rank) ?? 0) + 1);
    } else {
      refused += 1;
    }
  }

  // Exactness: the gate's admissions per client against the model, and against what its item stores.
  const expectedBy = modelAdmissions(demands, limits, times);
  const perClient = new Map<number, ClientOutcome>();
  let overAdmitted = 0;
  let underAdmitted = 0;
  let limitedClients = 0;
  let overQuotaClients = 0;
  let overQuotaAtQuota = 0;
  for (const demand of demands) {
    for (const [rank, count] of demand) {
      const outcome = perClient.get(rank) ?? { demanded: 0, admitted: admittedBy.get(rank) ?? 0, expected: expectedBy.get(rank) ?? 0 };
      outcome.demanded += count;
      perClient.set(rank, outcome);
    }
  }
  for (const outcome of perClient.values()) {
    overAdmitted += Math.max(0, outcome.admitted - outcome.expected);
    underAdmitted += Math.max(0, outcome.expected - outcome.admitted);
    if (outcome.demanded > outcome.expected) limitedClients += 1;
    if (outcome.demanded > limits.dailyQuota) {
      overQuotaClients += 1;
      if (outcome.admitted === limits.dailyQuota) overQuotaAtQuota += 1;
    }
  }
  const stored = await storedDayCounts(doc, options.tableName);
  let storedMismatches = 0;
  for (const [rank, outcome] of perClient) {
    const day = stored.get(clientIdOf(rank)) ?? 0;
    if (day !== outcome.admitted) storedMismatches += 1;
  }
  const topDemand = perClient.get(0)?.demanded ?? 0;

  return {
    options,
    limits,
    seedSeconds,
    seededItems,
    admissionSeconds,
    decisions: admitted + refused,
    loadedDecisions: latenciesMs.length,
    admitted,
    refused,
    latenciesMs,
    probeLatenciesMs,
    topClientLatenciesMs,
    topClientShare: topDemand / Math.max(1, admitted + refused),
    meter: { ...meter },
    perClient,
    overAdmitted,
    underAdmitted,
    limitedClients,
    overQuotaClients,
    overQuotaAtQuota,
    storedMismatches,
  };
}
