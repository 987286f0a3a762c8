// `npm run keys -- create --plan <gate plan> --name <prefix> --count N --out FILE`: many clients of a gate plan at
// once (no API Gateway key each), each created and audited as `keys create` does; the keys go to a new file of mode
// 0600, one JSON line each, never to the terminal.
import fs from 'node:fs';
import { isGatePlan, type PlanName } from '../../contracts/plans';
import { auditedChange, type ChangeAudit } from '../../capabilities/admin/audited-change';
import { runLimited } from '../../capabilities/aws/bounded-concurrency';
import { createKey, type KeyTarget } from './key-admin';
import { UsageError } from './cli';

/** The most clients one bulk create makes: a typo guard (10⁶ is ten times the scale proof, docs/scale.md). */
export const MAX_BULK_COUNT = 1_000_000;
/** Creations in flight at once. */
export const BULK_CONCURRENCY = 16;

export interface BulkCreate {
  readonly plan: PlanName;
  readonly namePrefix: string;
  readonly count: number;
  readonly outFile: string;
}

/** The bulk request from the flags, or a usage error naming what is wrong (never echoing a key). */
export function bulkCreateOf(values: { plan: PlanName; name: string; count?: string; out?: string; expires?: string }): BulkCreate {
  const count = Number(values.count);
  if (!/^\d+$/.test(values.count ?? '') || count < 1 || count > MAX_BULK_COUNT) {
    throw new UsageError(`--count must be a whole number from 1 to ${MAX_BULK_COUNT}`);
  }
  if (!isGatePlan(values.plan)) {
    throw new UsageError(
      `--count creates clients of a gate plan only (API Gateway allows 10,000 keys per account and Region): ${values.plan} is not one`,
    );
  }
  if (values.name.length > 56)
    throw new UsageError('--name with --count is a prefix of at most 56 characters (the names are <prefix>-<n>)');
  if (!values.out) throw new UsageError('--count needs --out <file>: the keys are written there (mode 0600), never printed');
  if (values.expires !== undefined) throw new UsageError('--count does not take --expires');
  return { plan: values.plan, namePrefix: values.name, count, outFile: values.out };
}

/**
 * Creates the clients, `BULK_CONCURRENCY` at a time, each with its own audit record; writes `{ apiKey, clientId, plan }`
 * lines to a file it creates with mode 0600 (an existing file is refused, never overwritten). Returns how many were
 * created; on a failure the file holds every client created before it.
 */
export async function bulkCreateKeys(
  target: KeyTarget & { changes: ChangeAudit },
  request: BulkCreate,
  progress: (created: number) => void = () => {},
): Promise<number> {
  let fd: number;
  try {
    fd = fs.openSync(request.outFile, 'wx', 0o600);
  } catch (error) {
    throw new UsageError(
      `--out ${request.outFile}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be created'} (a new file is required)`,
    );
  }
  let created = 0;
  const lines: string[] = [];
  const flush = () => {
    if (lines.length > 0) fs.writeSync(fd, lines.splice(0).join(''));
  };
  try {
    const indexes = Array.from({ length: request.count }, (_, i) => i + 1);
    await runLimited(indexes, BULK_CONCURRENCY, async (i) => {
      const client = await auditedChange(
        target.changes,
        'keys create',
        undefined,
        () => createKey(target, request.plan, `${request.namePrefix}-${i}`),
        (c) => c.clientId,
      );
      lines.push(`${JSON.stringify({ apiKey: client.apiKey, clientId: client.clientId, plan: client.plan })}\n`);
      created++;
      if (lines.length >= 1000) flush();
      if (created % 10_000 === 0) progress(created);
    });
  } finally {
    flush();
    fs.closeSync(fd);
  }
  return created;
}
