// Who `npm run keys` names in the audit log and where it writes: the twin's operator and audit file with --local;
// on a stage the declared operator (--actor, METERED_OPERATOR, else the OS user) and the stage's audit log group.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auditLogOf, OPERATOR_ENV, operatorIdentity } from '../../scripts/support/operator-audit';
import type { Target } from '../../scripts/support/stage-target';
import type { TwinState } from '../../local/state-file';

const user = os.userInfo().username;
const stage = (outputs: Record<string, string> = {}): Target => ({ kind: 'stage', stage: 'dev', outputs });
const twin = (adminAuditFile: string): Target => ({ kind: 'local', twin: { port: 1, adminAuditFile } as TwinState });

test('the twin names its operator by OS user; a stage by --actor, then the environment, then the OS user', () => {
  const file = path.join(os.tmpdir(), 'unused-audit.log');
  expect(operatorIdentity(twin(file), 'ignored-on-the-twin', {})).toBe(`twin-operator:${user}`);
  expect(operatorIdentity(stage(), 'alice@example.com', { [OPERATOR_ENV]: 'bob' })).toBe('cli:alice@example.com');
  expect(operatorIdentity(stage(), undefined, { [OPERATOR_ENV]: 'bob' })).toBe('cli:bob');
  expect(operatorIdentity(stage(), undefined, {})).toBe(`cli:${user}`);
  // A name that could forge a log line or smuggle markup is refused, without echoing it.
  for (const bad of ['two\nlines', '<script>', '', 'x'.repeat(129)]) {
    expect(() => operatorIdentity(stage(), bad, {})).toThrow(/^--actor \(or METERED_OPERATOR\) must be 1–128/);
    expect(() => operatorIdentity(stage(), bad, {})).not.toThrow(bad || 'never');
  }
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
