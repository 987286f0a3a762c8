// The daily job's EventBridge schedule, locally: a timer to the next run time (UTC) that invokes the
// job with a Scheduled Event as EventBridge sends it, then re-arms itself.
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID as ACCOUNT_ID, LOCAL_REGION as REGION } from './fake-aws';

export interface DailySchedule {
  readonly hour: number;
  readonly minute: number;
}

/** Milliseconds from `now` to the next `hour:minute` UTC (tomorrow's if today's has passed). */
export function msUntilNextRun(schedule: DailySchedule, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), schedule.hour, schedule.minute);
  const next = today > now.getTime() ? today : today + 86_400_000;
  return next - now.getTime();
}

export function scheduledEvent(at: Date, ruleName = 'metered-api-daily-job'): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    time: `${at.toISOString().slice(0, 19)}Z`,
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  };
}

export interface DailyTimer {
  /** When the next run is due. */
  readonly nextRunAt: () => Date;
  stop(): void;
}

/** Runs `job` at every `hour:minute` UTC while the process lives; a failed run is reported, not fatal. */
export function scheduleDaily(
  schedule: DailySchedule,
  job: (event: ScheduledEvent) => Promise<unknown>,
  onError: (error: unknown) => void,
): DailyTimer {
  let timer: NodeJS.Timeout | undefined;
  let due = new Date();
  const arm = () => {
    const wait = msUntilNextRun(schedule, new Date());
    due = new Date(Date.now() + wait);
    timer = setTimeout(() => {
      job(scheduledEvent(new Date())).catch(onError).finally(arm);
    }, wait);
    timer.unref();
  };
  arm();
  return { nextRunAt: () => due, stop: () => clearTimeout(timer) };
}
