// Who `npm run keys` names in the audit log and where it writes: the twin's operator and audit file with --local;
// on a stage the caller's IAM ARN (STS), then the declared operator (--actor, else METERED_OPERATOR), and the stage's audit log group.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { auditLogOf, OPERATOR_ENV, operatorIdentity } from '../../scripts/support/operator-audit';
import type { Target } from '../../scripts/support/stage-target';
import type { TwinState } from '../../local/state-file';

const user = os.userInfo().username;
const stage = (outputs: Record<string, string> = {}): Target => ({ kind: 'stage', stage: 'dev', outputs });
const twin = (adminAuditFile: string): Target => ({ kind: 'local', twin: { port: 1, adminAuditFile } as TwinState });

test('the twin names its operator by OS user; a stage by the IAM ARN STS verifies, then --actor or the environment', async () => {
  const file = path.join(os.tmpdir(), 'unused-audit.log');
  const arn = 'arn:aws:sts::123456789012:assumed-role/operators/alice-session';
  const sts = mockClient(STSClient);
  sts.on(GetCallerIdentityCommand).resolves({ Arn: arn, Account: '123456789012', UserId: 'AROAEXAMPLE:alice-session' });
  const client = new STSClient({ region: 'us-east-1' });
  expect(await operatorIdentity(twin(file), 'ignored-on-the-twin', {}, client)).toBe(`twin-operator:${user}`);
  expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  expect(await operatorIdentity(stage(), 'alice@example.com', { [OPERATOR_ENV]: 'bob' }, client)).toBe(`${arn} cli:alice@example.com`);
  expect(await operatorIdentity(stage(), undefined, { [OPERATOR_ENV]: 'bob' }, client)).toBe(`${arn} cli:bob`);
  expect(await operatorIdentity(stage(), undefined, {}, client)).toBe(arn);
  // A name that could forge a log line or smuggle markup is refused, without echoing it.
  for (const bad of ['two\nlines', '<script>', '', 'x'.repeat(129)]) {
    await expect(operatorIdentity(stage(), bad, {}, client)).rejects.toThrow(/^--actor \(or METERED_OPERATOR\) must be 1–128/);
    await expect(operatorIdentity(stage(), bad, {}, client)).rejects.not.toThrow(bad || 'never');
  }
  // No identity, no change: STS failing stops the command before anything is written.
  sts.on(GetCallerIdentityCommand).rejects(new Error('ExpiredToken'));
  await expect(operatorIdentity(stage(), undefined, {}, client)).rejects.toThrow('ExpiredToken');
  sts.restore();
});

test("--local appends to the twin's audit file; a stage needs its AdminAuditLogGroup output", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'operator-audit-')), 'audit.log');
  const record = {
    v: 1,
    at: '2026-12-01T00:00:00.000Z',
    who: 'twin-operator:x',
    action: 'keys revoke',
    outcome: 'accepted',
    status: 0,
    requestId: 'r',
  } as const;
  await auditLogOf(twin(file)).write(record);
  await auditLogOf(twin(file)).write(record);
  expect(
    fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line)),
  ).toEqual([record, record]);
  expect(() => auditLogOf(stage())).toThrow('stack MeteredApi-dev has no AdminAuditLogGroup output');
  expect(() => auditLogOf(stage({ AdminAuditLogGroup: 'metered-audit' }))).not.toThrow();
});
