// Quota alerts against DynamoDB Local: one event per client, day and threshold however often the
// detector is called (duplicates, concurrent calls), and a crash or failed send resent by the sweeper
// with the same event id. The EventBridge adapter is checked with a mocked client.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/child-service';
import { alertSenders } from '../../../capabilities/alerts/event-bridge-sender';
import { detectThresholdCrossings, resendPending, type ThresholdCrossed } from '../../../capabilities/alerts/threshold-crossings';
import { createUsageTable, documentClient } from '../analytics/fixtures';

let dynamoLocal: RunningService;
let db: DynamoDBDocumentClient;
const TABLE = 'usage-alerts';

beforeAll(async () => {
  dynamoLocal = await startDynamoDbLocal();
  db = documentClient(dynamoLocal.endpoint);
  await createUsageTable(db, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamoLocal?.stop();
});

function recorder(fail = false) {
  const sent: ThresholdCrossed[] = [];
  return {
    sent,
    deps: {
      table: { db, tableName: TABLE },
      send: async (events: readonly ThresholdCrossed[]) => {
        if (fail) throw new Error('PutEvents failed');
        sent.push(...events);
      },
    },
  };
}

it('sends 80 % once, then 100 % once, across repeated and concurrent calls', async () => {
  const { sent, deps } = recorder();
  const total = (requests: number) => [{ clientId: 'cl_1', plan: 'standard', day: '2026-05-01', requests }];
  await detectThresholdCrossings(deps, total(7_999));
  expect(sent).toEqual([]);
  await Promise.all([detectThresholdCrossings(deps, total(8_000)), detectThresholdCrossings(deps, total(8_000))]);
  await detectThresholdCrossings(deps, total(8_001));
  expect(sent).toEqual([
    {
      eventId: 'usage-threshold:cl_1:2026-05-01:80',
      clientId: 'cl_1',
      plan: 'standard',
      threshold: 80,
      used: 8_000,
      quota: 10_000,
      day: '2026-05-01',
    },
  ]);
  await detectThresholdCrossings(deps, total(10_000));
  await detectThresholdCrossings(deps, total(12_000));
  expect(sent.map((e) => [e.threshold, e.used])).toEqual([
    [80, 8_000],
    [100, 10_000],
  ]);
  // Another day is another alert.
  await detectThresholdCrossings(deps, [{ clientId: 'cl_1', plan: 'standard', day: '2026-05-02', requests: 8_500 }]);
  expect(sent).toHaveLength(3);
});

it('leaves a failed send pending; the sweeper resends it with the same event id, once', async () => {
  const failing = recorder(true);
  const totals = [{ clientId: 'cl_2', plan: 'premium', day: '2026-05-03', requests: 100_000 }];
  await expect(detectThresholdCrossings(failing.deps, totals)).rejects.toThrow('PutEvents failed');
  const working = recorder();
  await detectThresholdCrossings(working.deps, totals);
  expect(working.sent).toEqual([]);
  expect((await resendPending(working.deps, '2026-05-03')).map((e) => e.eventId)).toEqual([
    'usage-threshold:cl_2:2026-05-03:100',
    'usage-threshold:cl_2:2026-05-03:80',
  ]);
  expect(await resendPending(working.deps, '2026-05-03')).toEqual([]);
});

it('ignores unknown plans and a zero quota', async () => {
  const { sent, deps } = recorder();
  await detectThresholdCrossings(deps, [{ clientId: 'cl_3', plan: 'gold', day: '2026-05-01', requests: 1e9 }]);
  await detectThresholdCrossings({ ...deps, quotaFor: () => 0 }, [
    { clientId: 'cl_3', plan: 'standard', day: '2026-05-01', requests: 1e9 },
  ]);
  expect(sent).toEqual([]);
});

it('puts events on EventBridge as metered-api / Usage Threshold Crossed and fails on a refused entry', async () => {
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).resolvesOnce({ FailedEntryCount: 0 }).resolvesOnce({ FailedEntryCount: 1 });
  const event = { eventId: 'e', clientId: 'c', plan: 'standard', threshold: 80, used: 8, quota: 10, day: '2026-05-01' };
  const send = alertSenders(new EventBridgeClient({}), 'bus').quota;
  await send([event]);
  expect(eventBridge.commandCalls(PutEventsCommand)[0].args[0].input.Entries).toEqual([
    { EventBusName: 'bus', Source: 'metered-api', DetailType: 'Usage Threshold Crossed', Detail: JSON.stringify(event) },
  ]);
  await expect(send([event])).rejects.toThrow('EventBridge refused 1 threshold event(s)');
});

it('tallies what EventBridge accepted, call by call: a refused entry or a failed later call keeps what went out before', async () => {
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge
    .on(PutEventsCommand)
    .resolvesOnce({ FailedEntryCount: 0 })
    .resolvesOnce({ FailedEntryCount: 3 })
    .resolvesOnce({ FailedEntryCount: 0 })
    .rejectsOnce(new Error('socket hang up'))
    .resolves({ FailedEntryCount: 0 });
  const event = (i: number) => ({
    eventId: `e${i}`,
    clientId: 'c',
    plan: 'standard',
    threshold: 80,
    used: 8,
    quota: 10,
    day: '2026-05-01',
  });
  const senders = alertSenders(new EventBridgeClient({}), 'bus');
  // Ten accepted, then seven of the next ten: the send fails, 17 went out.
  await expect(senders.quota(Array.from({ length: 25 }, (_, i) => event(i)))).rejects.toThrow('EventBridge refused 3 threshold event(s)');
  expect(senders.takeAccepted()).toEqual({ quota: 17, credit: 0 });
  // Ten accepted, then a call with no answer (it may or may not have gone out): only the ten are known sent.
  await expect(senders.quota(Array.from({ length: 12 }, (_, i) => event(i)))).rejects.toThrow('socket hang up');
  const credit = { eventId: 'k', clientId: 'c', plan: 'free', threshold: 1_000, balance: 900, cycle: 0 };
  await senders.credit([credit]);
  expect(senders.takeAccepted()).toEqual({ quota: 10, credit: 1 });
  expect(senders.takeAccepted()).toEqual({ quota: 0, credit: 0 });
  eventBridge.restore();
});
