// Load against the twin with a fault-injecting proxy between the twin and DynamoDB Local: throttled
// writes, ambiguous writes (applied, answer lost) and 2 s stalls on the aggregator's writes. When the
// queue has drained, every client's route counters equal the requests its handlers answered, exactly.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoUsageReader } from '../../capabilities/usage/usage-reader';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { utcDay } from '../../contracts/usage-event';
import type { AccessLogEntry } from '../../local/gateway/server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/resources';
import type { RunningService } from '../../local/services/child-service';
import { startDynamoDbLocal } from '../../local/services/dynamodb-local';
import { startTwin, type Twin } from '../../local/twin';
import { type FaultProxy, startDynamoFaultProxy } from '../support/dynamodb-fault-proxy';

const REQUESTS = Number(process.env.FAULT_LOAD_REQUESTS ?? 240);
let dynamo: RunningService;
let proxy: FaultProxy;
let twin: Twin;
const answered: AccessLogEntry[] = [];

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  proxy = await startDynamoFaultProxy(dynamo.endpoint);
  twin = await startTwin({
    port: 0,
    quiet: true,
    dailySchedule: false,
    noStageThrottle: true,
    noWaf: true,
    // Room for the load (strict routes keep their per-method throttle: some 429s are expected and not metered).
    planOverrides: { standard: { ratePerMinute: 60_000, burst: 1_000 }, premium: { ratePerMinute: 60_000, burst: 1_000 } },
    dynamoEndpoint: proxy.endpoint,
    stage: { usageBatchWindowSeconds: 1 },
    onAccess: (entry) => answered.push(entry),
    lambdaLogFile: process.env.FAULT_LOAD_LOG,
  });
}, 120_000);
afterAll(async () => {
  await twin?.stop();
  await proxy?.close();
  await dynamo?.stop();
});

test(`${REQUESTS} requests with throttled, ambiguous and stalled writes are counted exactly, per client and route`, async () => {
  // Prepare: faults on every write from now on (the twin's own set-up ran clean).
  proxy.plan = { throttle: 0.15, ambiguous: 0.15, stall: 0.05, stallMs: 2_000 };
  const keys = [twin.demoKeys.standard, twin.demoKeys.premium];
  const routes = [
    { path: '/v1/hello', init: {} as RequestInit },
    { path: '/v1/hello?name=x%21', init: {} as RequestInit }, // a 400 from the handler: metered too
    {
      path: '/v1/quotes',
      init: {
        method: 'POST',
        body: JSON.stringify({ items: [{ sku: 'A-1', quantity: 2 }], currency: 'EUR' }),
        headers: { 'content-type': 'application/json' },
      },
    },
  ];

  // Act: concurrent load, 8 at a time.
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const key = keys[i % keys.length];
        const route = routes[i % routes.length];
        const headers = { ...(route.init.headers as Record<string, string>), 'x-api-key': key.apiKey };
        await fetch(`${twin.baseUrl}${route.path}`, { ...route.init, headers }).then((r) => r.arrayBuffer());
      }
    }),
  );
  await twin.drainUsage(Number(process.env.FAULT_LOAD_DRAIN_MS ?? 180_000));

  // Assess: handler answers (not the gateway's own 429s) per client and route = the route counters.
  const expected = new Map<string, number>();
  for (const entry of answered) {
    if (entry.errorType !== undefined || entry.clientId === undefined || entry.resourcePath === undefined) continue;
    const id = `${entry.clientId} ${entry.method} ${entry.resourcePath}`;
    expected.set(id, (expected.get(id) ?? 0) + 1);
  }
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
  );
  const day = utcDay(new Date());
  const counted = new Map<string, number>();
  try {
    // Through the production reader: the counter layout (one item per client-day since issue 23) is its business.
    const reader = dynamoUsageReader({ db, tableName: twin.state.tableName });
    for (const id of expected.keys()) {
      const [clientId, method, path] = id.split(' ');
      const { days } = await reader.readRange(clientId, day, day);
      counted.set(id, days.get(day)?.routes.get(`${method} ${path}`)?.requests ?? 0);
    }
  } finally {
    db.destroy();
  }
  console.log(
    JSON.stringify({
      faultLoad: { requests: REQUESTS, answeredByHandlers: [...expected.values()].reduce((a, b) => a + b, 0), injected: proxy.injected },
    }),
  );
  // ~100 aggregator writes at these rates inject ~35 faults; at least a handful must have happened.
  expect(proxy.injected.throttle + proxy.injected.ambiguous + proxy.injected.stall).toBeGreaterThanOrEqual(8);
  expect([...expected.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(REQUESTS / 2); // most reached a handler
  expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(expected));
}, 300_000);
