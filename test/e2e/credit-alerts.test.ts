// Low credit balance alerts on the twin, end to end over real HTTP with the IAM check on: a free (gate) client topped
// up through the admin API and spent below 1,000 units by GET /v1/hello gets exactly one `Credit Balance Threshold
// Crossed` event from the aggregator, which the sweeper does not repeat; a top-up that leaves the balance at 1,000 does
// not re-arm the threshold, one that lifts it above does, and the next fall below sends the next cycle's event.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CREDIT_ALERTS } from '../../contracts/billing';
import { formatEvent } from '../../scripts/events';
import { httpCall } from '../../scripts/support/http-call';
import { startTwin, type Twin } from '../../local/twin';

jest.setTimeout(120_000);

let twin: Twin;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-alerts-'));
  twin = await startTwin({ port: 0, quiet: true, dailySchedule: false, alertSweep: false, eventLogFile: path.join(dir, 'events.log') });
}, 90_000);

afterAll(async () => {
  await twin?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const admin = (method: string, urlPath: string, body?: unknown) =>
  httpCall(twin.baseUrl, method, urlPath, { body, headers: { authorization: `Bearer ${twin.state.adminToken}` } });

test('one event per threshold and top-up cycle; a top-up above the threshold re-arms it, one at it does not', async () => {
  const created = await admin('POST', '/admin/v1/clients', { name: 'credit-alerts', plan: 'free' });
  expect(created.status).toBe(201);
  const { clientId, apiKey } = created.json as { clientId: string; apiKey: string };
  const topUp = async (units: number) => {
    const answer = await admin('POST', `/admin/v1/clients/${clientId}/credits`, { units });
    expect(answer.status).toBe(200);
    return (answer.json as { balance: number }).balance;
  };
  const hello = async (times: number) => {
    for (let i = 0; i < times; i++)
      expect((await fetch(`${twin.baseUrl}/v1/hello`, { headers: { 'x-api-key': apiKey } })).status).toBe(200);
    await twin.drainUsage(30_000);
  };
  const mine = () =>
    twin
      .alertEvents()
      .filter((e) => e['detail-type'] === CREDIT_ALERTS.detailType && (e.detail as { clientId: string }).clientId === clientId)
      .map((e) => e.detail as { eventId: string; threshold: number; balance: number; cycle: number });

  expect(await topUp(1_001)).toBe(1_001);
  await hello(1); // 1,000 left: at the threshold
  expect(mine()).toEqual([
    { eventId: `credit-balance:${clientId}:1000:1`, clientId, plan: 'free', threshold: 1_000, balance: 1_000, cycle: 1 },
  ]);
  await hello(1); // 999: the same cycle, nothing more
  expect(await twin.runAlertSweep()).toMatchObject({ credits: { recovered: 0, resent: 0 } });
  expect(mine()).toHaveLength(1);

  expect(await topUp(1)).toBe(1_000); // at, not above: not re-armed
  await hello(1);
  expect(mine()).toHaveLength(1);

  expect(await topUp(3)).toBe(1_002); // above: re-armed
  await hello(2);
  expect(mine().map((e) => `${e.threshold}@${e.cycle} ${e.balance}`)).toEqual(['1000@1 1000', '1000@2 1000']);

  // As `npm run events -- --local` prints it.
  const line = fs
    .readFileSync(path.join(dir, 'events.log'), 'utf8')
    .split('\n')
    .find((l) => l.includes(`credit-balance:${clientId}:1000:2`));
  expect(formatEvent(line ?? '', false)).toMatch(
    new RegExp(`  Credit Balance Threshold Crossed  ${clientId} free at or below 1000 units: 1000 left, cycle 2  \\(credit-balance:`),
  );
});
