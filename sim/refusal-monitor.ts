// Which records a batch refuses, held to the bounds the docs state, record by record (issue 19, edges 3 and 5: the
// counts alone never show a refusal that comes too early or too late, since a refused event is retried and counted
// once its time has come, and a copy refused as too old was counted before). Promised where:
// - capabilities/counting/PROTOCOL.md "Claims and journals expire": an event whose request time is older than the claim
//   retention minus a day is refused to the DLQ with a reason; one whose request time is more than MAX_FUTURE_SKEW_MS
//   (5 minutes) ahead of the aggregator's clock is refused too; "Both bounds apply to the request time and to the
//   second the event id carries, whichever is further out."
// - docs/aggregation.md: the reasons say "older than the claim retention" and "ahead of the aggregator clock".
// - docs/aggregation.md: a body that is no usage event is refused as invalid with a reason that says what is wrong and
//   echoes no value: "body is not JSON", "unknown usage event version: <v as JSON, 16 characters at most>", or
//   "invalid usage event: <the first five distinct field paths the schema refuses>".
// The bounds are taken from the batch's start on its container's clock (the sim knows each container's skew), so the
// verdict is exact: a record is refused with a kind exactly when this oracle expects that kind.
import type { BatchResult } from '../capabilities/counting/exactly-once';
import { usageEventV1 } from '../contracts/usage-event';
import { MAX_FUTURE_SKEW_MS } from '../contracts/usage-queue';

const DAY_MS = 24 * 3600 * 1000;
/** `<base 36 second>.<rest>`: the id the publisher builds (contracts/usage-event-id.ts), restated here. */
const ID_SECOND = /^([0-9a-z]{1,8})\.(.+)$/;
/** The words each refusal's reason carries (docs/aggregation.md). */
const REASON_WORDS = { 'too-old': 'older than the claim retention', future: 'ahead of the aggregator clock' } as const;

type Kind = 'invalid' | 'too-old' | 'future';

/** The reason docs/aggregation.md gives an invalid body, or undefined for a usage event. */
export function invalidReason(body: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  const version = json !== null && typeof json === 'object' && 'v' in json ? json.v : null;
  if (version !== 1) return `unknown usage event version: ${JSON.stringify(version).slice(0, 16)}`;
  const parsed = usageEventV1.safeParse(json);
  if (parsed.success) return undefined;
  const paths: string[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    if (!paths.includes(path)) paths.push(path);
  }
  return `invalid usage event: ${paths.slice(0, 5).join(', ')}`;
}

/** What the aggregator must make of a body at a batch started at `startMs` on its clock. */
export function expectedRefusal(body: string, startMs: number, retentionSeconds: number): Kind | undefined {
  let event: { eventId: string; requestTime: string };
  try {
    const parsed = usageEventV1.safeParse(JSON.parse(body));
    if (!parsed.success) return 'invalid';
    event = parsed.data;
  } catch {
    return 'invalid';
  }
  const requestTime = Date.parse(event.requestTime);
  const idSecond = ID_SECOND.exec(event.eventId);
  const claimTime = idSecond ? Number.parseInt(idSecond[1], 36) * 1000 : Math.floor(requestTime / 1000) * 1000;
  if (Math.min(requestTime, claimTime) < startMs - (retentionSeconds * 1000 - DAY_MS)) return 'too-old';
  if (Math.max(requestTime, claimTime) > startMs + MAX_FUTURE_SKEW_MS) return 'future';
  return undefined;
}

export class RefusalMonitor {
  readonly violations: string[] = [];
  /** Records refused as too old or from the future, by kind: how often the run met each bound. */
  readonly refused = { 'too-old': 0, future: 0 };

  constructor(private readonly retentionSeconds: number) {}

  check(containerId: string, records: readonly { id: string; body: string }[], startMs: number, result: BatchResult): void {
    const say = (detail: string) => this.violations.push(`${containerId} batch ${result.journalId ?? '(no journal)'}: ${detail}`);
    const refusals = new Map(result.poison.map((p) => [p.id, p]));
    for (const record of records) {
      const expected = expectedRefusal(record.body, startMs, this.retentionSeconds);
      const refusal = refusals.get(record.id);
      if (refusal?.kind !== expected) {
        say(
          `${record.id} ${refusal ? `refused as ${refusal.kind || '(no kind)'}` : 'not refused'}; its times say ${expected ?? 'count it'}`,
        );
        continue;
      }
      if (!refusal) continue;
      if (refusal.kind !== 'invalid') this.refused[refusal.kind] += 1;
      const words = refusal.kind === 'invalid' ? invalidReason(record.body) : REASON_WORDS[refusal.kind];
      if (refusal.reason === '' || (refusal.kind === 'invalid' ? refusal.reason !== words : !refusal.reason.includes(words ?? '')))
        say(`${record.id} refused as ${refusal.kind} with the reason "${refusal.reason}"`);
      if (record.body.length > 8 && refusal.reason.includes(record.body)) say(`${record.id}: the reason echoes the body`);
    }
  }
}
