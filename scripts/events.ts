// Prints the alert events (quota, low credit balance) of the local twin: `npm run events -- --local [--follow] [--json]`.
// The twin's stand-in EventBridge appends each event to its event log (one JSON object per line);
// on AWS the events go to the stage's bus and on to its targets (SNS topic, webhook), see docs/alerts.md.
import fs from 'node:fs';
import { CREDIT_ALERTS } from '../contracts/billing';
import { type Command, parseFlags, runCommand } from './support/cli';
import { chooseTarget, resolveTarget, TARGET_FLAGS } from './support/stage-target';

const USAGE = `usage: npm run events -- --local [--follow] [--json]
  --local    the twin started with the same PORT (default 3000): its event log (on AWS, subscribe to the
             stage's alert topic or webhook instead)
  --follow   keep printing new events as they arrive (Ctrl-C stops)
  --json     print each event as EventBridge delivers it (one JSON object per line)`;

/** One line per event: time, detail-type, then the alert's fields. */
export function formatEvent(line: string, json: boolean): string | undefined {
  if (line.trim() === '') return undefined;
  if (json) return line;
  try {
    const event = JSON.parse(line) as { time?: string; 'detail-type'?: string; detail?: Record<string, unknown> };
    const d = event.detail ?? {};
    if (event['detail-type'] === CREDIT_ALERTS.detailType) {
      return `${event.time}  ${event['detail-type']}  ${d.clientId} ${d.plan} at or below ${d.threshold} units: ${d.balance} left, cycle ${d.cycle}  (${d.eventId})`;
    }
    return `${event.time}  ${event['detail-type']}  ${d.clientId} ${d.plan} ${d.threshold}% on ${d.day}: ${d.used} of ${d.quota}  (${d.eventId})`;
  } catch {
    return `(unreadable line) ${line.slice(0, 80)}`;
  }
}

/** Reads complete lines from `offset`; returns them and the offset after the last complete one. */
export function readLines(file: string, offset: number): { lines: string[]; offset: number } {
  if (!fs.existsSync(file)) return { lines: [], offset };
  const size = fs.statSync(file).size;
  if (size < offset) offset = 0; // the log was replaced (a new twin): start over
  if (size === offset) return { lines: [], offset };
  const buffer = Buffer.alloc(size - offset);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    fs.closeSync(fd);
  }
  const end = buffer.lastIndexOf(0x0a);
  if (end === -1) return { lines: [], offset };
  return { lines: buffer.subarray(0, end).toString('utf8').split('\n'), offset: offset + end + 1 };
}

async function main(argv: string[]): Promise<undefined> {
  const { values } = parseFlags(argv, { follow: { type: 'boolean' }, json: { type: 'boolean' }, ...TARGET_FLAGS });
  const target = await resolveTarget(chooseTarget(values, ['local']));
  const file = target.kind === 'local' ? target.twin.eventLogFile : undefined;
  if (!file) throw new Error('this twin keeps no event log: restart it with npm start');
  const print = (lines: string[]) => {
    for (const line of lines) {
      const text = formatEvent(line, values.json ?? false);
      if (text !== undefined) console.log(text);
    }
  };
  let { lines, offset } = readLines(file, 0);
  print(lines);
  if (!values.follow) return;
  const timer = setInterval(() => {
    ({ lines, offset } = readLines(file, offset));
    print(lines);
  }, 250);
  // Following ends with Ctrl-C (or SIGTERM): the command is done then.
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);
}

export const eventsCommand: Command = { name: 'events', usage: USAGE, run: main };

runCommand(eventsCommand, module);
