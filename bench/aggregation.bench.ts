// Usage aggregation benchmark against DynamoDB Local: this aggregator vs a naive per-event updater vs
// Powertools idempotency per record + per-event updates, on the same Zipf workload with injected duplicates.
// Reports write requests and WCU per 1,000 events (modelled from item sizes and as DynamoDB Local reports them),
// events/s, exactness, and in-process aggregation speed.
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Context } from 'aws-lambda';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { createAggregator } from '../capabilities/counting/exactly-once';
import { MARKER_PREFIX } from '../capabilities/counting/keys';
import { aggregateRoutes, dayDeltas, parseRecord, type RecordBody } from '../capabilities/counting/counter-deltas';
import { addEvent, COUNTER_ATTRIBUTES, emptyCounters, HISTOGRAM_SIZE, type CounterValues } from '../capabilities/usage/counters';
import { itemKey } from '../contracts/table';
import { usageEventV1, type UsageEvent } from '../contracts/usage-event';
import { STAGES } from '../contracts/stages';
import { ROUTES, routeKey } from '../contracts/routes';
import { PLAN_NAMES } from '../contracts/plans';
import { WORKERS } from '../contracts/workers';
import { USAGE_QUEUE_VISIBILITY_SECONDS } from '../contracts/stages';
import { startDynamoDbLocal } from '../local/services/dynamodb-local';
import { runLimited } from '../capabilities/aws/bounded-concurrency';
import { countersOf, dynamoClients, freshTable, sortedEntries, storedCounters, truthOf } from '../test/capabilities/counting/support/table';
import { generateEvents, mulberry32 } from '../test/capabilities/counting/support/workload';
import { QUICK, round, writeResults } from './support';

const EVENTS = Number(process.env.EVENTS ?? (QUICK ? 10_000 : 100_000));
/** Messages per aggregator batch: the prod stage's usageBatchSize (BATCH=… to see what another would do). */
const BATCH = Number(process.env.BATCH ?? STAGES.prod.usageBatchSize);
/** DESIGNS=ours,concurrent skips the per-event baselines, which do not depend on the batch size. */
const DESIGNS = (process.env.DESIGNS ?? 'ours,concurrent,naive,idempotency').split(',');
/** Pollers filling batches at once in the concurrent run: prod's, as Lambda's SQS poller runs them (at most aggregatorMaxConcurrency). */
const POLLERS = Number(process.env.POLLERS ?? Math.min(5, STAGES.prod.aggregatorMaxConcurrency));
const DUPLICATE_SHARE = 0.02; // messages delivered a second time in a later batch
const RATE_PER_SECOND = 1_000; // requestTime spacing of the workload (claim pages are per second)

// ---------------------------------------------------------------- write metering
type AttributeValue = Record<string, unknown>;

function valueSize(value: AttributeValue): number {
  const [type, v] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(v));
    case 'N':
      return Math.ceil(String(v).replace(/^-|\.|^0+/g, '').length / 2) + 1;
    case 'B':
      return (v as Uint8Array).length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (v as string[]).reduce((s, x) => s + Buffer.byteLength(x), 0);
    case 'NS':
      return (v as string[]).reduce((s, x) => s + Math.ceil(x.length / 2) + 1, 0);
    case 'BS':
      return (v as Uint8Array[]).reduce((s, x) => s + x.length, 0);
    case 'L':
      return 3 + (v as AttributeValue[]).reduce((s, x) => s + 1 + valueSize(x), 0);
    case 'M':
      return 3 + itemSize(v as Record<string, AttributeValue>);
    default:
      return 0;
  }
}
function itemSize(item: Record<string, unknown> | undefined): number {
  let size = 0;
  for (const [name, value] of Object.entries(item ?? {})) size += Buffer.byteLength(name) + valueSize(value as AttributeValue);
  return size;
}
const wcu = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

interface Meter {
  writeRequests: number;
  modelWcu: number;
  reportedWcu: number;
  reportedSeen: number;
  byKind: Record<string, { requests: number; wcu: number; failedConditions: number }>;
  /** Bytes of each counter item (by key) as the last write left it: a busy client's day is the largest. */
  counterItemBytes: Map<string, number>;
  /** Of those bytes, the journal markers' (`m_<journalId>`), by key. */
  counterMarkerBytes: Map<string, number>;
  reset(): void;
}

/** Counts every write sent through the client and its WCU: max(item size before, after) rounded up per KB. */
function meter(client: DynamoDBClient): Meter {
  const sizes = new Map<string, number>();
  const m: Meter = {
    writeRequests: 0,
    modelWcu: 0,
    reportedWcu: 0,
    reportedSeen: 0,
    byKind: {},
    counterItemBytes: new Map(),
    counterMarkerBytes: new Map(),
    reset() {
      this.writeRequests = 0;
      this.modelWcu = 0;
      this.reportedWcu = 0;
      this.reportedSeen = 0;
      this.byKind = {};
      this.counterItemBytes.clear();
      this.counterMarkerBytes.clear();
      sizes.clear();
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const input = args.input as Record<string, any>;
      if (command !== 'PutItemCommand' && command !== 'UpdateItemCommand' && command !== 'DeleteItemCommand') return next(args);
      const keyOf = (k: Record<string, unknown>) => JSON.stringify(Object.entries(k).sort());
      const key =
        command === 'PutItemCommand'
          ? keyOf(Object.fromEntries(Object.entries(input.Item).filter(([n]) => n === 'pk' || n === 'sk' || n === 'id')))
          : keyOf(input.Key);
      const pk = String(Object.values((input.Item ?? input.Key).pk ?? (input.Item ?? input.Key).id ?? {})[0] ?? '');
      const kind = pk.startsWith('USAGE#')
        ? 'counters'
        : pk.startsWith('CLAIM#')
          ? 'claims'
          : pk.startsWith('JOURNAL#')
            ? 'journals'
            : 'idempotency records';
      const before = sizes.get(key) ?? 0;
      let after = before;
      let failedCondition = false;
      let attempted = 0;
      try {
        const result = await next(args);
        const output = result.output as Record<string, any>;
        if (command === 'PutItemCommand') after = itemSize(input.Item);
        else if (command === 'UpdateItemCommand' && input.ReturnValues === 'ALL_NEW') {
          after = itemSize(output.Attributes);
          if (kind === 'counters') {
            const markers = Object.entries(output.Attributes ?? {}).filter(([name]) => name.startsWith(MARKER_PREFIX));
            m.counterMarkerBytes.set(key, itemSize(Object.fromEntries(markers)));
          }
        } else if (command === 'DeleteItemCommand') after = 0;
        if (output.ConsumedCapacity?.CapacityUnits !== undefined) {
          m.reportedWcu += output.ConsumedCapacity.CapacityUnits;
          m.reportedSeen += 1;
        }
        return result;
      } catch (error) {
        failedCondition = (error as { name?: string }).name === 'ConditionalCheckFailedException';
        if (failedCondition) {
          // Billed on the larger of the item it met and the one it tried to write (DynamoDB developer guide, "read
          // and write operations"). The item it met is the one a concurrent writer has just put, which `before`
          // (read when this request was sent) does not know yet: take it from the refusal itself (ALL_OLD).
          const met = itemSize((error as { Item?: Record<string, unknown> }).Item);
          after = Math.max(before, met);
          attempted = command === 'PutItemCommand' ? itemSize(input.Item) : 0;
        }
        throw error;
      } finally {
        // A failed conditional write is billed too (≥ 1 WCU). DynamoDB Local reports no consumed capacity on a
        // refused write, so the modelled cost is added to the reported figure there.
        const cost = wcu(Math.max(before, after, attempted));
        sizes.set(key, after);
        if (kind === 'counters') m.counterItemBytes.set(key, after);
        m.writeRequests += 1;
        m.modelWcu += cost;
        if (failedCondition) m.reportedWcu += cost;
        const k = (m.byKind[kind] ??= { requests: 0, wcu: 0, failedConditions: 0 });
        k.requests += 1;
        k.wcu += cost;
        if (failedCondition) k.failedConditions += 1;
      }
    },
    { step: 'build', name: 'writeMeter' },
  ); // input is marshalled (typed attribute values) by this step
  // Before serialisation: ask for consumed capacity, and for the new item so its size is known.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const input = args.input as Record<string, any>;
      if (command === 'PutItemCommand' || command === 'UpdateItemCommand' || command === 'DeleteItemCommand') {
        input.ReturnConsumedCapacity = 'TOTAL';
        if (input.ConditionExpression && !input.ReturnValuesOnConditionCheckFailure) input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
      }
      if (command === 'UpdateItemCommand' && !input.ReturnValues) input.ReturnValues = 'ALL_NEW';
      return next(args);
    },
    { step: 'initialize', priority: 'low', name: 'writeMeterRequest' },
  );
  return m;
}

// ---------------------------------------------------------------- designs
interface DesignRun {
  design: string;
  deliveredEvents: number;
  uniqueEvents: number;
  seconds: number;
  exact: boolean;
  counterItemWrites: number;
  extra?: Record<string, unknown>;
}

function counterUpdate(tableName: string, key: Record<string, string>, attrs: Record<string, string>, values: CounterValues) {
  const names: Record<string, string> = {};
  const vals: Record<string, unknown> = {};
  const adds: string[] = [];
  const add = (attribute: string, value: number) => {
    if (value === 0 && attribute !== COUNTER_ATTRIBUTES.requests) return;
    names[`#a${adds.length}`] = attribute;
    vals[`:a${adds.length}`] = value;
    adds.push(`#a${adds.length} :a${adds.length}`);
  };
  add(COUNTER_ATTRIBUTES.requests, values.requests);
  add(COUNTER_ATTRIBUTES.clientErrors, values.clientErrors);
  add(COUNTER_ATTRIBUTES.serverErrors, values.serverErrors);
  add(COUNTER_ATTRIBUTES.latencySumMs, values.latencySumMs);
  for (let i = 0; i < HISTOGRAM_SIZE; i++) add(COUNTER_ATTRIBUTES.histogram(i), values.latencyHistogram[i]);
  const sets = Object.entries(attrs).map(([n, v], i) => {
    names[`#s${i}`] = n;
    vals[`:s${i}`] = v;
    return `#s${i} = :s${i}`;
  });
  return new UpdateCommand({
    TableName: tableName,
    Key: key,
    UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: vals,
  });
}

/** The naive consumer: one UpdateItem per event per counter (day and route). */
async function perEventUpdates(doc: DynamoDBDocumentClient, tableName: string, event: UsageEvent) {
  const values = emptyCounters();
  addEvent(values, event);
  const { clientId, day, route } = event;
  await doc.send(counterUpdate(tableName, itemKey.dayCounter(clientId, day), { clientId, day }, values));
  await doc.send(counterUpdate(tableName, itemKey.routeCounter(clientId, day, route), { clientId, day, route }, values));
}

// ---------------------------------------------------------------- Lambda payload of one batch
/** Lambda's payload limit for a synchronous invocation, which the SQS event source uses: 6 MB. */
const INVOKE_PAYLOAD_LIMIT = 6 * 1024 * 1024;
/** Receipt handles are opaque: ~400 characters is what SQS typically returns, 1,024 a conservative bound (assumptions, not measured on AWS). */
const RECEIPT_HANDLE_CHARS = { typical: 400, bound: 1_024 } as const;

/** One usage event as the route functions send it (contracts/usage-event.ts), with the longest route and plan names. */
function longestUsageEvent(): UsageEvent {
  const route = ROUTES.map((r) => routeKey(r)).sort((a, b) => b.length - a.length)[0];
  const now = new Date();
  return usageEventV1.parse({
    v: 1,
    eventId: randomUUID(),
    clientId: `cl_${randomUUID().replace(/-/g, '')}`,
    plan: [...PLAN_NAMES].sort((a, b) => b.length - a.length)[0],
    route,
    method: route.split(' ')[0],
    status: 200,
    latencyMs: 123.456,
    requestTime: now.toISOString(),
    day: now.toISOString().slice(0, 10),
  });
}

/** The bytes one record adds to the aggregator's invocation payload: the SQS record envelope Lambda builds around the body. */
function recordBytes(body: string, receiptHandleChars: number): number {
  const record = {
    messageId: randomUUID(),
    receiptHandle: 'A'.repeat(receiptHandleChars),
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1764300000000',
      SenderId: 'AROAXXXXXXXXXXXXXXXXX:metered-api-prod-usage-daily',
      ApproximateFirstReceiveTimestamp: '1764300000001',
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:metered-api-prod-usage-events',
    awsRegion: 'us-east-1',
  };
  return Buffer.byteLength(JSON.stringify(record)) + 1; // + the comma between records
}

function payloadCheck() {
  const body = JSON.stringify(longestUsageEvent());
  const fit = (chars: number) => {
    const bytes = recordBytes(body, chars);
    return { receiptHandleChars: chars, recordBytes: bytes, recordsPerInvocation: Math.floor((INVOKE_PAYLOAD_LIMIT - 16) / bytes) };
  };
  return {
    bodyBytes: Buffer.byteLength(body),
    limitBytes: INVOKE_PAYLOAD_LIMIT,
    typical: fit(RECEIPT_HANDLE_CHARS.typical),
    bound: fit(RECEIPT_HANDLE_CHARS.bound),
  };
}

// ---------------------------------------------------------------- workload
function deliveries(events: UsageEvent[]): RecordBody[][] {
  const rng = mulberry32(99);
  const batches: RecordBody[][] = [];
  const again: RecordBody[] = [];
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH).map((e, j): RecordBody => ({ id: `m-${i + j}`, body: JSON.stringify(e) }));
    // Messages delivered again (at-least-once), arriving in a later batch.
    const repeat = again.splice(0, again.length);
    for (const r of batch) if (rng() < DUPLICATE_SHARE) again.push({ id: `${r.id}-again`, body: r.body });
    batches.push([...batch, ...repeat]);
  }
  if (again.length) batches.push(again);
  return batches;
}

/**
 * Waves of POLLERS batches filled at once, as Lambda's pollers receive from a standard queue: the messages of the
 * same seconds are spread over the batches of one wave (record i goes to poller i mod POLLERS), so their claim
 * appends meet on the same pages. Repeats (at-least-once) arrive in a later wave.
 */
function concurrentDeliveries(events: UsageEvent[]): RecordBody[][][] {
  const rng = mulberry32(99);
  const waves: RecordBody[][][] = [];
  let again: RecordBody[] = [];
  const perWave = BATCH * POLLERS;
  for (let i = 0; i < events.length; i += perWave) {
    const wave: RecordBody[][] = Array.from({ length: POLLERS }, () => []);
    const records = events.slice(i, i + perWave).map((e, j): RecordBody => ({ id: `m-${i + j}`, body: JSON.stringify(e) }));
    for (const [j, r] of records.entries()) wave[j % POLLERS].push(r);
    for (const [j, r] of again.entries()) wave[j % POLLERS].push(r);
    again = records.filter(() => rng() < DUPLICATE_SHARE).map((r) => ({ id: `${r.id}-again`, body: r.body }));
    waves.push(wave.filter((b) => b.length > 0));
  }
  if (again.length) waves.push([again]);
  return waves;
}

// ---------------------------------------------------------------- workloads
interface Workload {
  readonly name: string;
  readonly clients: number;
  readonly routes: number;
  readonly zipfS: number;
  /** The route keys events name; default `routes` made-up ones (`GET /v1/resource-<i>`, not in the route contract). */
  readonly routeKeys?: readonly string[];
}

/**
 * Close to the worst case for batching (few events per counter key per batch), a realistic API's traffic over 10
 * made-up routes, and the same traffic over the routes this stack meters (the route contract's, what prod counts).
 */
const WORKLOADS: readonly Workload[] = [
  { name: 'worst-case', clients: 1_000, routes: 10, zipfS: 1 },
  { name: 'realistic', clients: 50, routes: 10, zipfS: 1.2 },
  { name: 'prod-routes', clients: 50, routes: ROUTES.length, zipfS: 1.2, routeKeys: ROUTES.map((r) => routeKey(r)) },
];
/** Target on the realistic and prod-routes workloads with prod's pollers at once (issue 23): WCU per event, with exact counts. */
const WCU_PER_EVENT_TARGET = 0.05;

async function runWorkload(spec: Workload) {
  const started = Date.now();
  const events = generateEvents({
    count: EVENTS,
    clients: spec.clients,
    routes: spec.routes,
    seed: 2026,
    ratePerSecond: RATE_PER_SECOND,
    zipfS: spec.zipfS,
    routeKeys: spec.routeKeys,
  });
  const batches = deliveries(events);
  const delivered = batches.reduce((s, b) => s + b.length, 0);
  const truth = truthOf(events);
  const distinctPerBatch = batches.map((b) => countersOf(b.map((r) => JSON.parse(r.body) as UsageEvent)).size);
  const sumDistinct = distinctPerBatch.reduce((a, b) => a + b, 0);
  const avgDistinct = sumDistinct / batches.length;

  // In-process aggregation speed (no I/O).
  const bodies = batches.flat();
  for (let i = 0; i < Math.min(bodies.length, 20_000); i += BATCH)
    aggregateRoutes(
      bodies
        .slice(i, i + BATCH)
        .map(parseRecord)
        .flatMap((r) => (r.kind === 'event' ? [r.event] : [])),
    ); // warm-up
  const t0 = performance.now();
  let parsedCount = 0;
  for (let i = 0; i < bodies.length; i += BATCH) {
    const parsed = bodies
      .slice(i, i + BATCH)
      .map(parseRecord)
      .flatMap((r) => (r.kind === 'event' ? [r.event] : []));
    parsedCount += parsed.length;
    aggregateRoutes(parsed);
  }
  const parseAndAggregatePerSec = parsedCount / ((performance.now() - t0) / 1000);
  // What the aggregator runs on a batch's events: route deltas, grouped into one delta per client-day.
  const aggregate = (slice: UsageEvent[]) => dayDeltas(aggregateRoutes(slice).values());
  for (let i = 0; i < events.length; i += BATCH) aggregate(events.slice(i, i + BATCH)); // warm-up
  const t1 = performance.now();
  for (let rep = 0; rep < 5; rep++) for (let i = 0; i < events.length; i += BATCH) aggregate(events.slice(i, i + BATCH));
  const aggregatePerSec = (5 * events.length) / ((performance.now() - t1) / 1000);

  const ddb = await startDynamoDbLocal({ readyTimeoutMs: 120_000 }); // the shared machine can take over 30 s
  let perBatch: Record<string, number> | undefined;
  const runs: (DesignRun & {
    writeRequests: number;
    modelWcu: number;
    reportedWcu: number;
    reportedSeen: number;
    byKind: Meter['byKind'];
    counterItemBytes: ReturnType<typeof counterItemBytes>;
  })[] = [];
  try {
    const { raw, doc } = dynamoClients(ddb.endpoint);
    const m = meter(raw);
    /** One design's row: its seconds since `started` (reading the counters back included), exact or not, what it cost. */
    const designRun = async (design: string, table: string, started: number, counterItemWrites: number) => {
      const stored = await storedCounters(doc, table);
      return {
        design,
        deliveredEvents: delivered,
        uniqueEvents: events.length,
        seconds: (Date.now() - started) / 1000,
        exact: JSON.stringify(sortedEntries(stored)) === JSON.stringify(sortedEntries(truth)),
        counterItemWrites,
        ...snapshot(m),
      };
    };
    // Warm DynamoDB Local's JVM up first, so the design measured first is not penalised.
    {
      const table = await freshTable(raw, 'warmup');
      const warm = generateEvents({ count: QUICK ? 1_000 : 3_000, clients: 50, routes: 5, seed: 1 });
      await runLimited(warm, 32, (e) => perEventUpdates(doc, table, e));
    }

    // 1. This aggregator.
    if (DESIGNS.includes('ours')) {
      const table = await freshTable(raw, 'agg');
      m.reset();
      const aggregator = createAggregator({ doc, tableName: table, concurrency: 32 });
      const s = Date.now();
      let counterWrites = 0;
      let pending = batches.map((b) => b);
      // Time per batch and the heap the process holds while aggregating (sampled every 5 ms).
      const batchMs: number[] = [];
      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      const sampler = setInterval(() => {
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }, 5);
      for (let round = 0; pending.length > 0 && round < 5; round++) {
        const next: RecordBody[][] = [];
        for (const batch of pending) {
          const batchStarted = performance.now();
          const result = await aggregator.aggregateBatch(batch, { remainingTimeMs: WORKERS.aggregator.timeoutSeconds * 1000 });
          batchMs.push(performance.now() - batchStarted);
          heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
          counterWrites += result.counterWrites;
          if (result.failures.length) next.push(batch.filter((r) => result.failures.includes(r.id)));
        }
        pending = next;
      }
      clearInterval(sampler);
      batchMs.sort((a, b) => a - b);
      perBatch = {
        batches: batchMs.length,
        p50Ms: Math.round(batchMs[Math.floor(batchMs.length / 2)]),
        maxMs: Math.round(batchMs[batchMs.length - 1]),
        heapBeforeMb: round(heapBefore / 2 ** 20, 1),
        heapPeakMb: round(heapPeak / 2 ** 20, 1),
      };
      runs.push(await designRun('this aggregator (claims + journal + marker-guarded counters)', table, s, counterWrites));
    }
    // 1b. This aggregator with POLLERS containers taking batches of the same seconds at once (as in prod).
    if (DESIGNS.includes('concurrent')) {
      const table = await freshTable(raw, 'agg-concurrent');
      m.reset();
      const containers = Array.from({ length: POLLERS }, () => createAggregator({ doc, tableName: table, concurrency: 32 }));
      const s = Date.now();
      let counterWrites = 0;
      let waves = concurrentDeliveries(events);
      let redelivered = 0;
      for (let round = 0; waves.length > 0 && round < 5; round++) {
        const retry: RecordBody[] = [];
        for (const wave of waves) {
          const results = await Promise.all(
            wave.map((batch, i) =>
              containers[i % POLLERS].aggregateBatch(batch, { remainingTimeMs: WORKERS.aggregator.timeoutSeconds * 1000 }),
            ),
          );
          results.forEach((result, i) => {
            counterWrites += result.counterWrites;
            retry.push(...wave[i].filter((r) => result.failures.includes(r.id)));
          });
        }
        redelivered += retry.length;
        waves = retry.length ? [[retry]] : [];
      }
      runs.push({
        ...(await designRun(`this aggregator, ${POLLERS} pollers at once`, table, s, counterWrites)),
        extra: { claimPages: new Set(events.map((e) => e.requestTime.slice(0, 19))).size, redelivered },
      });
    }
    // 2. Naive: one UpdateItem per event per counter.
    if (DESIGNS.includes('naive')) {
      const table = await freshTable(raw, 'naive');
      m.reset();
      const s = Date.now();
      for (const batch of batches) {
        await runLimited(batch, 32, (r) => perEventUpdates(doc, table, JSON.parse(r.body) as UsageEvent));
      }
      runs.push(await designRun('naive: UpdateItem per event per counter', table, s, 2 * delivered));
    }
    // 3. Exactly-once baseline: Powertools idempotency per record + per-event updates.
    if (DESIGNS.includes('idempotency')) {
      const table = await freshTable(raw, 'idem-counters');
      const idempotencyTable = `idempotency-${process.pid}`;
      await raw.send(
        new CreateTableCommand({
          TableName: idempotencyTable,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        }),
      );
      m.reset();
      const persistenceStore = new DynamoDBPersistenceLayer({ tableName: idempotencyTable, awsSdkV3Client: raw });
      const config = new IdempotencyConfig({ eventKeyJmesPath: 'eventId' });
      config.registerLambdaContext({ getRemainingTimeInMillis: () => 60_000 } as Context);
      const countOnce = makeIdempotent(
        async (event: UsageEvent) => {
          await perEventUpdates(doc, table, event);
          return { ok: true };
        },
        { persistenceStore, config },
      );
      const s = Date.now();
      let pending = batches;
      for (let round = 0; pending.length > 0 && round < 5; round++) {
        const next: RecordBody[] = [];
        for (const batch of pending) {
          await runLimited(batch, 32, async (r) => {
            try {
              await countOnce(JSON.parse(r.body) as UsageEvent);
            } catch {
              next.push(r);
            } // in progress elsewhere: retry later
          });
        }
        pending = next.length ? [next] : [];
      }
      runs.push(await designRun('Powertools idempotency per record + per-event updates', table, s, 2 * events.length));
    }
    raw.destroy();
  } finally {
    await ddb.stop();
  }

  const per1k = (n: number, r: DesignRun) => round((n * 1000) / r.uniqueEvents, 1);
  const failedPerPage = (r: (typeof runs)[number]) =>
    r.extra?.claimPages ? round((r.byKind.claims?.failedConditions ?? 0) / Number(r.extra.claimPages), 2) : undefined;
  const rows = runs.map((r) => ({
    design: r.design,
    'WCU /event (DDB Local + refused)': r.reportedSeen ? round(r.reportedWcu / r.uniqueEvents, 4) : 'n/a',
    'failed claim appends /page': failedPerPage(r) ?? '',
    'write req /1k ev': per1k(r.writeRequests, r),
    'WCU /1k ev (model)': per1k(r.modelWcu, r),
    'WCU /1k ev (DDB Local)': r.reportedSeen ? per1k(r.reportedWcu, r) : 'n/a',
    'counter writes /1k ev': per1k(r.counterItemWrites, r),
    'counter item B (max/mean; markers in max)': r.counterItemBytes
      ? `${r.counterItemBytes.max}/${r.counterItemBytes.mean}; ${r.counterItemBytes.markersOfMax}`
      : 'n/a',
    'events/s': Math.round(r.deliveredEvents / r.seconds),
    exact: r.exact ? 'yes' : 'NO',
  }));
  console.log(
    `\nUsage aggregation: ${EVENTS.toLocaleString()} events (+${delivered - EVENTS} duplicate deliveries, ${DUPLICATE_SHARE * 100}%), Zipf s=${spec.zipfS} over ${spec.clients.toLocaleString()} clients × ${spec.routes} routes (${spec.name}), batches of ${BATCH}, ${RATE_PER_SECOND} events/s of requestTime`,
  );
  console.log(
    `distinct counter keys per batch: avg ${round(avgDistinct, 1)}; summed over batches ${round((sumDistinct * 1000) / EVENTS, 1)} per 1k events (target: counter writes ≤ this)`,
  );
  console.table(rows);
  for (const agg of runs.filter((r) => r.design.startsWith('this aggregator')))
    console.log(
      `${agg.design}, writes by item kind per 1k events:`,
      Object.fromEntries(
        Object.entries(agg.byKind).map(([k, v]) => [
          k,
          { requests: per1k(v.requests, agg), wcu: per1k(v.wcu, agg), failedConditions: per1k(v.failedConditions, agg) },
        ]),
      ),
    );
  console.log(
    `in-process: parse + validate + aggregate ${Math.round(parseAndAggregatePerSec).toLocaleString()} events/s; aggregate only ${Math.round(aggregatePerSec).toLocaleString()} events/s (target ≥ 200,000)`,
  );
  if (perBatch)
    console.log(
      `this aggregator, one batch of ≤ ${BATCH} on DynamoDB Local: p50 ${perBatch.p50Ms} ms, max ${perBatch.maxMs} ms (function timeout ${WORKERS.aggregator.timeoutSeconds} s, visibility timeout ${USAGE_QUEUE_VISIBILITY_SECONDS} s); JS heap ${perBatch.heapBeforeMb} → peak ${perBatch.heapPeakMb} MB (the bench's own data included)`,
    );
  return {
    perBatch,
    workload: {
      name: spec.name,
      events: EVENTS,
      deliveredEvents: delivered,
      duplicateShare: DUPLICATE_SHARE,
      batchSize: BATCH,
      clients: spec.clients,
      routes: spec.routes,
      zipfS: spec.zipfS,
      ratePerSecond: RATE_PER_SECOND,
      avgDistinctCounterKeysPerBatch: round(avgDistinct, 1),
      distinctCounterKeysSummedOverBatchesPer1k: round((sumDistinct * 1000) / EVENTS, 1),
    },
    designs: runs.map((r) => ({
      ...r,
      perThousandEvents: {
        writeRequests: per1k(r.writeRequests, r),
        modelWcu: per1k(r.modelWcu, r),
        reportedWcu: r.reportedSeen ? per1k(r.reportedWcu, r) : null,
        counterWrites: per1k(r.counterItemWrites, r),
      },
      wcuPerEvent: r.reportedSeen ? round(r.reportedWcu / r.uniqueEvents, 4) : null,
      failedClaimAppendsPerPage: failedPerPage(r) ?? null,
      eventsPerSecond: Math.round(r.deliveredEvents / r.seconds),
    })),
    inProcess: { parseValidateAggregatePerSecond: Math.round(parseAndAggregatePerSec), aggregatePerSecond: Math.round(aggregatePerSec) },
    totalSeconds: round((Date.now() - started) / 1000, 0),
  };
}

async function main() {
  const payload = payloadCheck();
  console.log(
    `Lambda payload: a usage event is ${payload.bodyBytes} B; with the SQS record envelope ${payload.typical.recordBytes} B (receipt handle ${payload.typical.receiptHandleChars} chars) to ${payload.bound.recordBytes} B (${payload.bound.receiptHandleChars} chars) → ${payload.bound.recordsPerInvocation.toLocaleString()}–${payload.typical.recordsPerInvocation.toLocaleString()} records fit the 6 MB invocation payload; the stage batch (${STAGES.prod.usageBatchSize.toLocaleString()}) ${STAGES.prod.usageBatchSize <= payload.typical.recordsPerInvocation ? 'fits with typical receipt handles' : 'does NOT fit: Lambda trims each batch to the payload limit'}`,
  );
  for (const stageName of ['dev', 'prod'] as const) {
    const stage = STAGES[stageName];
    // Lambda starts 5 concurrent pollers on a standard queue (at most aggregatorMaxConcurrency invocations): a batch
    // fills to rate × window / pollers unless the size or the payload limit ends it first.
    const pollers = Math.min(5, stage.aggregatorMaxConcurrency);
    const fill = (rate: number) =>
      Math.min(stage.usageBatchSize, payload.typical.recordsPerInvocation, Math.round((rate * stage.usageBatchWindowSeconds) / pollers));
    console.log(
      `${stageName}: usageBatchSize ${stage.usageBatchSize}, window ${stage.usageBatchWindowSeconds} s, ${pollers} pollers → events per batch at 100 / 1,000 / 10,000 events/s: ${fill(100)} / ${fill(1_000)} / ${fill(10_000)}`,
    );
  }
  const wanted = process.env.WORKLOAD?.split(',');
  const results = [];
  for (const spec of WORKLOADS.filter((w) => !wanted || wanted.includes(w.name))) results.push(await runWorkload(spec));
  for (const run of results.filter((r) => r.workload.name === 'realistic' || r.workload.name === 'prod-routes')) {
    const ours =
      run.designs.find((d) => d.design.includes('pollers at once')) ?? run.designs.find((d) => d.design.startsWith('this aggregator'));
    if (!ours) continue;
    const wcuPer1k = ours.perThousandEvents.reportedWcu ?? ours.perThousandEvents.modelWcu;
    const met = wcuPer1k / 1000 <= WCU_PER_EVENT_TARGET && ours.exact;
    console.log(
      `\ntarget (${run.workload.name} workload, ${ours.design}, batches of ${BATCH.toLocaleString()}${BATCH === STAGES.prod.usageBatchSize ? ", the prod stage's usageBatchSize" : ''}): ≤ ${WCU_PER_EVENT_TARGET} WCU per event with exact counts → ${round(wcuPer1k / 1000, 3)} WCU/event, exact ${ours.exact ? 'yes' : 'NO'} → ${met ? 'met' : 'NOT met'}`,
    );
  }
  const file = writeResults(process.env.RESULTS_NAME ?? 'aggregation', {
    loadAverage: os.loadavg(),
    workloads: results,
    batchSize: BATCH,
    payload,
    targets: { realisticWcuPerEvent: WCU_PER_EVENT_TARGET },
  });
  console.log(`results: ${file}`);
}

/** Sizes of the counter items at the end of a run (DynamoDB's item size): the largest, and their mean. */
function counterItemBytes(m: Meter): { items: number; max: number; mean: number; markersOfMax: number; maxMarkers: number } | null {
  const sizes = [...m.counterItemBytes];
  if (sizes.length === 0) return null;
  const [largestKey, max] = sizes.reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    items: sizes.length,
    max,
    mean: Math.round(sizes.reduce((a, [, b]) => a + b, 0) / sizes.length),
    markersOfMax: m.counterMarkerBytes.get(largestKey) ?? 0,
    maxMarkers: Math.max(0, ...m.counterMarkerBytes.values()),
  };
}

function snapshot(m: Meter) {
  return {
    writeRequests: m.writeRequests,
    modelWcu: m.modelWcu,
    reportedWcu: round(m.reportedWcu, 1),
    reportedSeen: m.reportedSeen,
    byKind: JSON.parse(JSON.stringify(m.byKind)),
    counterItemBytes: counterItemBytes(m),
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
