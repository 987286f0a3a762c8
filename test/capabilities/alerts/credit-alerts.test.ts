// Low credit balance alerts on DynamoDB Local: one event per client, threshold and top-up cycle, whoever detects it
// and however often (aggregator step, sweeper, concurrent calls); a crash between claim and send is resent with the
// same event; a top-up above a threshold re-arms it, one that leaves the balance at or below does not; the top-up
// records the exact balance after it even while requests take credits.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import {
  type CreditBalanceLow,
  creditCrossingsFor,
  detectCreditAlerts,
  resendPendingCreditAlerts,
} from '../../../capabilities/alerts/credit-alerts';
import { sweepAlerts } from '../../../capabilities/alerts/sweeper';
import { ClaimedCache } from '../../../capabilities/alerts/threshold-crossings';
import type { GateLimits } from '../../../capabilities/gate/admission';
import { admit, GateGuesses } from '../../../capabilities/gate/gate';
import { creditBalance, creditLedger, topUpCredits } from '../../../capabilities/gate/credits';
import {
  ALL_CREDIT_ALERT_THRESHOLDS,
  creditAlertThresholdsOf,
  DEFAULT_CREDIT_ALERT_THRESHOLDS,
  planProblems,
} from '../../../contracts/plans';
import { clientItem, createUsageTable, documentClient, putItems } from '../analytics/fixtures';

let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
const TABLE = 'credit-alerts';
const store = () => ({ db, tableName: TABLE });
let clients = 0;
const newClient = () => `cl_credit_${++clients}`;
const LIMITS: GateLimits = { burst: 1_000_000, ratePerMinute: 1_000_000, dailyQuota: 1_000_000, monthlyQuota: null };
const now = new Date('2026-12-02T10:00:00Z');

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

function recorder() {
  const sent: CreditBalanceLow[] = [];
  return { sent, deps: { table: store(), send: async (events: readonly CreditBalanceLow[]) => void sent.push(...events) } };
}

/** Spends `units` through the gate (what a gate-plan request does to the balance). */
async function spend(clientId: string, units: number): Promise<void> {
  const answer = await admit(store(), { clientId, limits: LIMITS, units, now }, new GateGuesses());
  expect(answer.admitted).toBe(true);
}

const summary = (events: readonly CreditBalanceLow[]) => events.map((e) => `${e.threshold}@${e.cycle} balance ${e.balance}`);

it('the free plan takes the default thresholds, and a plan with bad thresholds is refused', () => {
  expect(creditAlertThresholdsOf('free')).toEqual([...DEFAULT_CREDIT_ALERT_THRESHOLDS]);
  expect(ALL_CREDIT_ALERT_THRESHOLDS).toEqual([1_000, 0]);
  const plan = { ratePerMinute: 10, burst: 5, dailyQuota: 100 };
  expect(planProblems('p', { ...plan, creditAlertThresholds: [-1, 2.5] })).toHaveLength(2);
  expect(planProblems('p', { ...plan, creditAlertThresholds: [5, 5] })).toEqual([expect.stringContaining('must not repeat')]);
  expect(planProblems('p', { ...plan, creditAlertThresholds: [500, 0] })).toEqual([]);
});

it('a client without credits, or off the gate, has no crossing', () => {
  expect(creditCrossingsFor({ clientId: 'a', plan: 'free' }, { d: 3 })).toEqual([]);
  expect(creditCrossingsFor({ clientId: 'a', plan: 'standard' }, { cr: 0 })).toEqual([]);
  expect(creditCrossingsFor({ clientId: 'a', plan: 'free' }, { cr: 0 }).map((e) => e.eventId)).toEqual([
    'credit-balance:a:1000:0',
    'credit-balance:a:0:0',
  ]);
});

it('sends one event per threshold and cycle however often and however concurrently it is detected', async () => {
  const clientId = newClient();
  const client = { clientId, plan: 'free' };
  const { sent, deps } = recorder();
  await topUpCredits(store(), { clientId, units: 1_500, by: 'test', now });
  expect(await detectCreditAlerts(deps, [client])).toEqual([]); // 1,500 left: above both thresholds

  await spend(clientId, 500); // exactly 1,000 left: at the threshold
  await Promise.all([detectCreditAlerts(deps, [client, client]), detectCreditAlerts(deps, [client]), detectCreditAlerts(deps, [client])]);
  expect(summary(sent)).toEqual(['1000@1 balance 1000']);
  expect(sent[0]).toEqual({
    eventId: `credit-balance:${clientId}:1000:1`,
    clientId,
    plan: 'free',
    threshold: 1_000,
    balance: 1_000,
    cycle: 1,
  });

  await spend(clientId, 999);
  await detectCreditAlerts(deps, [client]);
  expect(summary(sent)).toEqual(['1000@1 balance 1000']); // 1 left: still the same cycle of 1,000, and above 0
  await spend(clientId, 1);
  await detectCreditAlerts(deps, [client]);
  await detectCreditAlerts(deps, [client]);
  expect(summary(sent)).toEqual(['1000@1 balance 1000', '0@1 balance 0']);
});

it('a top-up above a threshold re-arms it; one that leaves the balance at or below it does not', async () => {
  const clientId = newClient();
  const client = { clientId, plan: 'free' };
  const { sent, deps } = recorder();
  await topUpCredits(store(), { clientId, units: 600, by: 'test', now }); // below 1,000 from the start: cycle 0
  await detectCreditAlerts(deps, [client]);
  expect(summary(sent)).toEqual(['1000@0 balance 600']);

  await topUpCredits(store(), { clientId, units: 400, by: 'test', now }); // 1,000: at, not above
  await detectCreditAlerts(deps, [client]);
  expect(summary(sent)).toEqual(['1000@0 balance 600']);

  const { balance } = await topUpCredits(store(), { clientId, units: 1, by: 'test', now }); // 1,001: above, re-armed
  expect(balance).toBe(1_001);
  await detectCreditAlerts(deps, [client]);
  expect(summary(sent)).toHaveLength(1);
  await spend(clientId, 2);
  await detectCreditAlerts(deps, [client]);
  expect(summary(sent)).toEqual(['1000@0 balance 600', '1000@1 balance 999']);
  // A retried top-up (same id) neither adds nor re-arms.
  await topUpCredits(store(), { clientId, units: 5_000, by: 'test', now, topUpId: 'once' });
  await spend(clientId, 5_000);
  const again = await topUpCredits(store(), { clientId, units: 5_000, by: 'test', now, topUpId: 'once' });
  expect(again.balance).toBe(999);
  await detectCreditAlerts(deps, [client]);
  expect(summary(sent)).toEqual(['1000@0 balance 600', '1000@1 balance 999', '1000@2 balance 999']);
});

it('a crash between claim and send leaves the alert pending: the sweeper sends the same event, once', async () => {
  const clientId = newClient();
  const tableName = `${TABLE}-sweep`;
  await createUsageTable(db, tableName);
  await putItems(db, tableName, [clientItem(clientId, 'free'), clientItem('cl_gateway')]);
  const table = { db, tableName };
  await topUpCredits(table, { clientId, units: 10, by: 'test', now });
  const crashing = { table, send: async () => Promise.reject(new Error('PutEvents timed out')), clock: () => now.getTime() };
  await expect(detectCreditAlerts(crashing, [{ clientId, plan: 'free' }])).rejects.toThrow('PutEvents timed out');
  // Nobody else claims it again (the outbox item exists), and a young pending alert is left to its claimer.
  const sent: CreditBalanceLow[] = [];
  const deps = { table, send: async (events: readonly CreditBalanceLow[]) => void sent.push(...events) };
  expect(await detectCreditAlerts({ ...deps, claimed: new ClaimedCache() }, [{ clientId, plan: 'free' }])).toEqual([]);
  expect(await resendPendingCreditAlerts({ ...deps, clock: () => now.getTime() }, 120_000)).toEqual([]);

  const later = new Date(now.getTime() + 180_000);
  const report = await sweepAlerts({ table, send: async () => undefined, credits: deps, clock: () => later.getTime() }, { now: later });
  expect(report.credits).toEqual({ recovered: 0, resent: 1 });
  expect(summary(sent)).toEqual(['1000@0 balance 10']);
  const rerun = await sweepAlerts({ table, send: async () => undefined, credits: deps, clock: () => later.getTime() }, { now: later });
  expect(rerun.credits).toEqual({ recovered: 0, resent: 0 });

  // The sweeper also finds a crossing nobody detected (the aggregator's step failed before claiming).
  await spendIn(table, clientId, 10);
  const found = await sweepAlerts({ table, send: async () => undefined, credits: deps, clock: () => later.getTime() }, { now: later });
  expect(found.credits).toEqual({ recovered: 1, resent: 0 });
  // Threshold 0 is at cycle 1: the first top-up (10 units) left the balance above it; 1,000 it never was above.
  expect(summary(sent)).toEqual(['1000@0 balance 10', '0@1 balance 0']);
});

async function spendIn(table: { db: DynamoDBDocumentClient; tableName: string }, clientId: string, units: number) {
  expect((await admit(table, { clientId, limits: LIMITS, units, now }, new GateGuesses())).admitted).toBe(true);
}

it('a top-up records the exact balance after it while requests take credits concurrently', async () => {
  const clientId = newClient();
  await topUpCredits(store(), { clientId, units: 100_000, by: 'test', now });
  const spends = Array.from({ length: 60 }, () => spend(clientId, 7));
  const topUps = Array.from({ length: 5 }, (_, i) => topUpCredits(store(), { clientId, units: 1_000, by: 'test', now, topUpId: `c${i}` }));
  await Promise.all([...spends, ...topUps]);
  expect(await creditBalance(store(), clientId)).toBe(100_000 + 5 * 1_000 - 60 * 7);
  const ledger = await creditLedger(store(), clientId);
  expect(ledger).toHaveLength(6);
  // Each recorded balance is one the client really had right after that top-up: 100,000 + 1,000 k − 7 m with k the
  // top-ups applied so far (itself included) and m the requests admitted so far, so k tells each top-up apart.
  const concurrent = ledger.filter((e) => e.topUpId.startsWith('c'));
  const ks = concurrent.map((e) => {
    const x = (e.balance ?? Number.NaN) - 100_000;
    const k = Math.ceil(x / 1_000);
    expect((1_000 * k - x) % 7).toBe(0);
    return k;
  });
  expect(ks.sort()).toEqual([1, 2, 3, 4, 5]);
});
