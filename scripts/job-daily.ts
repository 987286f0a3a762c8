// Runs the daily job now: `npm run job:daily -- [--day YYYY-MM-DD] [--local | --stage dev|prod]`.
// --local (the default) runs it in this process against the twin started with the same PORT;
// --stage invokes the deployed function, so it runs with the stage's own settings and permissions.
import { OUTPUT, stackName } from '../contracts/deployment';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { runDailyJob } from '../capabilities/daily-job/daily-job';
import { resolveJobDay, retentionDaysFrom } from '../capabilities/daily-job/job-input';
import { readTwinState, twinClientConfig } from '../local/state-file';
import { stackOutputs } from './support/stack-outputs';

const USAGE = `usage: npm run job:daily -- [--day YYYY-MM-DD] [--local | --stage <dev|prod>]
  --day    the closed UTC day to summarize (default: yesterday); counters older than the retention
           (RETENTION_DAYS, default 90, counted back from that day) are archived
  --local  the twin started with the same PORT (default 3000); the default target
  --stage  invoke the deployed daily job function of stack MeteredApi-<stage>`;

class UsageError extends Error {}
/** A well-formed command with a value the job refuses: one line, no usage text. */
class BadValueError extends Error {}

async function runLocal(day: string): Promise<unknown> {
  const state = readTwinState();
  return runDailyJob(
    { day, retentionDays: retentionDaysFrom(process.env) },
    {
      table: { db: DynamoDBDocumentClient.from(new DynamoDBClient(twinClientConfig(state, 'dynamodb'))), tableName: state.tableName },
      archive: { s3: new S3Client(twinClientConfig(state, 's3')), bucket: state.archiveBucket },
      log: (message, details) => console.error(`job:daily: ${message} ${JSON.stringify(details)}`),
    },
  );
}

export async function runOnStage(stage: string, day: string | undefined): Promise<unknown> {
  const outputs = await stackOutputs(stage);
  const functionName = outputs[OUTPUT.dailyJobFunctionName];
  if (!functionName) throw new Error(`stack ${stackName(stage)} has no ${OUTPUT.dailyJobFunctionName} output`);
  // One attempt: a timed-out call may still be running, and the job is safe to rerun by hand.
  const result = await new LambdaClient({ maxAttempts: 1 }).send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: Buffer.from(JSON.stringify(day ? { day } : {})),
    }),
  );
  const payload = result.Payload ? JSON.parse(Buffer.from(result.Payload).toString('utf8') || 'null') : null;
  if (result.FunctionError) {
    throw new Error(`${functionName} failed: ${payload?.errorType ?? result.FunctionError}: ${payload?.errorMessage ?? 'no message'}`);
  }
  return payload;
}

async function main(argv: string[]): Promise<void> {
  let values: { day?: string; local?: boolean; stage?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { day: { type: 'string' }, local: { type: 'boolean' }, stage: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.local && values.stage) throw new UsageError('choose one of --local and --stage');
  if (values.day !== undefined && !z.iso.date().safeParse(values.day).success) {
    throw new BadValueError(`--day must be a real date as YYYY-MM-DD, got ${JSON.stringify(values.day)}`);
  }
  // The job's own rule (a closed day: before today, UTC) is checked here too, before any call.
  let day: string;
  try {
    day = resolveJobDay(values.day ? { day: values.day } : {}, new Date());
  } catch (error) {
    throw new BadValueError(`--${(error as Error).message}`);
  }
  const report = values.stage ? await runOnStage(values.stage, values.day) : await runLocal(day);
  console.log(JSON.stringify(report, null, 2));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(`job:daily: ${error.message}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exit(error instanceof UsageError || error instanceof BadValueError ? 2 : 1);
  });
}
