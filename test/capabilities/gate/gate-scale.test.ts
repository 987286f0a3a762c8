// A bounded slice of the gate's scale benchmark (bench/gate-scale.ts) on DynamoDB Local: Zipf traffic over seeded
// free-plan clients, admitted concurrently by the real gate from several environments' guesses; every client gets
// exactly what an independent model of its windows admits (never more, never less), and its item stores it.
import { modelAdmissions, runGateScale } from '../../../bench/gate-scale';
import { gateLimitsOf } from '../../../capabilities/http/middleware/gate-admission';
import type { RunningService } from '../../../local/services/child-service';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';

let dynamoLocal: RunningService;

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

describe('the model of a client’s windows', () => {
  const limits = gateLimitsOf('free'); // 5 a second, 10 a minute, 100 a day, 1,000 a month
  const t0 = Date.UTC(2026, 11, 15, 0, 0, 0, 250);

  it('admits the burst in a second, the rest of the minute in the next, nothing more until a new minute', () => {
    const demands = [new Map([[0, 7]]), new Map([[0, 7]]), new Map([[0, 7]]), new Map([[0, 7]])];
    const times = [t0, t0 + 30_000, t0 + 45_000, t0 + 60_000];
    // 5 (burst) + 5 (minute's 10) + 0 (minute spent) + 5 (a new minute)
    expect(modelAdmissions(demands, limits, times).get(0)).toBe(15);
  });

  it('stops at the daily quota and starts again the next day', () => {
    const minutes = Array.from({ length: 25 }, (_, k) => t0 + k * 60_000);
    const demands = minutes.map(() => new Map([[3, 20]]));
    expect(modelAdmissions(demands, limits, minutes).get(3)).toBe(100);
    const nextDay = [...minutes, t0 + 86_400_000];
    expect(modelAdmissions([...demands, new Map([[3, 20]])], limits, nextDay).get(3)).toBe(105);
  });
});

test('Zipf traffic over 1,000 clients: admissions equal the model for every client, items store them, refusals cost one write', async () => {
  const run = await runGateScale({
    endpoint: dynamoLocal.endpoint,
    tableName: 'gate-scale-slice',
    clients: 1_000,
    requests: 2_000,
    zipfS: 1.1,
    // 40 request seconds 30 s apart: 20 minutes, so the hottest clients reach the daily quota (10 a minute, 100 a day).
    seconds: 40,
    secondSpacingMs: 30_000,
    concurrency: 8,
    probeSeconds: 1,
    environments: 4,
    seed: 7,
  });
  expect(run.decisions).toBe(2_000);
  // The hottest clients exceed their burst, their minute and their day: the check below compares real refusals.
  expect(run.limitedClients).toBeGreaterThan(0);
  expect(run.overQuotaClients).toBeGreaterThan(0);
  expect(run.overQuotaAtQuota).toBe(run.overQuotaClients);
  expect(run.refused).toBeGreaterThan(0);
  expect({ over: run.overAdmitted, under: run.underAdmitted, stored: run.storedMismatches }).toEqual({ over: 0, under: 0, stored: 0 });
  // DynamoDB Local reports capacity for every successful write; each refusal is one failed conditional write.
  expect(run.meter.reportedWrites).toBe(run.meter.updates - run.meter.failedConditions);
  expect(run.meter.reportedWcu).toBe(run.meter.reportedWrites);
  expect(run.meter.failedConditions).toBeGreaterThanOrEqual(run.refused);
  expect(run.meter.reads).toBe(0);
}, 300_000);
