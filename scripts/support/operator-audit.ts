// Where `npm run keys` records its changes and as whom: the admin audit log of the target (the twin's audit file,
// or the stage's audit log group from its stack outputs) and the operator's identity (contracts/admin/audit.ts).
import { userInfo } from 'node:os';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
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
export const ACTOR_USAGE = `On a stage the audit log names your IAM identity (STS GetCallerIdentity); --actor <name> (or ${OPERATOR_ENV}) adds who you are behind a shared role.`;

const ACTOR = /^[A-Za-z0-9@._:/+=,-]{1,128}$/;

/**
 * Who the audit records name: `twin-operator:<user>` on the twin. On a stage, the caller's IAM ARN as STS
 * answers GetCallerIdentity (the same form the admin API records; the call needs no permission), followed by
 * the declared operator when one is given (`--actor`, else `METERED_OPERATOR`): `<arn> cli:<name>`, so a shared
 * role still says which person acted, and the ARN is what IAM verified.
 */
export async function operatorIdentity(
  target: Target,
  actor: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  sts: Pick<STSClient, 'send'> = new STSClient({}),
): Promise<string> {
  if (target.kind === 'local') return `${TWIN_OPERATOR_PREFIX}${userInfo().username}`;
  const declared = actor ?? env[OPERATOR_ENV];
  if (declared !== undefined && !ACTOR.test(declared))
    throw new UsageError(`--actor (or ${OPERATOR_ENV}) must be 1–128 letters, digits or @ . _ : / + = , -`, { withUsage: false });
  const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
  if (!Arn) throw new Error('STS GetCallerIdentity answered without an ARN');
  return declared === undefined ? Arn : `${Arn} ${DECLARED_OPERATOR_PREFIX}${declared}`;
}

/** The admin audit log of the target: the one the admin API writes. */
export function auditLogOf(target: Target): AuditLog {
  if (target.kind === 'local') return jsonLinesAuditLog(target.twin.adminAuditFile ?? adminAuditPath(target.twin.port));
  return cloudWatchAuditLog(new CloudWatchLogsClient({}), outputOf(target, OUTPUT.adminAuditLogGroup));
}
