// Re-sends usage events that route functions logged as dropped:
// `npm run usage:replay -- --since 2h [--until …] (--stage dev|prod | --local)`. Safe to run twice:
// the aggregator counts each eventId once.
import fs from 'node:fs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { twinClientConfig, type TwinState } from '../local/state-file';
import { droppedEventsFromLines, parseInstant, resendUsageEvents, type TimeWindow } from './support/dropped-usage-events';
import { droppedEventLines, routeLogGroups } from './support/route-log-groups';
import { OUTPUT, stackName } from '../contracts/deployment';
import { type Command, parseFlags, runCommand, UsageError } from './support/cli';
import { chooseTarget, outputOf, resolveTarget, stageChoice, TARGET_FLAGS, TARGET_HELP, TARGET_USAGE } from './support/stage-target';

const USAGE = `usage: npm run usage:replay -- --since <2h|30m|1d|ISO time> [--until <…>] ${TARGET_USAGE} [--dry-run]
  --since / --until  the window of log lines to search (default until: now)
  --dry-run          list what would be sent, send nothing
${TARGET_HELP}: --local reads the twin's Lambda log file, --stage the route functions' CloudWatch Logs
Exits 1 when an event could not be sent or a logged event is invalid.`;

export interface ReplaySummary {
  readonly since: string;
  readonly until: string;
  readonly found: number;
  readonly invalid: number;
  readonly sent: number;
  readonly failed: string[];
  readonly dryRun: boolean;
}

export async function replayFromLines(
  lines: Iterable<string>,
  target: { sqs: SQSClient; queueUrl: string },
  window: TimeWindow,
  dryRun = false,
): Promise<ReplaySummary> {
  const { events, invalid } = droppedEventsFromLines(lines, window);
  const result = dryRun ? { sent: 0, failed: [] } : await resendUsageEvents(target.sqs, target.queueUrl, events);
  return { since: window.since.toISOString(), until: window.until.toISOString(), found: events.length, invalid, ...result, dryRun };
}

/** The twin: its Lambda log file and its usage queue. */
export async function replayLocal(state: TwinState, window: TimeWindow, dryRun = false): Promise<ReplaySummary> {
  if (!state.lambdaLogFile) throw new Error('this twin keeps no Lambda log file: restart it with npm start');
  const text = fs.existsSync(state.lambdaLogFile) ? fs.readFileSync(state.lambdaLogFile, 'utf8') : '';
  const sqs = new SQSClient(twinClientConfig(state, 'sqs'));
  try {
    return await replayFromLines(text.split('\n'), { sqs, queueUrl: state.usageQueueUrl }, window, dryRun);
  } finally {
    sqs.destroy();
  }
}

export interface StageClients {
  readonly cloudFormation: CloudFormationClient;
  readonly logs: CloudWatchLogsClient;
  readonly sqs: SQSClient;
}

/** A deployed stage: the route functions' log groups and the stack's usage queue. */
export async function replayStage(stage: string, window: TimeWindow, clients: StageClients, dryRun = false): Promise<ReplaySummary> {
  const target = await resolveTarget(stageChoice(stage), clients.cloudFormation);
  const queueUrl = outputOf(target, OUTPUT.usageQueueUrl);
  const groups = await routeLogGroups(clients.cloudFormation, stackName(target.stage));
  if (groups.length === 0) throw new Error(`no route function log groups found in stack ${stackName(target.stage)}`);
  const lines = await droppedEventLines(clients.logs, groups, window);
  return replayFromLines(lines, { sqs: clients.sqs, queueUrl }, window, dryRun);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    since: { type: 'string' },
    until: { type: 'string' },
    'dry-run': { type: 'boolean' },
    ...TARGET_FLAGS,
  });
  if (!values.since) throw new UsageError('--since is required, e.g. --since 2h');
  const choice = chooseTarget(values);
  const now = new Date();
  let window: TimeWindow;
  try {
    window = { since: parseInstant(values.since, now), until: values.until ? parseInstant(values.until, now) : now };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (window.since > window.until) throw new UsageError('--since must be before --until');
  const dryRun = values['dry-run'] ?? false;
  const summary =
    choice.kind === 'stage'
      ? await replayStage(
          choice.stage,
          window,
          { cloudFormation: new CloudFormationClient({}), logs: new CloudWatchLogsClient({}), sqs: new SQSClient({}) },
          dryRun,
        )
      : await replayLocal((await resolveTarget(choice)).twin, window, dryRun);
  console.log(JSON.stringify(summary, null, 2));
  return summary.failed.length > 0 || summary.invalid > 0 ? 1 : 0;
}

export const usageReplayCommand: Command = { name: 'usage:replay', usage: USAGE, run: main };

runCommand(usageReplayCommand, module);
