import { type CounterArchive, getObject, putVerified } from '../daily-job/counter-archive';
import { readMonth, type ClientMonth, type MonthSources } from './monthly-usage';
import { openDays } from './months';
import { clientStatement, statementFiles, statementKeys, type ClientStatement, type StatementManifest } from './statement-files';

export interface MonthlyStatement {
  readonly month: string;
  readonly usage: readonly ClientMonth[];
  readonly statements: readonly ClientStatement[];
  readonly openDays: readonly string[];
}

export async function buildMonthlyStatement(
  sources: MonthSources,
  month: string,
  options: { readonly now?: Date; readonly clientId?: string } = {},
): Promise<MonthlyStatement> {
  const usage = await readMonth(sources, month, options.clientId);
  return {
    month,
    usage,
    statements: usage.map((u) => clientStatement(month, u)),
    openDays: openDays(month, options.now ?? new Date()),
  };
}

export interface WrittenStatement {
  readonly month: string;
  /** `written`: new or changed files put; `unchanged`: the stored files already matched; `kept-closed`: a closed month differs and was left as it was. */
  readonly outcome: 'written' | 'unchanged' | 'kept-closed';
  readonly manifest: StatementManifest;
}

/** Writes the month's files (data first, manifest last, each read back and hashed). */
export async function writeMonthlyStatement(archive: CounterArchive, statement: MonthlyStatement): Promise<WrittenStatement> {
  const files = statementFiles(statement.month, statement.statements, statement.openDays);
  const manifestKey = statementKeys(statement.month).manifest;
  const storedBody = await getObject(archive, manifestKey);
  const stored = storedBody ? (JSON.parse(storedBody.toString('utf8')) as StatementManifest) : undefined;
  const newManifest = files.objects.find((o) => o.key === manifestKey)!.body;
  if (storedBody?.equals(newManifest)) return { month: statement.month, outcome: 'unchanged', manifest: files.manifest };
  if (stored?.status === 'closed') return { month: statement.month, outcome: 'kept-closed', manifest: stored };
  await putVerified(archive, files.objects);
  return { month: statement.month, outcome: 'written', manifest: files.manifest };
}
