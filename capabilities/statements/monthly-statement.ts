import { type CounterArchive, getObject, putVerified } from '../archive/counter-archive';
import { readMonth, type ClientMonth, type MonthSources } from './monthly-usage';
import { openDays } from './months';
import { billableDayChanges, statementsOfJsonl } from './billable-deltas';
import {
  clientStatement,
  statementFiles,
  statementKeys,
  type BillableDayChange,
  type ClientStatement,
  type StatementCorrection,
  type StatementFormat,
  type StatementManifest,
  STATEMENT_FORMAT,
} from './statement-files';

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
  /**
   * `written`: new or changed files put; `unchanged`: the stored files already matched; `kept-closed`: a closed
   * month differs and was left as it was (`differs`); `corrected`: a closed month differed and a correction
   * was recorded as a new revision (only when asked to).
   */
  readonly outcome: 'written' | 'unchanged' | 'kept-closed' | 'corrected';
  readonly manifest: StatementManifest;
}

export interface WriteOptions {
  /** For a closed month whose counters changed (late usage, a replay): record a correction with this reason. */
  readonly correction?: string;
}

const sameFiles = (a: StatementManifest['files'], b: StatementManifest['files']) =>
  a.length === b.length && a.every((f, i) => f.sha256 === b[i].sha256);

/**
 * Writes the month's files (data first, manifest last, each read back and hashed). A closed month's files
 * never change: a difference is reported (`kept-closed`), or, with `correction`, recorded as a new revision.
 */
export async function writeMonthlyStatement(
  archive: CounterArchive,
  statement: MonthlyStatement,
  options: WriteOptions = {},
): Promise<WrittenStatement> {
  const manifestKey = statementKeys(statement.month).manifest;
  const storedBody = await getObject(archive, manifestKey);
  const stored = storedBody ? (JSON.parse(storedBody.toString('utf8')) as StatementManifest) : undefined;
  // A closed month keeps the format it closed in, so it is never revised for its format alone.
  const format: StatementFormat = stored?.status === 'closed' ? (stored.format ?? 1) : STATEMENT_FORMAT;
  const files = statementFiles(statement.month, statement.statements, statement.openDays, 1, format);
  const newManifest = files.objects.find((o) => o.key === manifestKey)!.body;
  if (storedBody?.equals(newManifest)) return { month: statement.month, outcome: 'unchanged', manifest: files.manifest };
  if (stored?.status === 'closed' && files.manifest.status === 'closed') {
    const latest = stored.corrections?.at(-1) ?? stored;
    const revision = (stored.corrections?.at(-1)?.revision ?? 1) + 1;
    const candidate = statementFiles(statement.month, statement.statements, [], revision, format);
    // Same content as the latest revision (renamed files hash alike): nothing to record.
    if (sameFiles(candidate.manifest.files, latest.files)) return { month: statement.month, outcome: 'unchanged', manifest: stored };
    if (!options.correction) return { month: statement.month, outcome: 'kept-closed', manifest: stored };
    // Format 2: the client-days whose billable units changed against the latest revision (its JSON lines file).
    const billableDays =
      candidate.manifest.billableUnits === undefined ? undefined : await billableDaysSince(archive, latest.files, statement.statements);
    const correction: StatementCorrection = {
      revision,
      reason: options.correction,
      clients: candidate.manifest.clients,
      requests: candidate.manifest.requests,
      requestsDelta: candidate.manifest.requests - latest.requests,
      ...(candidate.manifest.billableUnits === undefined
        ? {}
        : {
            billableUnits: candidate.manifest.billableUnits,
            billableUnitsDelta: candidate.manifest.billableUnits - (latest.billableUnits ?? 0),
            billableDays,
          }),
      files: candidate.manifest.files,
    };
    const manifest: StatementManifest = { ...stored, corrections: [...(stored.corrections ?? []), correction] };
    const data = candidate.objects.filter((o) => o.key !== manifestKey);
    await putVerified(archive, [
      ...data,
      { key: manifestKey, body: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), contentType: 'application/json' },
    ]);
    return { month: statement.month, outcome: 'corrected', manifest };
  }
  if (stored?.status === 'closed') return { month: statement.month, outcome: 'kept-closed', manifest: stored };
  await putVerified(archive, files.objects);
  return { month: statement.month, outcome: 'written', manifest: files.manifest };
}

/** The client-days whose billable units `revised` changes against the revision whose files are `files`. */
async function billableDaysSince(
  archive: CounterArchive,
  files: StatementManifest['files'],
  revised: readonly ClientStatement[],
): Promise<BillableDayChange[]> {
  const jsonl = files.find((f) => f.key.endsWith('.jsonl'));
  const body = jsonl ? await getObject(archive, jsonl.key) : undefined;
  if (!body) throw new Error(`statement file ${jsonl?.key ?? '(no .jsonl)'} is missing: cannot say what the correction changes`);
  return billableDayChanges(statementsOfJsonl(body.toString('utf8')), revised);
}
