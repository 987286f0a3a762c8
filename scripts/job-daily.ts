// Runs the daily job now: `npm run job:daily -- [--day YYYY-MM-DD] (--local | --stage dev|prod)`.
// --local runs it in this process against the twin started with the same PORT; --stage invokes the deployed
// function, so it runs with the stage's own settings and permissions.
import { OUTPUT } from '../contracts/deployment';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { runDailyJob } from '../capabilities/daily-job/daily-job';
import { resolveJobDay, retentionDaysFrom } from '../capabilities/daily-job/job-input';
import { type Command, parseFlags, runCommand, UsageError } from './support/cli';
import {
  archiveOf,
  chooseTarget,
  outputOf,
  resolveTarget,
  stageChoice,
  TARGET_FLAGS,
  TARGET_HELP,
  TARGET_USAGE,
  tableOf,
} from './support/stage-target';

const USAGE = `usage: npm run job:daily -- [--day YYYY-MM-DD] ${TARGET_USAGE}
  --day     the closed UTC day to summarize (default: yesterday); counters older than the retention
            (RETENTION_DAYS, default 90, counted back from that day) are archived
${TARGET_HELP}; --stage invokes the stage's daily job function`;

async function runLocal(day: string): Promise<unknown> {
  const target = await resolveTarget({ kind: 'local' });
  return runDailyJob(
    { day, retentionDays: retentionDaysFrom(process.env) },
    {
      table: tableOf(target),
      archive: archiveOf(target),
      log: (message, details) => console.error(`job:daily: ${message} ${JSON.stringify(details)}`),
    },
  );
}

export async function runOnStage(stage: string, day: string | undefined): Promise<unknown> {
  const functionName = outputOf(await resolveTarget(stageChoice(stage)), OUTPUT.dailyJobFunctionName);
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

async function main(argv: string[]): Promise<undefined> {
  const { values } = parseFlags(argv, { day: { type: 'string' }, ...TARGET_FLAGS });
  // A well-formed command with a value the job refuses: one line, no usage text.
  if (values.day !== undefined && !z.iso.date().safeParse(values.day).success) {
    throw new UsageError(`--day must be a real date as YYYY-MM-DD, got ${JSON.stringify(values.day)}`, { withUsage: false });
  }
  // The job's own rule (a closed day: before today, UTC) is checked here too, before any call.
  let day: string;
  try {
    day = resolveJobDay(values.day ? { day: values.day } : {}, new Date());
  } catch (error) {
    throw new UsageError(`--${(error as Error).message}`, { withUsage: false });
  }
  const target = chooseTarget(values);
  const report = target.kind === 'stage' ? await runOnStage(target.stage, values.day) : await runLocal(day);
  console.log(JSON.stringify(report, null, 2));
}

export const jobDailyCommand: Command = { name: 'job:daily', usage: USAGE, run: main };

runCommand(jobDailyCommand, module);
