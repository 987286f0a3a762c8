// Re-sends usage events that route functions logged as dropped:
// `npm run usage:replay -- --since 2h [--until …] (--stage dev|prod | --local)`. Safe to run twice:
// the aggregator counts each eventId once.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { readTwinState, twinClientConfig, type TwinState } from '../local/state-file';
import { droppedEventsFromLines, parseInstant, resendUsageEvents, type TimeWindow } from './support/dropped-usage-events';
import { droppedEventLines, routeLogGroups } from './support/route-log-groups';
import { stackOutputs } from './support/stack-outputs';

const USAGE = `usage: npm run usage:replay -- --since <2h|30m|1d|ISO time> [--until <…>] (--stage <dev|prod> | --local) [--dry-run]
  --since / --until  the window of log lines to search (default until: now)
  --local            the twin started with the same PORT (default 3000): its Lambda log file
  --stage            CloudWatch Logs of the route functions of stack MeteredApi-<stage>
  --dry-run          list what would be sent, send nothing`;

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
  const outputs = await stackOutputs(stage, clients.cloudFormation);
  const queueUrl = outputs.UsageQueueUrl;
  if (!queueUrl) throw new Error(`stack MeteredApi-${stage} has no UsageQueueUrl output`);
  const groups = await routeLogGroups(clients.cloudFormation, `MeteredApi-${stage}`);
  if (groups.length === 0) throw new Error(`no route function log groups found in stack MeteredApi-${stage}`);
  const lines = await droppedEventLines(clients.logs, groups, window);
  return replayFromLines(lines, { sqs: clients.sqs, queueUrl }, window, dryRun);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      stage: { type: 'string' },
      local: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.since) throw new Error('--since is required, e.g. --since 2h');
  if (Boolean(values.stage) === values.local) throw new Error('give exactly one of --stage <dev|prod> or --local');
  const now = new Date();
  const window = { since: parseInstant(values.since, now), until: values.until ? parseInstant(values.until, now) : now };
  if (window.since > window.until) throw new Error('--since must be before --until');
  const dryRun = values['dry-run'] ?? false;
  const summary = values.stage
    ? await replayStage(
        values.stage,
        window,
        { cloudFormation: new CloudFormationClient({}), logs: new CloudWatchLogsClient({}), sqs: new SQSClient({}) },
        dryRun,
      )
    : await replayLocal(readTwinState(), window, dryRun);
  console.log(JSON.stringify(summary, null, 2));
  if (summary.failed.length > 0 || summary.invalid > 0) process.exitCode = 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(`error: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  });
}
