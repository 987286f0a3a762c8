// Every error the aggregator or the alert sweeper reports is one a fault caused (issue 19: the counts alone never show
// an error that should have been retried, since SQS redelivers what failed). Promised where:
// - capabilities/counting/retry.ts: DynamoDB calls that failed transiently (a throttle or 500 the SDK gave up on) are
//   retried until the deadline, so they end a batch only as OutOfTime; capabilities/counting/PROTOCOL.md "Everything not finished (out of
//   time, an owner still at work, an unexpected error in one part)" and docs/aggregation.md "One bad record does not
//   poison a batch" (the unexpected error is logged with its step, `AggregatorBatchPartErrors` counts the parts).
// - So an aggregator's `onError` names an error its DynamoDB client threw during that batch that neither the SDK nor
//   the code retries (sim/faulty-dynamo.ts NOT_RETRIED: an expired credential, an unparsable answer), each error once;
//   `errors` counts exactly the parts that failed (every report but the best-effort unlist of capabilities/counting/PROTOCOL.md step 4); a
//   batch that throws throws OutOfTime or such an error; a batch run wholly in calm reports none.
// - The sweeper (capabilities/alerts/sweeper.ts) retries nothing itself: each part it reports failed names an error
//   one of its clients (DynamoDB past the SDK, PutEvents) threw during that sweep; the calm final sweep reports none.
// Every report names its step (and the aggregator's its journal, the sweeper's its day) with a readable error.
// - Nothing retries an error nobody retries: within an aggregator batch, a call that met one is never sent again
//   as it was (retry.ts's `isRetryable` rethrows it; a retried one would end silently as OutOfTime). Writes and
//   Queries only: two parts may read the same journal heads alike. Not in sweeps: the sweeper retries nothing, but
//   its resend part sends again what a failed detect part left pending (the same Update or Delete, seed 30966).
// - A part whose alerts went out and whose marking then failed reports SentButUnmarked, caused by the marking's error.
import { SentButUnmarked } from '../capabilities/alerts/sent-unmarked';
import type { BatchResult } from '../capabilities/counting/exactly-once';
import { OutOfTime } from '../capabilities/counting/retry';
import type { LoggedRequest } from './calm-batch-log';
import { NOT_RETRIED, type SentCommand } from './faulty-dynamo';

/**
 * The aggregator's steps that can fail a part (capabilities/counting/PROTOCOL.md "Steps of a batch": 3 claim, 4 count, 5 resume, 5b finish
 * pending), and the two sub-steps it names on their own: the abort of a voided journal (capabilities/counting/PROTOCOL.md "The invariant")
 * and the best-effort unlist of a finished journal (step 4), which fails no part.
 */
export const AGGREGATOR_STEPS = ['claim', 'count', 'resume', 'finish pending', 'abort own journal', 'unlist journal'] as const;
const BEST_EFFORT_STEP = 'unlist journal';
/** The one step whose report may name no journal: a look through the pending index is no journal's. */
const STEP_WITHOUT_JOURNAL = 'finish pending';
/**
 * Reads of journal heads, which several parts of one batch may send alike (each claim page's owners are read in
 * bulk, and another page may be owned by the same journals): one part's failed read is no other part's retry.
 */
const SHARED_READS: ReadonlySet<string> = new Set(['GetCommand', 'BatchGetCommand']);
/** capabilities/counting/retry.ts gives up at most its largest backoff (1 s) before the deadline. */
const OUT_OF_TIME_WINDOW_MS = 1_000;
/** A day, or the range of days a sweeper part covers (`<first>..<last>`). */
const DAYS = /^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$/;

interface Watch {
  /** Errors the container's clients threw since its current batch or sweep began, not yet reported. */
  readonly thrown: Set<unknown>;
  /** Calls (operation and input) that met an error nobody retries, with that error's name (batches only). */
  readonly unretried: Map<string, string>;
  /** Whether resends are judged: in an aggregator batch, not in a sweep. */
  readonly judgeResends: boolean;
  reports: number;
  partReports: number;
}

export class ErrorMonitor {
  readonly violations: string[] = [];
  private readonly watches = new Map<string, Watch>();

  /** A batch (`judgeResends`) or a sweep begins in this container: what its clients threw before explains nothing in it. */
  begin(containerId: string, judgeResends = false): void {
    this.watches.set(containerId, { thrown: new Set(), unretried: new Map(), judgeResends, reports: 0, partReports: 0 });
  }

  /** One of the container's clients threw this error to the code (DynamoDB past the SDK's retries, PutEvents). */
  clientThrew(containerId: string, error: unknown, command?: SentCommand): void {
    const watch = this.watches.get(containerId);
    watch?.thrown.add(error);
    const name = String((error as Error)?.name);
    if (watch?.judgeResends && command && NOT_RETRIED.has(name) && !SHARED_READS.has(command.constructor.name)) {
      watch.unretried.set(requestKey(command), name);
    }
  }

  /** The container's code sends a DynamoDB call: not one that met an error nobody retries in this batch. */
  clientSent(containerId: string, command: SentCommand): void {
    const watch = this.watches.get(containerId);
    if (!watch || watch.unretried.size === 0) return;
    const name = watch.unretried.get(requestKey(command));
    if (name) this.violations.push(`${containerId}: sent ${command.constructor.name} again after it met ${name}, which nobody retries`);
  }

  /** The aggregator's `onError` in this container. */
  aggregatorReporter(containerId: string): (error: unknown, context: { step: string; journalId?: string }) => void {
    return (error, context) => {
      const say = (detail: string) => this.violations.push(`${containerId} onError(${context.step || '(no step)'}): ${detail}`);
      const watch = this.watch(containerId);
      watch.reports += 1;
      if (context.step !== BEST_EFFORT_STEP) watch.partReports += 1;
      if (!(AGGREGATOR_STEPS as readonly string[]).includes(context.step)) say(`step "${context.step}" is none of PROTOCOL.md's steps`);
      if (context.step !== STEP_WITHOUT_JOURNAL && !context.journalId) say('names no journal');
      this.readable(error, say);
      if (!watch.thrown.has(error) || !NOT_RETRIED.has(String((error as Error)?.name))) {
        say(`${describe(error)} is no error of this batch that neither the SDK nor the code retries`);
      }
      watch.thrown.delete(error);
    };
  }

  /**
   * The aggregator's batch in this container returned: `errors` counts the parts its reports failed; and a batch whose
   * own calls met an error nobody retries reported at least one part failed. (Only an error met a second before its
   * deadline counts: later, a part may already have failed on OutOfTime, and a sibling call's error then goes
   * unreported with it.)
   */
  batchReturned(
    containerId: string,
    result: BatchResult,
    calmThroughout: boolean,
    requests: readonly LoggedRequest[] = [],
    deadline = Number.POSITIVE_INFINITY,
  ): void {
    const watch = this.watch(containerId);
    const say = (detail: string) => this.violations.push(`${containerId} batch ${result.journalId ?? '(no journal)'}: ${detail}`);
    const met = requests.find((r) => r.error !== undefined && NOT_RETRIED.has(r.error) && r.at < deadline - OUT_OF_TIME_WINDOW_MS);
    if (met && watch.reports === 0) say(`its ${met.op} met ${met.error}, and it reported no part failed`);
    if (result.errors !== watch.partReports) say(`errors ${result.errors}, but ${watch.partReports} failed part(s) reported`);
    if (calmThroughout && (result.errors !== 0 || watch.reports !== 0)) {
      say(`run wholly in calm, it reports errors ${result.errors} and ${watch.reports} onError call(s)`);
    }
  }

  /** The aggregator's batch in this container threw: only out of time, or on an error nobody retries. */
  batchThrew(containerId: string, error: unknown): void {
    const watch = this.watch(containerId);
    const say = (detail: string) => this.violations.push(`${containerId} batch threw: ${detail}`);
    this.readable(error, say);
    const unretried = watch.thrown.has(error) && NOT_RETRIED.has(String((error as Error)?.name));
    if (!(error instanceof OutOfTime) && !unretried) say(`${describe(error)} is neither OutOfTime nor an error nobody retries`);
  }

  /** The sweeper's `onError` in this container. */
  sweeperReporter(containerId: string): (error: unknown, context: { step: string; day: string }) => void {
    return (error, context) => {
      const say = (detail: string) => this.violations.push(`${containerId} sweeper onError(${context.step || '(no step)'}): ${detail}`);
      const watch = this.watch(containerId);
      watch.reports += 1;
      if (!context.step) say('names no step');
      if (!DAYS.test(context.day)) say(`day "${context.day}" is not a day`);
      this.readable(error, say);
      // Alerts sent and then not marked name the marking's error as their cause (capabilities/alerts/sent-unmarked.ts).
      const cause = error instanceof SentButUnmarked ? error.cause : error;
      if (!watch.thrown.has(cause)) say(`${describe(error)} is no error its clients threw in this sweep`);
      watch.thrown.delete(cause);
    };
  }

  /** A sweep without faults ended in this container: it reported nothing. */
  calmSweepEnded(containerId: string): void {
    const reports = this.watch(containerId).reports;
    if (reports > 0) this.violations.push(`${containerId}: a sweep without faults reported ${reports} failed part(s)`);
  }

  private watch(containerId: string): Watch {
    let watch = this.watches.get(containerId);
    if (!watch) {
      watch = { thrown: new Set(), unretried: new Map(), judgeResends: false, reports: 0, partReports: 0 };
      this.watches.set(containerId, watch);
    }
    return watch;
  }

  private readable(error: unknown, say: (detail: string) => void): void {
    const e = error as Error | undefined;
    if (!(e instanceof Error) || !e.name || !e.message) say(`the error has no name or message: ${describe(error)}`);
  }
}

/** A call's operation and input, as sent. */
function requestKey(command: SentCommand): string {
  return `${command.constructor.name} ${JSON.stringify(command.input)}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
