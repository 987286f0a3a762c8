// Keeps the simulator's DynamoDB model honest: the same operation sequences — random calls of every
// repository operation the aggregator uses, then whole aggregator batches — run against the model and
// against DynamoDB Local, and must give identical answers, identical errors and identical tables.
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import type { UsageEvent } from '../../contracts/usage-event';
import { emptyCounters } from '../../capabilities/usage/counters';
import { createAggregator } from '../../capabilities/counting/exactly-once';
import { AggregatorRepository, type JournalStatus } from '../../capabilities/counting/repository';
import { detectThresholdCrossings, resendPending } from '../../capabilities/alerts/threshold-crossings';
import { sweepAlerts } from '../../capabilities/alerts/sweeper';
import { clientItem, counters, dayItems } from '../capabilities/analytics/fixtures';
import type { RunningService } from '../../local/services/child-service';
import { startDynamoDbLocal } from '../../local/services/dynamodb-local';
import { seededRandom } from '../../sim/random';
import { TableModel } from '../../sim/table-model';
import { S3Model } from '../../sim/s3-model';
import { runDailyJob } from '../../capabilities/daily-job/daily-job';
import { MIN_RETENTION_DAYS } from '../../contracts/usage-queue';
import { dynamoClients, freshTable, scanAll } from '../capabilities/counting/support/table';

let ddb: RunningService;
let clients: ReturnType<typeof dynamoClients>;
beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  clients = dynamoClients(ddb.endpoint);
}, 60_000);
afterAll(async () => {
  clients?.raw.destroy();
  await ddb?.stop();
});

/** Plain, comparable values: binaries as hex, keys sorted. */
function normal(value: unknown): unknown {
  if (value instanceof Uint8Array) return `bin:${Buffer.from(value).toString('hex')}`;
  if (value instanceof Map) return normal(Object.fromEntries(value));
  if (Array.isArray(value)) return value.map(normal);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, normal((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

async function outcome<T>(run: () => Promise<T>): Promise<unknown> {
  try {
    return { ok: normal(await run()) };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

const sortItems = (items: Record<string, unknown>[]) =>
  items.map(normal).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

// The repository's operations over a small key space, so conditions both hold and fail.
const journal = fc.constantFrom('j1', 'j2', 'j3');
const page = fc.constantFrom('CLAIM#2026-11-27T23:59:59#0', 'CLAIM#2026-11-28T00:00:00#0');
const status = fc.constantFrom<JournalStatus>('claiming', 'pending', 'complete', 'aborted');
const operation = fc.oneof(
  fc.record({
    op: fc.constant('append'),
    page,
    seq: fc.integer({ min: 1, max: 3 }),
    journal,
    bytes: fc.uint8Array({ minLength: 16, maxLength: 48 }),
  }),
  fc.record({ op: fc.constant('read'), page }),
  fc.record({ op: fc.constant('create'), journal, lease: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ op: fc.constant('transition'), journal, from: status, to: status, now: fc.option(fc.integer({ min: 0, max: 100 })) }),
  fc.record({ op: fc.constant('lease'), journal, now: fc.integer({ min: 0, max: 100 }), until: fc.integer({ min: 0, max: 200 }) }),
  fc.record({ op: fc.constant('heads'), ids: fc.uniqueArray(journal, { maxLength: 3 }) }),
  fc.record({ op: fc.constant('body'), journal, bytes: fc.uint8Array({ maxLength: 32 }) }),
  fc.record({ op: fc.constant('getBody'), journal }),
  fc.record({ op: fc.constant('list'), journal, since: fc.integer({ min: 0, max: 100 }), lease: fc.integer({ min: 0, max: 200 }) }),
  fc.record({ op: fc.constant('unlist'), journal }),
  fc.record({ op: fc.constant('pending') }),
  fc.record({
    op: fc.constant('counter'),
    journal,
    route: fc.option(fc.constantFrom('GET /v1/hello', 'POST /v1/quotes'), { nil: undefined }),
    requests: fc.integer({ min: 0, max: 5 }),
    remove: fc.uniqueArray(journal, { maxLength: 2 }),
  }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function perform(repo: AggregatorRepository, o: Operation): Promise<unknown> {
  switch (o.op) {
    case 'append':
      return repo.appendClaims(o.page, o.seq, o.journal, o.bytes, new Uint8Array(4));
    case 'read':
      return repo.readClaimPage(o.page);
    case 'create':
      return repo.createJournal(o.journal, o.lease);
    case 'transition':
      return repo.transition(o.journal, o.from, o.to, o.now === null ? {} : { leaseExpiredBefore: o.now, completedAt: o.now });
    case 'lease':
      return repo.acquireLease(o.journal, o.now, o.until);
    case 'heads':
      return repo.getJournalHeads(o.ids, () => true);
    case 'body':
      return repo.putJournalBody(o.journal, o.bytes);
    case 'getBody':
      return repo.getJournalBody(o.journal);
    case 'list':
      return repo.putPendingEntry(o.journal, o.since, o.lease);
    case 'unlist':
      return repo.deletePendingEntry(o.journal);
    case 'pending':
      return repo.listPendingEntries();
    case 'counter': {
      const values = { ...emptyCounters(), requests: o.requests, latencySumMs: o.requests * 3 };
      return repo.applyCounter(
        { clientId: 'client-1', day: '2026-11-27', total: values, routes: new Map(o.route === undefined ? [] : [[o.route, values]]) },
        o.journal,
        o.remove.map((j) => `m_${j}`),
      );
    }
  }
}

test('random repository operations: the model answers and ends exactly like DynamoDB Local', async () => {
  let sequences = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 25 }), async (ops) => {
      const table = await freshTable(clients.raw, 'diff');
      const model = new TableModel();
      const expiresAt = () => 1_900_000_000;
      const real = new AggregatorRepository(clients.doc, table, expiresAt, async () => undefined);
      const modelled = new AggregatorRepository(
        { send: async (c: object) => model.execute(c) } as unknown as DynamoDBDocumentClient,
        table,
        expiresAt,
        async () => undefined,
      );
      for (const o of ops) {
        expect({ o, result: await outcome(() => perform(modelled, o)) }).toEqual({ o, result: await outcome(() => perform(real, o)) });
      }
      expect(sortItems(model.items(table))).toEqual(sortItems(await scanAll(clients.doc, table)));
      sequences += 1;
    }),
    { numRuns: 120, seed: 20261128 },
  );
  expect(sequences).toBe(120);
}, 180_000);

test('whole aggregator batches (duplicates, shared pages, two days) leave identical tables', async () => {
  const table = await freshTable(clients.raw, 'diffagg');
  const model = new TableModel();
  const start = Date.now() - (Date.now() % 86_400_000) - 1_500;
  const events: UsageEvent[] = Array.from({ length: 40 }, (_, i) => {
    const at = new Date(start + i * 80);
    return {
      v: 1,
      eventId: `req-${i % 31}`,
      clientId: `client-${i % 3}`,
      plan: 'standard',
      route: i % 2 ? 'GET /v1/hello' : 'POST /v1/quotes',
      method: i % 2 ? 'GET' : 'POST',
      status: i % 7 === 0 ? 500 : 200,
      latencyMs: 10 + i,
      requestTime: at.toISOString(),
      day: at.toISOString().slice(0, 10),
    };
  });
  // Same ids → same payload: a repeat of id k reuses event k.
  const bodies = events.map((e, i) => JSON.stringify(i >= 31 ? { ...events[i - 31] } : e));
  const recordsOf = (from: number, to: number) => bodies.slice(from, to).map((body, i) => ({ id: `m${from + i}`, body }));
  const now = Date.now();
  const sequential = (send: (c: object) => Promise<unknown>) =>
    createAggregator({
      doc: { send } as never,
      tableName: table,
      clock: () => now,
      sleep: async () => undefined,
      concurrency: 1,
      random: seededRandom(11), // two identical streams: both sides get the same journal ids
    });
  const onModel = sequential(async (c) => model.execute(c));
  const onLocal = sequential((c) => clients.doc.send(c as never));
  for (const [from, to] of [
    [0, 15],
    [10, 30],
    [25, 40],
  ]) {
    const a = await onModel.aggregateBatch(recordsOf(from, to), { remainingTimeMs: 30_000 });
    const b = await onLocal.aggregateBatch(recordsOf(from, to), { remainingTimeMs: 30_000 });
    expect(normal({ ...a, journalId: 'x' })).toEqual(normal({ ...b, journalId: 'x' }));
  }
  expect(sortItems(model.items(table))).toEqual(sortItems(await scanAll(clients.doc, table)));
}, 120_000);

test('alert outbox operations (conditional claim, mark sent, resend through a filtered Query) agree with DynamoDB Local', async () => {
  const step = fc.record({
    op: fc.constantFrom('detect', 'resend', 'sweep'),
    client: fc.constantFrom('client-1', 'client-2'),
    requests: fc.integer({ min: 0, max: 12 }),
    fail: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
      const table = await freshTable(clients.raw, 'diffalerts');
      const model = new TableModel();
      const modelDb = { send: async (c: object) => model.execute(c) } as unknown as DynamoDBDocumentClient;
      // Clients and counters for the sweeper's Query over a range of days (route items come along and are skipped).
      const seed = [
        clientItem('client-1'),
        clientItem('client-2'),
        ...dayItems('client-1', '2026-11-27', { 'GET /v1/hello': counters(9) }),
        ...dayItems('client-2', '2026-11-10', { 'GET /v1/hello': counters(5), 'POST /v1/quotes': counters(3) }),
        ...dayItems('client-2', '2026-11-01', { 'GET /v1/hello': counters(10) }),
      ];
      for (const item of seed) {
        model.execute(new PutCommand({ TableName: table, Item: item }));
        await clients.doc.send(new PutCommand({ TableName: table, Item: item }));
      }
      for (const s of steps) {
        const run = (db: DynamoDBDocumentClient): Promise<unknown> => {
          const deps = {
            table: { db, tableName: table },
            send: async () => {
              if (s.fail) throw new Error('PutEvents failed');
            },
            quotaFor: () => 10,
            clock: () => 1_000,
          };
          if (s.op === 'sweep') return sweepAlerts(deps, { now: new Date('2026-11-28T00:10:00Z'), allDays: s.requests % 2 === 0 });
          return s.op === 'detect'
            ? detectThresholdCrossings(deps, [{ clientId: s.client, plan: 'standard', day: '2026-11-27', requests: s.requests }])
            : resendPending(deps, '2026-11-27');
        };
        expect({ s, result: await outcome(() => run(modelDb)) }).toEqual({ s, result: await outcome(() => run(clients.doc)) });
      }
      expect(sortItems(model.items(table))).toEqual(sortItems(await scanAll(clients.doc, table)));
    }),
    { numRuns: 40, seed: 20261128 },
  );
}, 180_000);

test('the daily job (archive marks with if_not_exists, conditional deletes, summaries) agrees with DynamoDB Local, late writes between runs', async () => {
  const step = fc.record({
    op: fc.constantFrom('job', 'job', 'late-write'),
    day: fc.constantFrom('2026-09-01', '2026-09-02'),
    requests: fc.integer({ min: 1, max: 5 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
      const table = await freshTable(clients.raw, 'diffjob');
      const model = new TableModel();
      const modelDb = { send: async (c: object) => model.execute(c) } as unknown as DynamoDBDocumentClient;
      const archives = { model: new S3Model(), local: new S3Model() };
      const seed = [
        clientItem('client-1'),
        ...dayItems('client-1', '2026-09-01', { 'GET /v1/hello': counters(4), 'POST /v1/quotes': counters(2) }),
        ...dayItems('client-1', '2026-09-02', { 'GET /v1/hello': counters(7) }),
      ];
      for (const item of seed) {
        model.execute(new PutCommand({ TableName: table, Item: item }));
        await clients.doc.send(new PutCommand({ TableName: table, Item: item }));
      }
      for (const s of steps) {
        const run = (db: DynamoDBDocumentClient, s3: S3Model): Promise<unknown> => {
          if (s.op === 'late-write') {
            return db
              .send(
                new UpdateCommand({
                  TableName: table,
                  Key: { pk: 'USAGE#client-1', sk: `DAY#${s.day}` },
                  UpdateExpression: 'ADD #r :n SET #c = :c, #d = :d',
                  ExpressionAttributeNames: { '#r': 'requests', '#c': 'clientId', '#d': 'day' },
                  ExpressionAttributeValues: { ':n': s.requests, ':c': 'client-1', ':d': s.day },
                }),
              )
              .then(() => 'written');
          }
          const archive = { s3: { send: async (c: object) => s3.execute(c) } as never, bucket: 'diff' };
          return runDailyJob({ day: '2026-11-20', retentionDays: MIN_RETENTION_DAYS }, { table: { db, tableName: table }, archive });
        };
        expect({ s, result: await outcome(() => run(modelDb, archives.model)) }).toEqual({
          s,
          result: await outcome(() => run(clients.doc, archives.local)),
        });
      }
      expect(sortItems(model.items(table))).toEqual(sortItems(await scanAll(clients.doc, table)));
      expect([...archives.model.objects]).toEqual([...archives.local.objects]);
    }),
    { numRuns: 25, seed: 20261202 },
  );
}, 180_000);

test('an undefined value is no value, as the production document client marshals it: dropped from an item, refused in an expression', async () => {
  const table = await freshTable(clients.raw, 'diffundef');
  const model = new TableModel();
  const modelDb = { send: async (c: object) => model.execute(c) } as unknown as DynamoDBDocumentClient;
  const writes: object[] = [
    new PutCommand({ TableName: table, Item: { pk: 'USAGE#c', sk: 'DAY#2026-11-27', route: undefined, n: 1 } }),
    new UpdateCommand({
      TableName: table,
      Key: { pk: 'USAGE#c', sk: 'DAY#2026-11-27' },
      UpdateExpression: 'ADD #n :one SET #route = :route',
      ExpressionAttributeNames: { '#n': 'n', '#route': 'route' },
      ExpressionAttributeValues: { ':one': 1, ':route': undefined },
    }),
    new UpdateCommand({
      TableName: table,
      Key: { pk: 'USAGE#c', sk: 'DAY#2026-11-27' },
      UpdateExpression: 'ADD #n :one',
      ConditionExpression: '#n = :was',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':one': 1, ':was': undefined },
    }),
  ];
  const outcomes = { model: [] as unknown[], local: [] as unknown[] };
  for (const write of writes) {
    outcomes.model.push(await outcome(() => modelDb.send(write as never).then(() => 'written')));
    outcomes.local.push(await outcome(() => clients.doc.send(write as never).then(() => 'written')));
  }
  expect(outcomes.model).toEqual([{ ok: 'written' }, { error: 'ValidationException' }, { error: 'ValidationException' }]);
  expect(outcomes.model).toEqual(outcomes.local);
  expect(sortItems(model.items(table))).toEqual(sortItems(await scanAll(clients.doc, table)));
}, 60_000);

test('an empty string as a key value, or an empty expression, is refused as DynamoDB Local refuses it', async () => {
  const table = await freshTable(clients.raw, 'diffempty');
  const model = new TableModel();
  const modelDb = { send: async (c: object) => model.execute(c) } as unknown as DynamoDBDocumentClient;
  const key = { pk: 'ALERTS#2026-11-27', sk: 'client-1#80' };
  const writes: object[] = [
    new PutCommand({ TableName: table, Item: { pk: '', sk: 'client-1#80', status: 'pending' } }),
    new PutCommand({ TableName: table, Item: { ...key, status: 'pending' }, ConditionExpression: '' }),
    new PutCommand({ TableName: table, Item: { ...key, status: 'pending' } }),
    new UpdateCommand({
      TableName: table,
      Key: { ...key, sk: '' },
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'sent' },
    }),
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '',
      ExpressionAttributeValues: { ':pk': key.pk },
    }),
  ];
  const outcomes = { model: [] as unknown[], local: [] as unknown[] };
  for (const write of writes) {
    outcomes.model.push(await outcome(() => modelDb.send(write as never).then(() => 'done')));
    outcomes.local.push(await outcome(() => clients.doc.send(write as never).then(() => 'done')));
  }
  expect(outcomes.model).toEqual([
    { error: 'ValidationException' },
    { error: 'ValidationException' },
    { ok: 'done' },
    { error: 'ValidationException' },
    { error: 'ValidationException' },
  ]);
  expect(outcomes.model).toEqual(outcomes.local);
  expect(sortItems(model.items(table))).toEqual(sortItems(await scanAll(clients.doc, table)));
}, 60_000);
