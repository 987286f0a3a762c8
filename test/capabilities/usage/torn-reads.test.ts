// Edge 7 of issue 19: every usage read is one self-consistent view, even while a batch is half-way through its
// counter writes. The aggregator wrote a client's route items, then its day item, in separate requests; a read
// in between used to see routes above the day total (since issue 23 one UpdateItem writes a client-day, routes
// inside, so no read can fall in between; days counted before keep their route items): `GET /v1/usage` reported a route above 100 %, the admin
// usage route failed its own response schema and answered 500, and the daily views disagreed with the routes.
// Here the real aggregator runs against the table model, and at every counter write of a batch every read path
// reads the table as it is at that moment.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createAdminHandler } from '../../../capabilities/admin/router';
import { usageDaily } from '../../../capabilities/analytics/usage-daily';
import { usageSummary } from '../../../capabilities/analytics/usage-summary';
import { createAggregator } from '../../../capabilities/counting/exactly-once';
import { buildMonthlyStatement } from '../../../capabilities/statements/monthly-statement';
import { dynamoUsageReader } from '../../../capabilities/usage/usage-reader';
import { usageSummaryResponse } from '../../../contracts/routes/usage-summary';
import type { UsageEvent } from '../../../contracts/usage-event';
import { TableModel } from '../../../sim/table-model';
import { lambdaContext } from '../../support/api-event';
import { clientItem } from '../analytics/fixtures';

const TABLE = 'usage';
const CLIENT = `cl_${'ab'.repeat(16)}`;
const now = Date.UTC(2026, 10, 28, 12, 0, 0);
const today = '2026-11-28';

const event = (n: number, route: 'GET /v1/hello' | 'POST /v1/quotes'): UsageEvent => ({
  v: 1,
  eventId: `req-${n}`,
  clientId: CLIENT,
  plan: 'standard',
  route,
  method: route.split(' ')[0],
  status: n % 5 === 0 ? 404 : 200,
  latencyMs: 10 + n,
  requestTime: new Date(now - 60_000 + n * 100).toISOString(),
  day: today,
});

interface Observation {
  readonly at: string;
  readonly adminStatus: number;
  readonly summaryValid: boolean;
  /** Totals minus the sum of the routes, per view (0 when consistent). */
  readonly gaps: Record<string, number>;
}

async function observe(db: DynamoDBDocumentClient, at: string): Promise<Observation> {
  const store = { db, tableName: TABLE };
  const reader = dynamoUsageReader(store);
  const summary = await usageSummary({ clientId: CLIENT, plan: 'standard', query: {}, today }, reader);
  const routeSum = summary.routes.reduce((sum, r) => sum + r.requests, 0);
  const daily = await usageDaily({ clientId: CLIENT, query: { days: '1' }, today }, reader);
  const range = (await reader.readRange(CLIENT, today, today)).days.get(today);
  const rangeRoutes = [...(range?.routes.values() ?? [])].reduce((sum, c) => sum + c.requests, 0);
  const dashboardToday = (await reader.readDay(CLIENT, today)).requests;
  const noArchive = {
    s3: { send: async () => Promise.reject(Object.assign(new Error('no such key'), { name: 'NoSuchKey' })) } as never,
    bucket: 'b',
  };
  const [statement] = (await buildMonthlyStatement({ table: store, archive: noArchive }, '2026-11', { now: new Date(now) })).statements;
  const statementRoutes = Object.values(statement?.routes ?? {}).reduce((sum, c) => sum + c.requests, 0);
  const admin = await createAdminHandler({
    store,
    usage: reader,
    audit: { write: async () => undefined },
    logger: { error: () => undefined },
    gateway: async () => undefined,
  })(adminUsageEvent(), lambdaContext('admin'));
  return {
    at,
    adminStatus: admin.statusCode,
    summaryValid: usageSummaryResponse.safeParse(summary).success,
    gaps: {
      'GET /v1/usage totals': summary.totals.requests - routeSum,
      'GET /v1/usage today': summary.today.requests - routeSum,
      'GET /v1/usage/daily': (daily.days.at(-1)?.requests ?? 0) - routeSum,
      'daily summary (readRange)': (range?.total.requests ?? 0) - rangeRoutes,
      'dashboard (readDay)': dashboardToday - routeSum,
      statement: (statement?.total.requests ?? 0) - statementRoutes,
    },
  };
}

function adminUsageEvent(): APIGatewayProxyEvent {
  return {
    resource: '/admin/v1/clients/{id}/usage',
    path: `/admin/v1/clients/${CLIENT}/usage`,
    httpMethod: 'GET',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { id: CLIENT },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      resourcePath: '/admin/v1/clients/{id}/usage',
      httpMethod: 'GET',
      stage: 'dev',
      authorizer: null,
      identity: { sourceIp: '198.51.100.4', userArn: 'arn:aws:sts::123456789012:assumed-role/Operators/alice', caller: 'x' },
    },
  } as unknown as APIGatewayProxyEvent;
}

test('every usage read is consistent at every counter write of a batch, and the admin usage route never answers 500', async () => {
  const model = new TableModel();
  const plain = { send: async (command: object) => model.execute(command) } as unknown as DynamoDBDocumentClient;
  await plain.send(
    new (await import('@aws-sdk/lib-dynamodb')).PutCommand({ TableName: TABLE, Item: { ...clientItem(CLIENT), keyHash: 'c'.repeat(64) } }),
  );
  const observations: Observation[] = [];
  let watching = false;
  // The aggregator's client: after each counter write lands, every reader looks at the table.
  const watched = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const result = model.execute(command);
      const key = command.input.Key as { pk?: string; sk?: string } | undefined;
      if (watching && command.constructor.name === 'UpdateCommand' && key?.pk === `USAGE#${CLIENT}`) {
        observations.push(await observe(plain, `after ${key.sk}`));
      }
      return result;
    },
  };
  const aggregator = createAggregator({
    doc: watched as never,
    tableName: TABLE,
    clock: () => now,
    sleep: async () => undefined,
    concurrency: 1,
  });
  const batch = (events: UsageEvent[]) =>
    aggregator.aggregateBatch(
      events.map((e) => ({ id: e.eventId, body: JSON.stringify(e) })),
      { remainingTimeMs: 30_000 },
    );

  await batch([event(1, 'GET /v1/hello'), event(2, 'POST /v1/quotes')]);
  watching = true;
  await batch([event(3, 'GET /v1/hello'), event(4, 'GET /v1/hello'), event(5, 'GET /v1/hello'), event(6, 'POST /v1/quotes')]);

  expect(observations.map((o) => o.at)).toEqual(['after DAY#2026-11-28']);
  const consistent = Object.fromEntries(Object.keys(observations[0].gaps).map((view) => [view, 0]));
  for (const o of observations) expect(o).toEqual({ at: o.at, adminStatus: 200, summaryValid: true, gaps: consistent });
});

test('a day’s total is the sum of its route items; a day item counts only for a day without route items', async () => {
  const { usageFromItems } = await import('../../../capabilities/usage/usage-reader');
  const item = (sk: string, requests: number) => ({ pk: `USAGE#${CLIENT}`, sk, requests, latencySumMs: requests * 10 });
  const days = usageFromItems([
    item('DAY#2026-11-27', 2), // a batch is half-way: its day item lags its route items
    item('DAY#2026-11-27#ROUTE#GET /v1/hello', 3),
    item('DAY#2026-11-27#ROUTE#POST /v1/quotes', 1),
    item('DAY#2026-11-26', 9), // written before route items existed
  ]);
  expect(days.get('2026-11-27')?.total).toMatchObject({ requests: 4, latencySumMs: 40 });
  expect(days.get('2026-11-26')?.total).toMatchObject({ requests: 9, latencySumMs: 90 });
});

test('a day of the upgrade (route items of the old aggregator, route attributes of the new one) reads exactly', async () => {
  const { usageFromItems } = await import('../../../capabilities/usage/usage-reader');
  const item = (sk: string, requests: number, extra: Record<string, number> = {}) => ({
    pk: `USAGE#${CLIENT}`,
    sk,
    requests,
    latencySumMs: requests * 10,
    ...extra,
  });
  const days = usageFromItems([
    // Old aggregator: 3 + 1 requests in route items and in the day total; new one: 2 more on GET, 5 on a new route,
    // added to the same day total and to the day item's route attributes in one write.
    item('DAY#2026-11-28', 4 + 2 + 5, { 'r:GET /v1/hello:n': 2, 'r:GET /v1/hello:l': 20, 'r:GET /v1/usage:n': 5, 'r:GET /v1/usage:l': 50 }),
    item('DAY#2026-11-28#ROUTE#GET /v1/hello', 3),
    item('DAY#2026-11-28#ROUTE#POST /v1/quotes', 1),
  ]);
  const day = days.get('2026-11-28');
  expect(day?.total).toMatchObject({ requests: 11, latencySumMs: 110, units: 11 });
  expect(Object.fromEntries([...(day?.routes ?? [])].map(([route, c]) => [route, [c.requests, c.latencySumMs]]))).toEqual({
    'GET /v1/hello': [5, 50],
    'POST /v1/quotes': [1, 10],
    'GET /v1/usage': [5, 50],
  });
});
