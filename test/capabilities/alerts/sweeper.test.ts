// Edge 1 of issue 19: the alert sweeper covers every UTC day that can still receive usage events (back to the
// oldest request time the aggregator still counts, CLAIM_RETENTION_DAYS − 1 days), not just today and yesterday.
// Before, a late event of day D counted on D+2 or later (a DLQ redrive) whose alert step failed left its crossing
// unsent for good (failed before the outbox claim) or its outbox item pending until it expired (failed after).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { sweepAlerts, sweepDays } from '../../../capabilities/alerts/sweeper';
import { alertKey, type ThresholdCrossed } from '../../../capabilities/alerts/threshold-crossings';
import { addDays } from '../../../capabilities/usage/calendar-days';
import { CLAIM_RETENTION_DAYS } from '../../../contracts/usage-queue';
import { clientItem, counters, createUsageTable, dayItems, documentClient, putItems } from '../analytics/fixtures';

let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
let tables = 0;

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

const QUOTA = 10;
const now = new Date('2026-11-28T10:02:00Z');
const today = '2026-11-28';
const oldestCountable = addDays(today, -(CLAIM_RETENTION_DAYS - 1)); // 2026-11-06

async function seeded(): Promise<{ deps: Parameters<typeof sweepAlerts>[0]; sent: ThresholdCrossed[] }> {
  const tableName = `usage-sweeper-${++tables}`;
  await createUsageTable(db, tableName);
  const pendingEvent: ThresholdCrossed = {
    eventId: `usage-threshold:cl_p:${addDays(today, -10)}:80`,
    clientId: 'cl_p',
    plan: 'standard',
    threshold: 80,
    used: 8,
    quota: QUOTA,
    day: addDays(today, -10),
  };
  await putItems(db, tableName, [
    clientItem('cl_late'),
    clientItem('cl_p'),
    // Late usage counted days after its day, whose alert step failed before claiming the crossing.
    ...dayItems('cl_late', addDays(today, -5), { 'GET /v1/hello': counters(10) }),
    ...dayItems('cl_late', oldestCountable, { 'GET /v1/hello': counters(8) }),
    // A day no event can reach any more: the aggregator refuses events that old, so nothing there changes.
    ...dayItems('cl_late', addDays(oldestCountable, -1), { 'GET /v1/hello': counters(10) }),
    // An alert step that failed after claiming: its outbox item stayed pending.
    ...dayItems('cl_p', addDays(today, -10), { 'GET /v1/hello': counters(8) }),
    { ...alertKey(pendingEvent.day, 'cl_p', 80), status: 'pending', event: pendingEvent, claimedAt: now.getTime() - 3_600_000 },
  ]);
  const sent: ThresholdCrossed[] = [];
  const deps = {
    table: { db, tableName },
    quotaFor: () => QUOTA,
    send: async (events: readonly ThresholdCrossed[]) => {
      sent.push(...events);
    },
  };
  return { deps, sent };
}

it('sends the crossings of late usage on any day that can still receive events, and resends pending ones', async () => {
  const { deps, sent } = await seeded();

  const report = await sweepAlerts(deps, { now });

  expect(sent.map((e) => `${e.clientId} ${e.day} ${e.threshold}% used ${e.used}`).sort()).toEqual([
    `cl_late ${oldestCountable} 80% used 8`,
    `cl_late ${addDays(today, -5)} 100% used 10`,
    `cl_late ${addDays(today, -5)} 80% used 10`,
    `cl_p ${addDays(today, -10)} 80% used 8`,
  ]);
  expect(report).toMatchObject({ recovered: 3, resent: 1, errors: 0 });
  expect(report.days[0]).toBe(oldestCountable);
  expect(report.days.at(-1)).toBe(today);
  // Idempotent: a second run finds nothing to send.
  expect(await sweepAlerts(deps, { now })).toMatchObject({ recovered: 0, resent: 0 });
  expect(sent).toHaveLength(4);
});

it('covers today and yesterday on every run, and every day that can still receive events at least once an hour', async () => {
  expect(sweepDays(new Date('2026-11-28T10:07:00Z'), false)).toEqual(['2026-11-27', '2026-11-28']);
  const all = sweepDays(new Date('2026-11-28T10:07:00Z'), true);
  expect(all).toHaveLength(CLAIM_RETENTION_DAYS);
  expect([all[0], all.at(-1)]).toEqual([oldestCountable, today]);
  // Within the future skew bound of midnight, tomorrow can receive events already.
  expect(sweepDays(new Date('2026-11-28T23:58:00Z'), false)).toEqual(['2026-11-27', '2026-11-28', '2026-11-29']);

  // The first run sweeps every day and records it; the next ones only the recent days until an hour has passed.
  const { deps } = await seeded();
  const at = (minutes: number) => ({ now: new Date(now.getTime() + minutes * 60_000) });
  expect((await sweepAlerts(deps, at(0))).days).toHaveLength(CLAIM_RETENTION_DAYS);
  expect((await sweepAlerts(deps, at(5))).days).toEqual(['2026-11-27', '2026-11-28']);
  expect((await sweepAlerts(deps, at(55))).days).toEqual(['2026-11-27', '2026-11-28']);
  expect((await sweepAlerts(deps, at(61))).days).toHaveLength(CLAIM_RETENTION_DAYS);
});
