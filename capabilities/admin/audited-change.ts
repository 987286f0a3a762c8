// A change made outside the admin API (the keys CLI) written to the admin audit log as the admin router writes its
// own: who, what, which client and how it looked before and after (never key material), accepted or refused.
import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../../contracts/admin/audit';
import { CLIENT_ID_PATTERN } from '../../contracts/admin/client-fields';
import type { ClientView } from '../../contracts/admin/clients';
import { type ClientStore, getClient } from '../customers/client-store';
import { HttpProblem } from '../http/problem';
import { clientViewOf, problemOf } from './actions';
import type { AuditLog } from './audit-log';

/** Who acts and where the records go; `onUnstored` hears of a record the log refused (the change stands). */
export interface ChangeAudit {
  readonly audit: AuditLog;
  readonly who: string;
  readonly store: ClientStore;
  readonly onUnstored?: (record: AuditRecord, error: Error) => void;
}

/** The exit status recorded for a CLI change (`status`): 0 done, 1 refused or failed. */
export const CHANGE_STATUS = { accepted: 0, notDone: 1 } as const;

async function viewOf(store: ClientStore, clientId: string | undefined): Promise<ClientView | undefined> {
  if (!clientId) return undefined;
  const client = await getClient(store, clientId).catch(() => undefined);
  return client ? clientViewOf(client) : undefined;
}

/**
 * Runs `work` (a change of client `clientId`, or of the client `clientOf` names in its result: a new one) and writes
 * exactly one audit record for it, named `action` (`keys revoke`). The error of a refused or failed change is
 * rethrown as it was, after its record.
 */
export async function auditedChange<T>(
  audit: ChangeAudit,
  action: string,
  clientId: string | undefined,
  work: () => Promise<T>,
  clientOf?: (result: T) => string,
): Promise<T> {
  const requestId = randomUUID();
  const before = await viewOf(audit.store, clientId);
  const write = async (record: AuditRecord) => {
    try {
      await audit.audit.write(record);
    } catch (error) {
      audit.onUnstored?.(record, error as Error);
    }
  };
  const base = { v: 1 as const, who: audit.who, action, requestId };
  // As the router: an id that is not a client id's shape is input, never recorded.
  const recordedId = clientId && CLIENT_ID_PATTERN.test(clientId) ? clientId : undefined;
  let result: T;
  try {
    result = await work();
  } catch (error) {
    const problem = problemOf(error);
    const refused = problem instanceof HttpProblem && problem.statusCode < 500;
    await write({
      ...base,
      at: new Date().toISOString(),
      outcome: refused ? 'refused' : 'failed',
      status: CHANGE_STATUS.notDone,
      ...(recordedId ? { clientId: recordedId } : {}),
      reason: problem instanceof HttpProblem ? problem.slug : 'internal-error',
      ...(before ? { before } : {}),
    });
    throw error;
  }
  const changed = clientId ?? clientOf?.(result);
  const after = await viewOf(audit.store, changed);
  await write({
    ...base,
    at: new Date().toISOString(),
    outcome: 'accepted',
    status: CHANGE_STATUS.accepted,
    ...(changed ? { clientId: changed } : {}),
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
  });
  return result;
}
