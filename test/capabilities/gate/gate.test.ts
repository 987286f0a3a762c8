// The admission gate against DynamoDB Local: one conditional write checks and takes every window and the credit
// balance; a refusal names its limit and its true reset; parallel admissions of one client never exceed a limit; and a
// fast-check property compares random sequences with an independent model (admitted = exactly what fits, refused = nothing taken).
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { itemKey } from '../../../contracts/table';
import type { GateLimits } from '../../../capabilities/gate/admission';
import { admit, GateGuesses } from '../../../capabilities/gate/gate';
import { creditBalance, creditLedger, InvalidTopUpError, topUpCredits } from '../../../capabilities/gate/credits';
import { createUsageTable, documentClient } from '../analytics/fixtures';

let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
const TABLE = 'gate';
const store = () => ({ db, tableName: TABLE });
let clients = 0;
const newClient = () => `cl_gate_${++clients}`;

const LIMITS: GateLimits = { burst: 5, ratePerMinute: 10, dailyQuota: 20, monthlyQuota: 30 };
/** 2026-11-30T23:59:58.250Z: two seconds before a new UTC day and month. */
const T0 = Date.UTC(2026, 10, 30, 23, 59, 58, 250);
const at = (ms: number) => new Date(T0 + ms);

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

async function rawItem(clientId: string) {
  return (await db.send(new GetCommand({ TableName: TABLE, Key: itemKey.gate(clientId), ConsistentRead: true }))).Item;
}

describe('one client, one clock', () => {
  it('admits up to the burst in a second, then refuses with the second window, its remaining values and a true reset', async () => {
    const clientId = newClient();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await admit(store(), { clientId, limits: LIMITS, units: 1, now: at(i) }));
    expect(answers.map((a) => a.admitted)).toEqual([true, true, true, true, true, false]);
    expect(answers[4].windows.map((w) => [w.window, w.remaining])).toEqual([
      ['second', 0],
      ['minute', 5],
      ['day', 15],
      ['month', 25],
    ]);
    expect(answers[5]).toMatchObject({ refusedBy: 'second', retryAfterSeconds: 1, units: 1 });
    // 23:59:58.255 → the day and the month end in 1.745 s: 2 whole seconds, not an hour.
    expect(answers[5].windows.map((w) => w.resetSeconds)).toEqual([1, 2, 2, 2]);
  });

  it('resets the second, then refuses on the minute window; after midnight the day and month start again', async () => {
    const clientId = newClient();
    const limits = { ...LIMITS, ratePerMinute: 7 };
    for (let i = 0; i < 5; i++) expect((await admit(store(), { clientId, limits, units: 1, now: at(i) })).admitted).toBe(true);
    // 23:59:59.250: a new second, the same minute (7 per minute: 2 left).
    expect((await admit(store(), { clientId, limits, units: 2, now: at(1000) })).admitted).toBe(true);
    const refused = await admit(store(), { clientId, limits, units: 1, now: at(1001) });
    expect(refused).toMatchObject({ admitted: false, refusedBy: 'minute', retryAfterSeconds: 1 });
    // 2026-12-01T00:00:00.250: every window is new.
    const next = await admit(store(), { clientId, limits, units: 3, now: at(2000) });
    expect(next.admitted).toBe(true);
    expect(next.windows.map((w) => w.used)).toEqual([3, 3, 3, 3]);
    expect(next.windows.find((w) => w.window === 'month')?.resetSeconds).toBe(31 * 86_400);
  });

  it('refuses on the daily quota with the seconds to the next UTC midnight, and on the enforced monthly allowance', async () => {
    const clientId = newClient();
    const limits: GateLimits = { burst: 100, ratePerMinute: 100, dailyQuota: 10, monthlyQuota: 12 };
    const noon = Date.UTC(2026, 10, 15, 12, 0, 0);
    expect((await admit(store(), { clientId, limits, units: 10, now: new Date(noon) })).admitted).toBe(true);
    const daily = await admit(store(), { clientId, limits, units: 1, now: new Date(noon + 5_000) });
    expect(daily).toMatchObject({ admitted: false, refusedBy: 'day', retryAfterSeconds: 12 * 3600 - 5 });
    const nextDay = noon + 86_400_000;
    expect((await admit(store(), { clientId, limits, units: 2, now: new Date(nextDay) })).admitted).toBe(true);
    const monthly = await admit(store(), { clientId, limits, units: 1, now: new Date(nextDay + 1_000) });
    // 2026-11-16T12:00:01 → 2026-12-01T00:00:00
    expect(monthly).toMatchObject({ admitted: false, refusedBy: 'month', retryAfterSeconds: 14 * 86_400 + 12 * 3600 - 1 });
  });

  it('counts an unenforced monthly allowance without refusing on it', async () => {
    const clientId = newClient();
    const limits: GateLimits = { burst: 100, ratePerMinute: 100, dailyQuota: 100, monthlyQuota: null };
    const answer = await admit(store(), { clientId, limits, units: 40, now: at(0) });
    expect(answer.windows[3]).toMatchObject({ window: 'month', limit: null, used: 40, remaining: null });
  });

  it('takes nothing on a refusal: the item is byte for byte what it was', async () => {
    const clientId = newClient();
    await admit(store(), { clientId, limits: LIMITS, units: 5, now: at(0) });
    const before = await rawItem(clientId);
    expect((await admit(store(), { clientId, limits: LIMITS, units: 1, now: at(10) })).admitted).toBe(false);
    expect(await rawItem(clientId)).toEqual(before);
  });

  it('refuses units above a limit without writing, and admits 0 units when a window is spent', async () => {
    const clientId = newClient();
    expect(await admit(store(), { clientId, limits: LIMITS, units: 6, now: at(0) })).toMatchObject({
      admitted: false,
      refusedBy: 'second',
    });
    expect(await rawItem(clientId)).toBeUndefined();
    await admit(store(), { clientId, limits: LIMITS, units: 5, now: at(0) });
    const free = await admit(store(), { clientId, limits: LIMITS, units: 0, now: at(1) });
    expect(free).toMatchObject({ admitted: true, units: 0 });
    expect(free.windows[0].remaining).toBe(0);
  });

  it('answers right whatever this environment guessed of the item (a wrong guess costs a write, not a wrong answer)', async () => {
    const clientId = newClient();
    const stale = new GateGuesses();
    const fresh = new GateGuesses();
    await admit(store(), { clientId, limits: LIMITS, units: 4, now: at(0) }, fresh);
    // `stale` has never seen the client (guesses a new second); `fresh` believes the second is current.
    expect((await admit(store(), { clientId, limits: LIMITS, units: 1, now: at(5) }, stale)).admitted).toBe(true);
    expect((await admit(store(), { clientId, limits: LIMITS, units: 1, now: at(6) }, fresh)).admitted).toBe(false);
    // `fresh` believes the second is current, but it is a new one.
    expect((await admit(store(), { clientId, limits: LIMITS, units: 5, now: at(1000) }, fresh)).admitted).toBe(true);
  });
});

describe('the first guess', () => {
  it('costs one write for a client never seen here, whether it has a gate item yet or not', async () => {
    const clientId = newClient();
    let sends = 0;
    const counting = {
      db: { send: (command: never) => (sends++, db.send(command)) } as unknown as DynamoDBDocumentClient,
      tableName: TABLE,
    };
    expect((await admit(counting, { clientId, limits: LIMITS, units: 2, now: at(0) }, new GateGuesses())).admitted).toBe(true);
    expect(sends).toBe(1);
    expect(await rawItem(clientId)).toMatchObject({ ts: T0, s: 2, m: 2, d: 2, mo: 2 });
    sends = 0;
    const next = await admit(counting, { clientId, limits: LIMITS, units: 1, now: at(1000) }, new GateGuesses());
    expect(next.windows.map((w) => w.used)).toEqual([1, 3, 3, 3]);
    expect(sends).toBe(1);
  });
});

describe('prepaid credits', () => {
  it('takes units from the balance and refuses a request that would overdraw it; a client without credits is not limited by them', async () => {
    const clientId = newClient();
    const limits: GateLimits = { burst: 100, ratePerMinute: 100, dailyQuota: 100, monthlyQuota: null };
    const topUp = await topUpCredits(store(), { clientId, units: 5, by: 'test', now: at(0), topUpId: 'first' });
    expect(topUp.balance).toBe(5);
    expect((await admit(store(), { clientId, limits, units: 3, now: at(1) })).credits).toBe(2);
    const refused = await admit(store(), { clientId, limits, units: 3, now: at(2) });
    expect(refused).toMatchObject({ admitted: false, refusedBy: 'credits', credits: 2 });
    expect(refused.retryAfterSeconds).toBeUndefined();
    expect(await creditBalance(store(), clientId)).toBe(2);
    expect((await admit(store(), { clientId, limits, units: 2, now: at(3) })).credits).toBe(0);

    const other = newClient();
    expect(await admit(store(), { clientId: other, limits, units: 50, now: at(0) })).toMatchObject({ admitted: true, credits: undefined });
    expect(await creditBalance(store(), other)).toBeUndefined();
  });

  it('keeps one ledger item per top-up; the same top-up id twice adds once', async () => {
    const clientId = newClient();
    await topUpCredits(store(), { clientId, units: 10, by: 'cli', now: at(0), topUpId: 'a' });
    const again = await topUpCredits(store(), { clientId, units: 10, by: 'cli', now: at(0), topUpId: 'a' });
    expect(again.balance).toBe(10);
    await topUpCredits(store(), { clientId, units: 7, by: 'admin', now: at(1), topUpId: 'b' });
    expect(await creditBalance(store(), clientId)).toBe(17);
    expect((await creditLedger(store(), clientId)).map((e) => [e.topUpId, e.units, e.by])).toEqual([
      ['a', 10, 'cli'],
      ['b', 7, 'admin'],
    ]);
    await expect(topUpCredits(store(), { clientId, units: 0, by: 'cli', now: at(2) })).rejects.toBeInstanceOf(InvalidTopUpError);
  });
});

describe('no over-admission under concurrency', () => {
  it('admits exactly the burst out of 60 parallel requests of one client, across fresh environments', async () => {
    const clientId = newClient();
    const limits: GateLimits = { burst: 17, ratePerMinute: 100, dailyQuota: 1000, monthlyQuota: null };
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => admit(store(), { clientId, limits, units: 1, now: at(i % 5) }, new GateGuesses())),
    );
    expect(answers.filter((a) => a.admitted)).toHaveLength(17);
    expect((await rawItem(clientId))?.s).toBe(17);
  });

  it('never exceeds the minute, the day or the credits while parallel requests straddle second boundaries', async () => {
    const clientId = newClient();
    const limits: GateLimits = { burst: 8, ratePerMinute: 20, dailyQuota: 1000, monthlyQuota: null };
    await topUpCredits(store(), { clientId, units: 18, by: 'test', now: at(0), topUpId: 'c' });
    const base = Date.UTC(2026, 10, 15, 12, 0, 0, 900);
    const answers = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        admit(store(), { clientId, limits, units: 1 + (i % 2), now: new Date(base + (i % 4) * 50) }, new GateGuesses()),
      ),
    );
    const admitted = answers.filter((a) => a.admitted);
    const total = admitted.reduce((sum, a) => sum + a.units, 0);
    expect(total).toBeLessThanOrEqual(18);
    expect(await creditBalance(store(), clientId)).toBe(18 - total);
    expect(answers.some((a) => a.refusedBy === 'credits' || a.refusedBy === 'second')).toBe(true);
  });
});

/** An independent model: a request fits when, in each of its windows (by calendar id), admitted units + its units ≤ the limit. */
function model(limits: GateLimits, credits: number | undefined) {
  const admitted: { t: number; units: number }[] = [];
  let balance = credits;
  const ids = (t: number) => {
    const d = new Date(t).toISOString();
    return [Math.floor(t / 1000), Math.floor(t / 60_000), d.slice(0, 10), d.slice(0, 7)] as const;
  };
  const caps = [limits.burst, limits.ratePerMinute, limits.dailyQuota, limits.monthlyQuota];
  return (t: number, units: number): boolean => {
    const mine = ids(t);
    for (let w = 0; w < 4; w++) {
      const cap = caps[w];
      if (cap === null) continue;
      const used = admitted.filter((a) => ids(a.t)[w] === mine[w]).reduce((s, a) => s + a.units, 0);
      if (used + units > cap) return false;
    }
    if (balance !== undefined && balance < units) return false;
    admitted.push({ t, units });
    if (balance !== undefined) balance -= units;
    return true;
  };
}

describe('property: the gate admits exactly what an independent model admits', () => {
  it('holds for random limits, units, credits and times crossing seconds, minutes, a day and a month', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          burst: fc.integer({ min: 1, max: 6 }),
          ratePerMinute: fc.integer({ min: 6, max: 15 }),
          dailyQuota: fc.integer({ min: 10, max: 30 }),
          monthlyQuota: fc.option(fc.integer({ min: 15, max: 40 }), { nil: null }),
        }),
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        fc.array(
          fc.record({
            gapMs: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 90_000 })),
            units: fc.integer({ min: 0, max: 4 }),
          }),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        async (limits, credits, steps) => {
          const clientId = newClient();
          if (credits !== undefined && credits > 0) await topUpCredits(store(), { clientId, units: credits, by: 'test', now: at(0) });
          const expected = model(limits, credits !== undefined && credits > 0 ? credits : undefined);
          const guesses = new GateGuesses();
          let t = T0 - 120_000;
          for (const step of steps) {
            t += step.gapMs;
            const before = await rawItem(clientId);
            const answer = await admit(store(), { clientId, limits, units: step.units, now: new Date(t) }, guesses);
            expect(answer.admitted).toBe(expected(t, step.units));
            if (!answer.admitted) expect(await rawItem(clientId)).toEqual(before);
          }
        },
      ),
      { numRuns: 40, seed: Number(process.env.GATE_SEED ?? 20) },
    );
  }, 120_000);
});
