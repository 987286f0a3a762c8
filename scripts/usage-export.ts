// Monthly statements on demand: `npm run usage:export -- --month YYYY-MM [--client ID]
// [--format csv|jsonl|stripe] [--write] (--stage dev|prod | --local)`. Prints the statement in the
// chosen format, or with --write puts the month's files into the archive bucket as the daily job does.
import { EXPORT_FORMATS, type ExportFormat } from '../contracts/billing';
import { buildMonthlyStatement, writeMonthlyStatement } from '../capabilities/statements/monthly-statement';
import type { MonthSources } from '../capabilities/statements/monthly-usage';
import { isMonth } from '../capabilities/statements/months';
import { meterEvents, meterEventsJsonl, statementCsv, statementJsonl } from '../capabilities/statements/statement-files';
import { type Command, parseFlags, runCommand, UsageError } from './support/cli';
import {
  archiveOf,
  chooseTarget,
  resolveTarget,
  TARGET_FLAGS,
  TARGET_HELP,
  TARGET_USAGE,
  type TargetChoice,
  tableOf,
} from './support/stage-target';

const USAGE = `usage: npm run usage:export -- --month YYYY-MM [--client ID] [--format csv|jsonl|stripe] [--write [--correct REASON]] ${TARGET_USAGE}
  --month   the UTC month
  --client  one client only (not with --write)
  --format  csv (default), jsonl, or stripe (billable units as Stripe billing meter events, JSON lines)
  --write   write statements/month=YYYY-MM/ (CSV, JSON lines, manifest) to the archive bucket
  --correct with --write, for a closed month whose counters changed since (late usage, a replay): record a
            correction (statement.rN.csv/jsonl beside the closed files, listed in the manifest) with REASON
${TARGET_HELP}`;

async function sourcesFor(choice: TargetChoice): Promise<MonthSources> {
  const target = await resolveTarget(choice);
  return { table: tableOf(target), archive: archiveOf(target) };
}

async function main(argv: string[]): Promise<undefined> {
  const { values } = parseFlags(argv, {
    month: { type: 'string' },
    client: { type: 'string' },
    format: { type: 'string' },
    write: { type: 'boolean' },
    correct: { type: 'string' },
    ...TARGET_FLAGS,
  });
  const choice = chooseTarget(values);
  if (!isMonth(values.month)) throw new UsageError(`--month must be YYYY-MM, got ${JSON.stringify(values.month ?? null)}`);
  const format = (values.format ?? 'csv') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (values.write && (values.client || values.format))
    throw new UsageError('--write writes the whole month in every format: drop --client and --format');

  const correction = values.correct?.trim();
  if (values.correct !== undefined && (!values.write || !correction || correction.length > 200))
    throw new UsageError('--correct needs --write and a reason of 1–200 characters');

  const sources = await sourcesFor(choice);
  const statement = await buildMonthlyStatement(sources, values.month, { clientId: values.client });
  if (values.write) {
    const written = await writeMonthlyStatement(sources.archive, statement, { correction });
    console.log(JSON.stringify(written, null, 2));
    if (written.outcome === 'kept-closed')
      console.error(
        `usage:export: ${values.month} is closed and its counters now differ from its statement; record a correction with --write --correct "<reason>"`,
      );
    return;
  }
  if (statement.openDays.length > 0)
    console.error(`usage:export: ${values.month} is still open (late usage may change ${statement.openDays.length} day(s))`);
  if (format === 'csv') process.stdout.write(statementCsv(statement.statements));
  if (format === 'jsonl') process.stdout.write(statementJsonl(statement.statements));
  if (format === 'stripe') {
    const { events, unmapped } = meterEvents(statement.statements, statement.usage);
    if (unmapped.length > 0)
      console.error(`usage:export: no Stripe customer for ${unmapped.length} client(s) with usage: ${unmapped.join(', ')}`);
    process.stdout.write(meterEventsJsonl(events));
  }
}

export const usageExportCommand: Command = { name: 'usage:export', usage: USAGE, run: main };

runCommand(usageExportCommand, module);
