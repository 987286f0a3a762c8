// Every DynamoDB call the code makes is granted by the role that runs it on AWS (prod template). Each function's
// use cases run against a recording table that notes the action and partition key of every item access (a
// transaction item by item, as IAM authorizes it); each note must be allowed by one of that role's statements.
import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PLANS } from '../../contracts/plans';
import { STAGES } from '../../contracts/stages';
import { overrideCaps } from '../../contracts/overrides';
import { SERVICE } from '../../contracts/metrics';
import { ROUTES } from '../../contracts/routes';
import { itemKey } from '../../contracts/table';
import { createAdminHandler } from '../../capabilities/admin/router';
import { authorize } from '../../capabilities/authorizer/authorize';
import { generateApiKey, hashApiKey } from '../../capabilities/customers/api-keys';
import { setBillingCustomer } from '../../capabilities/customers/billing-customer';
import { setClientOverride } from '../../capabilities/customers/client-override';
import { setClientPlan } from '../../capabilities/customers/client-plan';
import { createKey, revokeKey, rotateKey } from '../../capabilities/customers/key-admin';
import { listClientKeys } from '../../capabilities/customers/key-rotation';
import { runDailyJob } from '../../capabilities/daily-job/daily-job';
import { buildMonthlyStatement } from '../../capabilities/statements/monthly-statement';
import { overrideAwareQuota } from '../../capabilities/alerts/override-quotas';
import { sweepAlerts } from '../../capabilities/alerts/sweeper';
import { createAlertStep } from '../../capabilities/counting/alert-step';
import { AggregatorRepository } from '../../capabilities/counting/repository';
import { emptyCounters } from '../../capabilities/usage/counters';
import { dynamoUsageReader } from '../../capabilities/usage/usage-reader';
import { usageSummary } from '../../capabilities/analytics/usage-summary';
import { usageDaily } from '../../capabilities/analytics/usage-daily';
import { reconcileDay } from '../../scripts/reconcile';
import { lambdaContext } from '../support/api-event';
import { templateFor } from './support/synth';
import { recordingTable, type RecordingTable, ungranted } from './support/table-calls';
import {
  functionByService,
  onlyResource,
  resourcesOf,
  roleOfFunction,
  roleStatements,
  stackFunctions,
  type Statement,
} from './support/template';

const template = () => templateFor('prod');
const tableId = () => onlyResource(template(), 'AWS::DynamoDB::GlobalTable')[0];
const statementsOf = (service: string) => roleStatements(template(), roleOfFunction(functionByService(template(), service)[0][1]));
const operatorStatements = () => {
  const [, policy] = onlyResource(template(), 'AWS::IAM::ManagedPolicy');
  return policy.Properties.PolicyDocument.Statement as Statement[];
};
const families = (table: RecordingTable) => [...new Set(table.calls.map((c) => `${c.action} ${c.pk.replace(/#.*/, '#…')}`))].sort();

// The world the use cases run in: 2026-11-05, the daily job closing 2026-11-04 (the day October settles).
const NOW = new Date('2026-11-05T10:00:00.000Z');
const CLIENT_ID = `cl_${'a'.repeat(32)}`;
const CURRENT_KEY = generateApiKey();
const ENDED_KEY_HASH = 'b'.repeat(64);
const client = {
  clientId: CLIENT_ID,
  name: 'acme',
  plan: 'standard',
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  usageKey: 'u'.repeat(40),
};
const counter = (day: string, requests: number) => ({ ...itemKey.dayCounter(CLIENT_ID, day), clientId: CLIENT_ID, day, requests });

function seededTable(): RecordingTable {
  return recordingTable([
    // A client whose earlier rotation's grace has ended: the next rotation deletes that key record.
    {
      ...itemKey.client(CLIENT_ID),
      ...client,
      keyHash: hashApiKey(CURRENT_KEY),
      retiredKeys: [{ keyHash: ENDED_KEY_HASH, retiresAt: '2026-11-01T00:00:00.000Z' }],
    },
    { ...itemKey.apiKey(hashApiKey(CURRENT_KEY)), ...client },
    counter('2026-11-05', Math.ceil(PLANS.standard.dailyQuota * 0.9)),
    counter('2026-11-04', 5),
    counter('2026-10-15', 3),
    // Older than the retention: the job archives and deletes it.
    counter('2026-07-01', 2),
  ]);
}

/** An S3 stand-in holding what is put, for the archive and statements. */
function memoryS3() {
  const objects = new Map<string, Uint8Array>();
  const send = async (command: { constructor: { name: string }; input: any }) => {
    const { Key, Body } = command.input;
    if (command.constructor.name === 'PutObjectCommand') {
      objects.set(Key, Buffer.from(Body));
      return {};
    }
    const body = objects.get(Key);
    if (!body) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
    return { Body: { transformToByteArray: async () => body } };
  };
  return { s3: { send } as never, bucket: 'archive' };
}

function adminEvent(method: string, resource: string, options: { body?: unknown; query?: Record<string, string> } = {}) {
  return {
    resource,
    path: resource.replace('{id}', CLIENT_ID),
    httpMethod: method,
    headers: options.body === undefined ? {} : { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: resource.includes('{id}') ? { id: CLIENT_ID } : null,
    stageVariables: null,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: { requestId: randomUUID(), resourcePath: resource, httpMethod: method, stage: 'prod', identity: { userArn: 'ops' } },
  } as unknown as APIGatewayProxyEvent;
}

/** Every admin route, as the admin function runs it (without API Gateway: its grants are pinned in admin-api.test.ts). */
async function runAdminRoutes(table: RecordingTable): Promise<number[]> {
  const store = { db: table.db, tableName: table.tableName };
  const handler = createAdminHandler({
    store,
    usage: dynamoUsageReader(store),
    stageName: 'prod',
    audit: { write: async () => undefined },
    logger: { error: () => undefined },
    gateway: async () => undefined,
  });
  const statuses: number[] = [];
  for (const event of [
    adminEvent('GET', '/admin/v1/clients/{id}'),
    adminEvent('GET', '/admin/v1/clients'),
    adminEvent('GET', '/admin/v1/clients/{id}/usage'),
    adminEvent('POST', '/admin/v1/clients/{id}/override', { body: { ratePerMinute: 50 } }),
    adminEvent('POST', '/admin/v1/clients/{id}/set-plan', { body: { plan: 'premium' } }),
    adminEvent('PUT', '/admin/v1/clients/{id}/stripe-customer', { body: { customerId: 'cus_Example2' } }),
    adminEvent('POST', '/admin/v1/clients/{id}/rotate', { body: { graceSeconds: 60 } }),
    adminEvent('POST', '/admin/v1/clients/{id}/revoke'),
    adminEvent('POST', '/admin/v1/clients', { body: { plan: 'standard', name: 'beta' } }),
  ]) {
    statuses.push((await handler(event, lambdaContext('metered-api-prod-admin'))).statusCode);
  }
  return statuses;
}

async function runDailyJobOnce(table: RecordingTable) {
  return runDailyJob(
    { day: '2026-11-04', retentionDays: STAGES.prod.retentionDays },
    { table: { db: table.db, tableName: table.tableName }, archive: memoryS3() },
  );
}

describe('each role grants every table call its code makes (prod)', () => {
  test('authorizer: key record and today’s counter, by key', async () => {
    const table = seededTable();
    const decision = await authorize({ db: table.db, tableName: table.tableName }, CURRENT_KEY, NOW);
    expect(decision.effect).toBe('allow');
    expect(families(table)).toEqual(['dynamodb:GetItem KEY#…', 'dynamodb:GetItem USAGE#…']);
    expect(ungranted(table.calls, statementsOf(SERVICE.authorizer), tableId())).toEqual([]);
  });

  test('routes that read usage: the caller’s counters', async () => {
    const table = seededTable();
    const reader = dynamoUsageReader({ db: table.db, tableName: table.tableName });
    await usageSummary(
      { clientId: CLIENT_ID, plan: 'standard', query: { from: '2026-10-01', to: '2026-10-31' }, today: '2026-11-05' },
      reader,
    );
    await usageDaily({ clientId: CLIENT_ID, query: {}, today: '2026-11-05' }, reader);
    // Today's count is the sum of today's items (one Query), like every other read (edge 7).
    expect(families(table)).toEqual(['dynamodb:Query USAGE#…']);
    // The routes that read usage (gated routes have TABLE_NAME too, for the gate items only).
    const paths = ROUTES.filter((route) => 'readsUsage' in route && route.readsUsage).map((route) => ` ${route.path}.`);
    const readers = functionByService(template(), SERVICE.api).filter(([, fn]) =>
      paths.some((p) => fn.Properties.Description?.includes(p)),
    );
    expect(readers.length).toBeGreaterThan(0);
    for (const [, fn] of readers) expect(ungranted(table.calls, roleStatements(template(), roleOfFunction(fn)), tableId())).toEqual([]);
  });

  test('daily job: the October statement reads the plan history (Query PLANS#), archives and deletes old counters', async () => {
    const table = seededTable();
    const report = await runDailyJobOnce(table);
    expect(report.statement?.manifest.month).toBe('2026-10');
    expect(report.itemsDeleted).toBe(1);
    expect(families(table)).toEqual(
      expect.arrayContaining([
        'dynamodb:Query PLANS#…',
        'dynamodb:DeleteItem USAGE#…',
        'dynamodb:PutItem SUMMARY#…',
        'dynamodb:Query CLIENTS',
      ]),
    );
    expect(ungranted(table.calls, statementsOf(SERVICE.dailyJob), tableId())).toEqual([]);
  });

  test('admin function: every route; set-plan updates PLANS#, rotate deletes the ended KEY#', async () => {
    const table = seededTable();
    const statuses = await runAdminRoutes(table);
    expect(statuses.every((status) => status < 300)).toBe(true);
    expect(families(table)).toEqual(expect.arrayContaining(['dynamodb:UpdateItem PLANS#…', 'dynamodb:DeleteItem KEY#…']));
    expect(table.calls).toContainEqual({ action: 'dynamodb:DeleteItem', pk: itemKey.apiKey(ENDED_KEY_HASH).pk, attributes: undefined });
    expect(ungranted(table.calls, statementsOf(SERVICE.admin), tableId())).toEqual([]);
  });

  test('alert sweeper: clients, the counters of every day that can still receive events, the alert outbox', async () => {
    const table = seededTable();
    const report = await sweepAlerts({ table: { db: table.db, tableName: table.tableName }, send: async () => undefined }, { now: NOW });
    expect(report.recovered).toBeGreaterThan(0);
    expect(families(table)).toEqual(
      expect.arrayContaining(['dynamodb:PutItem ALERTS#…', 'dynamodb:Query ALERTS#…', 'dynamodb:Query USAGE#…']),
    );
    expect(ungranted(table.calls, statementsOf(SERVICE.alertSweeper), tableId())).toEqual([]);
  });

  test('aggregator: claims, journals and counters through its repository; the alert step and the override quota', async () => {
    const table = seededTable();
    const repository = new AggregatorRepository(
      table.db,
      table.tableName,
      () => 0,
      async () => undefined,
    );
    const page = itemKey.claimEntry('CLAIM#2026-11-05T10:00:00#0', 1).pk;
    await repository.readClaimPage(page);
    await repository.appendClaims(page, 1, 'j1', new Uint8Array(16), new Uint8Array(4));
    await repository.createJournal('j1', 0);
    await repository.putJournalBody('j1', new Uint8Array(8));
    await repository.getJournalHead('j1');
    await repository.getJournalHeads(['j1', 'j2'], () => true);
    await repository.getJournalBody('j1').catch(() => undefined);
    await repository.transition('j1', 'claiming', 'pending');
    await repository.transition('j1', 'pending', 'complete', { leaseHeld: 1, completedAt: 1, completedBy: 'j1' });
    await repository.acquireLease('j1', 0, 1);
    await repository.applyCounter({ clientId: CLIENT_ID, day: '2026-11-05', total: emptyCounters(), routes: new Map() }, 'j1', []);
    await repository.putPendingEntry('j1', 0, 1);
    await repository.listPendingEntries();
    await repository.deletePendingEntry('j1');
    const store = { db: table.db, tableName: table.tableName };
    const step = createAlertStep({
      table: store,
      send: async () => undefined,
      quotaFor: overrideAwareQuota(store),
    });
    expect((await step([{ clientId: CLIENT_ID, day: '2026-11-05', plan: 'standard' }], 5_000)).sent).toBeGreaterThan(0);
    expect(families(table)).toEqual([
      'dynamodb:BatchGetItem JOURNAL#…',
      'dynamodb:DeleteItem JOURNAL#…',
      'dynamodb:GetItem CLIENTS',
      'dynamodb:GetItem JOURNAL#…',
      'dynamodb:GetItem USAGE#…',
      'dynamodb:PutItem ALERTS#…',
      'dynamodb:PutItem CLAIM#…',
      'dynamodb:PutItem JOURNAL#…',
      'dynamodb:Query CLAIM#…',
      'dynamodb:Query JOURNAL#…',
      'dynamodb:UpdateItem ALERTS#…',
      'dynamodb:UpdateItem JOURNAL#…',
      'dynamodb:UpdateItem USAGE#…',
    ]);
    expect(ungranted(table.calls, statementsOf(SERVICE.aggregator), tableId())).toEqual([]);
  });

  test('operator policy: the keys CLI, reconcile and usage:export', async () => {
    const table = seededTable();
    const store = { db: table.db, tableName: table.tableName };
    await listClientKeys(store, NOW);
    await setClientOverride(store, CLIENT_ID, { ratePerMinute: 50 }, { caps: overrideCaps(STAGES.prod.stageThrottle), now: NOW });
    await setClientPlan(store, CLIENT_ID, 'premium', { now: NOW });
    await setBillingCustomer(store, CLIENT_ID, 'cus_Example1');
    await rotateKey({ store }, CLIENT_ID, { graceMs: 60_000, now: NOW });
    await revokeKey({ store }, CLIENT_ID, NOW);
    await createKey({ store }, 'standard', 'beta');
    const sqs = { send: async () => ({ Attributes: {} }) } as unknown as SQSClient;
    await reconcileDay('2026-11-04', {
      ...store,
      sqs,
      queueUrls: ['usage', 'dlq'],
      gatewayUsage: async () => ({ byClient: new Map(), unknownKeys: 0 }),
    });
    await buildMonthlyStatement({ table: store, archive: memoryS3() }, '2026-10', { now: NOW });
    expect(families(table)).toEqual(
      expect.arrayContaining([
        'dynamodb:Query PLANS#…',
        'dynamodb:Query SUMMARY#…',
        'dynamodb:UpdateItem PLANS#…',
        'dynamodb:DeleteItem KEY#…',
      ]),
    );
    expect(ungranted(table.calls, operatorStatements(), tableId())).toEqual([]);
  });
});

describe('the check bites', () => {
  test('without the PLANS# read, the daily job’s statement Query is reported; without DeleteItem, the rotation’s delete', async () => {
    const withoutFamily = (statements: Statement[], pattern: string) =>
      statements.map((s) => JSON.parse(JSON.stringify(s).replaceAll(`"${pattern}",`, '').replaceAll(`,"${pattern}"`, '')) as Statement);
    const job = seededTable();
    await runDailyJobOnce(job);
    expect(ungranted(job.calls, withoutFamily(statementsOf(SERVICE.dailyJob), 'PLANS#*'), tableId())).toEqual(['dynamodb:Query PLANS#…']);

    const admin = seededTable();
    await runAdminRoutes(admin);
    const withoutDelete = statementsOf(SERVICE.admin).filter((s) => !([] as string[]).concat(s.Action).includes('dynamodb:DeleteItem'));
    expect(ungranted(admin.calls, withoutDelete, tableId())).toEqual(['dynamodb:DeleteItem KEY#…']);
  });

  test('every function of the stack is checked above, or has no table access', () => {
    const checked = new Set<string>([
      SERVICE.authorizer,
      SERVICE.api,
      SERVICE.dailyJob,
      SERVICE.admin,
      SERVICE.alertSweeper,
      SERVICE.aggregator,
    ]);
    const withTable = Object.values(stackFunctions(template()))
      .filter((fn) => fn.Properties.Environment.Variables.TABLE_NAME !== undefined)
      .map((fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string);
    expect(withTable.filter((service) => !checked.has(service))).toEqual([]);
    expect(Object.keys(resourcesOf(template(), 'AWS::IAM::ManagedPolicy'))).toHaveLength(1);
  });
});
