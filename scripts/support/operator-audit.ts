// Where `npm run keys` records its changes and as whom: the admin audit log of the target (the twin's audit file,
// or the stage's audit log group from its stack outputs) and the operator's identity (contracts/admin/audit.ts).
import { userInfo } from 'node:os';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DECLARED_OPERATOR_PREFIX, TWIN_OPERATOR_PREFIX } from '../../contracts/admin/audit';
import { OUTPUT } from '../../contracts/deployment';
import { type AuditLog, cloudWatchAuditLog } from '../../capabilities/admin/audit-log';
import { jsonLinesAuditLog } from '../../local/admin/audit-file';
import { adminAuditPath } from '../../local/state-file';
import { UsageError } from './cli';
import { outputOf, type Target } from './stage-target';

/** The environment variable naming the operator on a stage when `--actor` is not given. */
export const OPERATOR_ENV = 'METERED_OPERATOR';
export const ACTOR_FLAG = { actor: { type: 'string' } } as const;
export const ACTOR_USAGE = `--actor <name> (or ${OPERATOR_ENV}) names the operator in the audit log of a stage; default: the OS user.`;

const ACTOR = /^[A-Za-z0-9@._:/+=,-]{1,128}$/;

/** Who the audit records name: `twin-operator:<user>` on the twin; on a stage the declared operator, `cli:<actor>`. */
export function operatorIdentity(target: Target, actor: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const user = userInfo().username;
  if (target.kind === 'local') return `${TWIN_OPERATOR_PREFIX}${user}`;
  const declared = actor ?? env[OPERATOR_ENV] ?? user;
  if (!ACTOR.test(declared))
    throw new UsageError(`--actor (or ${OPERATOR_ENV}) must be 1–128 letters, digits or @ . _ : / + = , -`, { withUsage: false });
  return `${DECLARED_OPERATOR_PREFIX}${declared}`;
}

/** The admin audit log of the target: the one the admin API writes. */
export function auditLogOf(target: Target): AuditLog {
  if (target.kind === 'local') return jsonLinesAuditLog(target.twin.adminAuditFile ?? adminAuditPath(target.twin.port));
  return cloudWatchAuditLog(new CloudWatchLogsClient({}), outputOf(target, OUTPUT.adminAuditLogGroup));
}
