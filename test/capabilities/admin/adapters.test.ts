// The admin API's adapters: usage plans found by name and API stage, audit records to a CloudWatch log
// stream (created once), the twin's admin token check, and the twin's refusal of non-loopback callers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIGatewayClient, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import type { AuditRecord } from '../../../contracts/admin/audit';
import { cloudWatchAuditLog } from '../../../capabilities/admin/audit-log';
import { findUsagePlanIds } from '../../../capabilities/api-gateway/key-gateway';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../../capabilities/customers/client-pages';
import { adminRoutes } from '../../../local/admin/admin-server';
import { checkAdminToken, generateAdminToken } from '../../../local/admin/admin-token';

const record = (status: number): AuditRecord => ({
  v: 1,
  at: '2026-11-28T10:00:00.000Z',
  who: 'arn:aws:iam::123456789012:user/ops',
  action: 'GET /admin/v1/clients',
  outcome: 'accepted',
  status,
  requestId: 'r-1',
});

describe('findUsagePlanIds', () => {
  const gateway = mockClient(APIGatewayClient);
  beforeEach(() => gateway.reset());

  test("takes each plan's usage plan of this API stage, across pages, ignoring look-alikes", async () => {
    gateway
      .on(GetUsagePlansCommand, { position: undefined, limit: 500 })
      .resolves({
        items: [
          { id: 'other-api', name: 'metered-api-dev-standard', apiStages: [{ apiId: 'zzz', stage: 'dev' }] },
          { id: 'up-std', name: 'metered-api-dev-standard', apiStages: [{ apiId: 'api1', stage: 'dev' }] },
        ],
        position: 'p2',
      })
      .on(GetUsagePlansCommand, { position: 'p2', limit: 500 })
      .resolves({
        items: [
          { id: 'prod-plan', name: 'metered-api-prod-premium', apiStages: [{ apiId: 'api1', stage: 'prod' }] },
          { id: 'up-prem', name: 'metered-api-dev-premium', apiStages: [{ apiId: 'api1', stage: 'dev' }] },
          { id: 'up-free', name: 'metered-api-dev-free', apiStages: [{ apiId: 'api1', stage: 'dev' }] },
          { id: 'up-payg', name: 'metered-api-dev-payg', apiStages: [{ apiId: 'api1', stage: 'dev' }] },
        ],
      });
    expect(await findUsagePlanIds(new APIGatewayClient({}), 'api1', 'dev')).toEqual({
      free: 'up-free',
      payg: 'up-payg',
      standard: 'up-std',
      premium: 'up-prem',
    });
  });

  test('names the missing plans when the stage lacks one', async () => {
    gateway
      .on(GetUsagePlansCommand)
      .resolves({ items: [{ id: 'up-std', name: 'metered-api-dev-standard', apiStages: [{ apiId: 'api1', stage: 'dev' }] }] });
    await expect(findUsagePlanIds(new APIGatewayClient({}), 'api1', 'dev')).rejects.toThrow(
      'no usage plan on api1/dev for plan(s): free, payg, premium',
    );
  });
});

describe('cloudWatchAuditLog', () => {
  const logs = mockClient(CloudWatchLogsClient);
  beforeEach(() => logs.reset());

  test('creates its stream once (an existing one is fine), then puts one event per record', async () => {
    logs.on(CreateLogStreamCommand).rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));
    logs.on(PutLogEventsCommand).resolves({});
    const audit = cloudWatchAuditLog(new CloudWatchLogsClient({}), 'audit-group');
    await audit.write(record(200));
    await audit.write(record(403));
    expect(logs.commandCalls(CreateLogStreamCommand)).toHaveLength(1);
    const puts = logs.commandCalls(PutLogEventsCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.logGroupName, JSON.parse(p.logEvents?.[0].message ?? '{}').status])).toEqual([
      ['audit-group', 200],
      ['audit-group', 403],
    ]);
    expect(puts[0].logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}$/);
    expect(puts[0].logEvents?.[0].timestamp).toBe(Date.parse('2026-11-28T10:00:00.000Z'));
  });

  test('a failed stream creation is retried on the next record', async () => {
    logs.on(CreateLogStreamCommand).rejectsOnce(new Error('throttled')).resolves({});
    logs.on(PutLogEventsCommand).resolves({});
    const audit = cloudWatchAuditLog(new CloudWatchLogsClient({}), 'audit-group');
    await expect(audit.write(record(200))).rejects.toThrow('throttled');
    await audit.write(record(200));
    expect(logs.commandCalls(CreateLogStreamCommand)).toHaveLength(2);
    expect(logs.commandCalls(PutLogEventsCommand)).toHaveLength(1);
  });
});

describe('list cursors', () => {
  test('round-trip a client id; anything else is refused', () => {
    const id = `cl_${'b'.repeat(32)}`;
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    for (const bad of ['', '%%', encodeCursor('a b'), `${encodeCursor(id)}A`]) expect(() => decodeCursor(bad)).toThrow(InvalidCursorError);
  });
});

describe('the twin admin token', () => {
  test('only the exact bearer token passes', () => {
    const token = generateAdminToken();
    expect(checkAdminToken(`Bearer ${token}`, token)).toBe('valid');
    expect(checkAdminToken(`bearer ${token}`, token)).toBe('valid');
    expect(checkAdminToken(`Bearer ${token}x`, token)).toBe('invalid');
    expect(checkAdminToken(`Bearer ${generateAdminToken()}`, token)).toBe('invalid');
    expect(checkAdminToken(undefined, token)).toBe('missing');
    expect(checkAdminToken(token, token)).toBe('missing');
    expect(generateAdminToken()).not.toBe(token);
  });
});

describe('the twin admin routes', () => {
  test('a caller from another address gets 403 problem+json, even with the token, and is audited', async () => {
    const token = generateAdminToken();
    const audit: AuditRecord[] = [];
    const handler = jest.fn();
    const routes = adminRoutes({ token, handler, audit: { write: async (r) => void audit.push(r) }, stage: 'dev', functionName: 'admin' });
    const server = http.createServer((req, res) => {
      // As if the request came over the network: the twin listens on HOST, which may be 0.0.0.0.
      Object.defineProperty(req.socket, 'remoteAddress', { value: '203.0.113.9', configurable: true });
      void routes(req, res, new URL(req.url ?? '/', 'http://x').pathname);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/admin/v1/clients`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ type: 'https://metered-api.dev/problems/admin-loopback-only', status: 403 });
      expect(handler).not.toHaveBeenCalled();
      expect(audit.map((r) => [r.who, r.outcome, r.status, r.reason, r.sourceIp])).toEqual([
        ['unauthenticated', 'refused', 403, 'admin-loopback-only', '203.0.113.9'],
      ]);
    } finally {
      server.close();
    }
  });
});
