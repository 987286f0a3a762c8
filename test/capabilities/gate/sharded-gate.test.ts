// The sharded gate against DynamoDB Local: shares add up to each limit; many concurrent requests of one sharded client
// never admit more units than a limit (and, for 1-unit requests, exactly the limit); a reshard keeps what was used in
// force both ways; a writer holding an old layout follows the new one; credits and shards refuse to mix; and a
// fast-check property over random shard counts, reshards, units and times against a model of the client's windows.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { itemKey } from '../../../contracts/table';
import type { GateLimits } from '../../../capabilities/gate/admission';
import { admit, GateGuesses } from '../../../capabilities/gate/gate';
import { topUpCredits } from '../../../capabilities/gate/credits';
import { gateShardsOf, MAX_GATE_SHARDS, shareOf, splitUsed } from '../../../capabilities/gate/shards';
import { gateUsage, readGateShards, reshardGate, ShardedGateCreditsError, usedOverShards } from '../../../capabilities/gate/reshard';
import { windowsAt, WINDOWS } from '../../../capabilities/gate/windows';
import { createUsageTable, documentClient } from '../analytics/fixtures';
import { problemOf } from '../../../capabilities/admin/actions';

let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
const TABLE = 'gate-shards';
const store = () => ({ db, tableName: TABLE });
let clients = 0;
const newClient = () => `cl_shard_${++clients}`;

/** 2026-11-15T12:00:00.250Z */
const NOON = Date.UTC(2026, 10, 15, 12, 0, 0, 250);
/** Four shards (a burst of 2,000 a second), a daily quota that binds first. */
const HOT: GateLimits = { burst: 2_000, ratePerMinute: 20_000, dailyQuota: 150, monthlyQuota: 1_000 };

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

describe('shares', () => {
  it('one shard per 500 a second of burst, at most MAX_GATE_SHARDS; shares add up to the limit', () => {
    expect([1, 500, 501, 2_000, 1e9].map((burst) => gateShardsOf({ burst }))).toEqual([1, 1, 2, 4, MAX_GATE_SHARDS]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 16 }), (limit, shards) => {
        const shares = Array.from({ length: shards }, (_, i) => shareOf(limit, shards, i));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(limit);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('a split keeps the units used, and leaves rooms (share − used, at least 0) that add up to what is left of the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 16 }),
        (used, limit, shards) => {
          const split = splitUsed(used, limit, shards);
          expect(split.reduce((a, b) => a + b, 0)).toBe(used);
          const rooms = split.map((u, i) => Math.max(0, shareOf(limit, shards, i) - u));
          expect(rooms.reduce((a, b) => a + b, 0)).toBe(Math.max(0, limit - used));
        },
      ),
    );
  });
});

describe('a hot client on four shards', () => {
  it('300 concurrent 1-unit requests from 6 environments admit exactly the daily quota, spread over the shards', async () => {
    const clientId = newClient();
    expect(await reshardGate(store(), clientId, HOT, new Date(NOON))).toEqual({ from: 1, to: 4 });
    const environments = Array.from({ length: 6 }, () => new GateGuesses());
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        admit(store(), { clientId, limits: HOT, units: 1, now: new Date(NOON + 10 + (i % 3)) }, environments[i % 6]),
      ),
    );
    expect(answers.filter((a) => a.admitted)).toHaveLength(150);
    const refused = answers.filter((a) => !a.admitted);
    expect(refused.every((a) => a.refusedBy === 'day' && a.retryAfterSeconds === 12 * 3600)).toBe(true);
    // The headers' view: the client's limit, the answering shard's remaining (0 when refused).
    expect(refused[0].windows[2]).toMatchObject({ window: 'day', limit: 150, remaining: 0 });
    const state = await readGateShards(store(), clientId);
    expect(state.shards).toBe(4);
    expect(state.items.map((item) => item?.day)).toEqual([38, 38, 37, 37]);
    const usage = await gateUsage(store(), clientId, HOT, new Date(NOON + 100));
    expect(usage[2]).toMatchObject({ used: 150, remaining: 0 });
  }, 60_000);

  it('concurrent 3-unit requests never exceed the quota, and fall short of it by less than 3 units a shard', async () => {
    const clientId = newClient();
    await reshardGate(store(), clientId, HOT, new Date(NOON));
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        admit(store(), { clientId, limits: HOT, units: 3, now: new Date(NOON + 10) }, new GateGuesses()),
      ),
    );
    const admitted = answers.filter((a) => a.admitted).length * 3;
    expect(admitted).toBeLessThanOrEqual(150);
    expect(admitted).toBeGreaterThan(150 - 4 * 2 - 1);
    expect(usedOverShards(await readGateShards(store(), clientId), NOON + 10)[2]).toBe(admitted);
  }, 60_000);

  it('units above every shard but within the limit are refused without a write', async () => {
    const clientId = newClient();
    await reshardGate(store(), clientId, HOT, new Date(NOON));
    const before = await readGateShards(store(), clientId);
    expect(await admit(store(), { clientId, limits: HOT, units: 40, now: new Date(NOON + 10) })).toMatchObject({
      admitted: false,
      refusedBy: 'day',
    });
    expect(await readGateShards(store(), clientId)).toEqual(before);
  });
});

describe('moving between sharded and unsharded', () => {
  it('keeps what was used in force onto four shards and back, and a writer holding the old layout follows the new one', async () => {
    const clientId = newClient();
    const cool: GateLimits = { ...HOT, burst: 400 };
    const oldEnvironment = new GateGuesses();
    for (let i = 0; i < 10; i++)
      expect((await admit(store(), { clientId, limits: cool, units: 10, now: new Date(NOON + i) }, oldEnvironment)).admitted).toBe(true);
    expect(await reshardGate(store(), clientId, HOT, new Date(NOON + 20))).toEqual({ from: 1, to: 4 });
    expect(usedOverShards(await readGateShards(store(), clientId), NOON + 20)).toEqual([100, 100, 100, 100]);
    // 100 of 150 used: 50 left over four shards; a writer with the old limits and layout is sent to the new layout.
    const answers = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        admit(
          store(),
          { clientId, limits: i % 2 === 0 ? HOT : cool, units: 1, now: new Date(NOON + 1_000) },
          i % 4 === 1 ? oldEnvironment : new GateGuesses(),
        ),
      ),
    );
    expect(answers.filter((a) => a.admitted)).toHaveLength(50);
    expect(oldEnvironment.layout(clientId)).toBe(4);
    // Back onto one item: the day stays spent.
    expect(await reshardGate(store(), clientId, cool, new Date(NOON + 2_000))).toEqual({ from: 4, to: 1 });
    const state = await readGateShards(store(), clientId, 4);
    expect(state.shards).toBe(1);
    expect(state.items.slice(1).map((item) => item?.shards)).toEqual([1, 1, 1]);
    expect(usedOverShards(state, NOON + 2_000)[2]).toBe(150);
    expect((await admit(store(), { clientId, limits: cool, units: 1, now: new Date(NOON + 3_000) }, oldEnvironment)).refusedBy).toBe('day');
    expect(oldEnvironment.layout(clientId)).toBe(1);
    expect((await db.send(new GetCommand({ TableName: TABLE, Key: itemKey.gate(clientId) }))).Item?.n).toBeUndefined();
  }, 60_000);

  it('a client never resharded is admitted on its one item even when its limits call for more', async () => {
    const clientId = newClient();
    const answer = await admit(store(), { clientId, limits: HOT, units: 1, now: new Date(NOON) });
    expect(answer.admitted).toBe(true);
    expect((await readGateShards(store(), clientId)).shards).toBe(1);
  });
});

describe('credits and shards', () => {
  it('a sharded client cannot be topped up, and a client holding credits cannot be sharded', async () => {
    const sharded = newClient();
    await reshardGate(store(), sharded, HOT, new Date(NOON));
    await expect(topUpCredits(store(), { clientId: sharded, units: 5, by: 'test', now: new Date(NOON) })).rejects.toBeInstanceOf(
      ShardedGateCreditsError,
    );
    const holder = newClient();
    await topUpCredits(store(), { clientId: holder, units: 5, by: 'test', now: new Date(NOON) });
    await expect(reshardGate(store(), holder, HOT, new Date(NOON))).rejects.toBeInstanceOf(ShardedGateCreditsError);
    expect((await readGateShards(store(), holder)).shards).toBe(1);
    // The admin API answers it as a 409 of its own.
    expect(problemOf(new ShardedGateCreditsError(holder))).toMatchObject({ statusCode: 409, slug: 'sharded-gate-credits' });
  });
});

describe('property: random shard counts, reshards, units and times against a model of the windows', () => {
  it('never admits more than a limit in any window, and the items add up to exactly the units admitted', async () => {
    const step = fc.record({
      advanceMs: fc.constantFrom(0, 3, 700, 20_000, 61_000, 3_600_000 * 7),
      reshardTo: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 4 }),
      calls: fc.array(fc.record({ units: fc.integer({ min: 0, max: 4 }), env: fc.integer({ min: 0, max: 2 }) }), {
        minLength: 1,
        maxLength: 12,
      }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          shards: fc.integer({ min: 1, max: 4 }),
          ratePerMinute: fc.integer({ min: 4, max: 30 }),
          dailyQuota: fc.integer({ min: 4, max: 60 }),
          monthlyQuota: fc.option(fc.integer({ min: 10, max: 90 })),
        }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        async (shape, steps) => {
          const clientId = newClient();
          const limitsFor = (shards: number): GateLimits => ({
            burst: 500 * shards,
            ratePerMinute: shape.ratePerMinute,
            dailyQuota: shape.dailyQuota,
            monthlyQuota: shape.monthlyQuota,
          });
          let limits = limitsFor(shape.shards);
          const environments = [new GateGuesses(), new GateGuesses(), new GateGuesses()];
          const admitted: { at: number; units: number }[] = [];
          let now = Date.UTC(2026, 10, 30, 23, 58, 30, 100);
          await reshardGate(store(), clientId, limits, new Date(now));
          for (const s of steps) {
            now += s.advanceMs;
            if (s.reshardTo !== null) {
              limits = limitsFor(s.reshardTo);
              await reshardGate(store(), clientId, limits, new Date(now));
            }
            const answers = await Promise.all(
              s.calls.map((call) => admit(store(), { clientId, limits, units: call.units, now: new Date(now) }, environments[call.env])),
            );
            answers.forEach((answer, i) => {
              if (answer.admitted) admitted.push({ at: now, units: s.calls[i].units });
            });
            const spans = windowsAt(now);
            const inWindow = WINDOWS.map((_, w) => admitted.filter((a) => a.at >= spans[w].start).reduce((sum, a) => sum + a.units, 0));
            expect(inWindow[1]).toBeLessThanOrEqual(shape.ratePerMinute);
            expect(inWindow[2]).toBeLessThanOrEqual(shape.dailyQuota);
            if (shape.monthlyQuota !== null) expect(inWindow[3]).toBeLessThanOrEqual(shape.monthlyQuota);
            expect(usedOverShards(await readGateShards(store(), clientId), now).slice(1)).toEqual(inWindow.slice(1));
          }
        },
      ),
      { numRuns: 25, seed: Number(process.env.GATE_SEED ?? 20) },
    );
  }, 240_000);
});
