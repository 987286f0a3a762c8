// Monthly statements on demand: `npm run usage:export -- --month YYYY-MM [--client ID]
// [--format csv|jsonl|stripe] [--write] (--stage dev|prod | --local)`. Prints the statement in the
// chosen format, or with --write puts the month's files into the archive bucket as the daily job does.
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { EXPORT_FORMATS, type ExportFormat } from '../contracts/billing';
import { buildMonthlyStatement, writeMonthlyStatement } from '../capabilities/statements/monthly-statement';
import type { MonthSources } from '../capabilities/statements/monthly-usage';
import { isMonth } from '../capabilities/statements/months';
import { meterEvents, meterEventsJsonl, statementCsv, statementJsonl } from '../capabilities/statements/statement-files';
import { readTwinState, twinClientConfig } from '../local/state-file';
import { stackOutputs } from './support/stack-outputs';

const USAGE = `usage: npm run usage:export -- --month YYYY-MM [--client ID] [--format csv|jsonl|stripe] [--write [--correct REASON]] (--local | --stage <dev|prod>)
  --month   the UTC month
  --client  one client only (not with --write)
  --format  csv (default), jsonl, or stripe (Stripe billing meter events as JSON lines, to upload)
  --write   write statements/month=YYYY-MM/ (CSV, JSON lines, manifest) to the archive bucket
  --correct with --write, for a closed month whose counters changed since (late usage, a replay): record a
            correction (statement.rN.csv/jsonl beside the closed files, listed in the manifest) with REASON
  --local   the twin started with the same PORT (default 3000); the default target
  --stage   the deployed stack MeteredApi-<stage>, with your AWS credentials`;

class UsageError extends Error {}

async function sourcesFor(stage: string | undefined): Promise<MonthSources> {
  if (stage) {
    const outputs = await stackOutputs(stage);
    if (!outputs.TableName || !outputs.ArchiveBucketName)
      throw new Error(`stack MeteredApi-${stage} has no TableName/ArchiveBucketName output`);
    return {
      table: { db: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName: outputs.TableName },
      archive: { s3: new S3Client({}), bucket: outputs.ArchiveBucketName },
    };
  }
  const state = readTwinState();
  return {
    table: { db: DynamoDBDocumentClient.from(new DynamoDBClient(twinClientConfig(state, 'dynamodb'))), tableName: state.tableName },
    archive: { s3: new S3Client(twinClientConfig(state, 's3')), bucket: state.archiveBucket },
  };
}

async function main(argv: string[]): Promise<void> {
  let values: {
    month?: string;
    client?: string;
    format?: string;
    write?: boolean;
    correct?: string;
    local?: boolean;
    stage?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        month: { type: 'string' },
        client: { type: 'string' },
        format: { type: 'string' },
        write: { type: 'boolean' },
        correct: { type: 'string' },
        local: { type: 'boolean' },
        stage: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.local && values.stage) throw new UsageError('choose one of --local and --stage');
  if (!isMonth(values.month)) throw new UsageError(`--month must be YYYY-MM, got ${JSON.stringify(values.month ?? null)}`);
  const format = (values.format ?? 'csv') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (values.write && (values.client || values.format))
    throw new UsageError('--write writes the whole month in every format: drop --client and --format');

  const correction = values.correct?.trim();
  if (values.correct !== undefined && (!values.write || !correction || correction.length > 200))
    throw new UsageError('--correct needs --write and a reason of 1–200 characters');

  const sources = await sourcesFor(values.stage);
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

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(`usage:export: ${error.message}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
