// Which day the daily job closes, from each kind of input it may receive, and its retention setting.
import { resolveJobDay, retentionDaysFrom } from '../../../capabilities/daily-job/job-input';
import { MIN_RETENTION_DAYS } from '../../../contracts/usage-queue';

const now = new Date('2026-11-28T00:05:07Z');

describe('resolveJobDay', () => {
  it('closes yesterday (UTC) by default', () => {
    expect(resolveJobDay(undefined, now)).toBe('2026-11-27');
    expect(resolveJobDay({}, now)).toBe('2026-11-27');
    expect(resolveJobDay(null, new Date('2026-03-01T23:59:59.999Z'))).toBe('2026-02-28');
    expect(resolveJobDay({}, new Date('2024-03-01T00:00:00Z'))).toBe('2024-02-29');
    expect(resolveJobDay({}, new Date('2027-01-01T00:00:01Z'))).toBe('2026-12-31');
  });

  it('takes the day before the schedule fired, even when a retry runs later', () => {
    const scheduled = {
      version: '0',
      id: 'e1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-11-28T00:05:00Z',
      detail: {},
    };
    expect(resolveJobDay(scheduled, new Date('2026-11-29T03:00:00Z'))).toBe('2026-11-27');
    // The stack's Scheduler target input (lib/constructs/daily-job.ts).
    const schedulerInput = {
      source: 'schedule',
      scheduledTime: '2026-11-28T00:05:00Z',
      executionId: 'f1d2c3b4-0000-4000-8000-000000000001',
    };
    expect(resolveJobDay(schedulerInput, new Date('2026-11-29T03:00:00Z'))).toBe('2026-11-27');
  });

  it('runs a named closed day', () => {
    expect(resolveJobDay({ day: '2026-11-01' }, now)).toBe('2026-11-01');
    expect(resolveJobDay({ day: '2026-11-27' }, now)).toBe('2026-11-27');
  });

  it('refuses today, the future, impossible dates and non-objects, saying what it got', () => {
    expect(() => resolveJobDay({ day: '2026-11-28' }, now)).toThrow('day must be a closed UTC day, before 2026-11-28: got 2026-11-28');
    expect(() => resolveJobDay({ day: '2027-01-01' }, now)).toThrow(/closed UTC day/);
    expect(() => resolveJobDay({ day: '2026-02-30' }, now)).toThrow(/invalid daily job input: day .*2026-02-30/);
    expect(() => resolveJobDay({ time: 'soon' }, now)).toThrow(/invalid daily job input: time/);
    expect(() => resolveJobDay('2026-11-01', now)).toThrow(/invalid daily job input/);
  });

  // Issue 18: a schedule time in the future named a day that had not ended, and the job archived and deleted
  // every live counter of it and of the days before.
  it('refuses a scheduledTime or time whose day before has not ended, naming the input', () => {
    expect(() => resolveJobDay({ scheduledTime: '2026-12-05T00:05:00Z' }, now)).toThrow(
      'scheduledTime 2026-12-05T00:05:00Z names day 2026-12-04, which has not ended (now 2026-11-28T00:05:07.000Z)',
    );
    expect(() => resolveJobDay({ time: '2026-11-29T00:05:00Z' }, now)).toThrow(
      /^time 2026-11-29T00:05:00Z names day 2026-11-28, which has not ended/,
    );
    // A little ahead of the clock but naming a day that has ended is fine (a scheduler a few ms early).
    expect(resolveJobDay({ scheduledTime: '2026-11-28T00:05:09Z' }, now)).toBe('2026-11-27');
  });
});

describe('retentionDaysFrom', () => {
  it('defaults to 90 days and reads RETENTION_DAYS', () => {
    expect(retentionDaysFrom({})).toBe(90);
    expect(retentionDaysFrom({ RETENTION_DAYS: '60' })).toBe(60);
    expect(retentionDaysFrom({ RETENTION_DAYS: String(MIN_RETENTION_DAYS) })).toBe(MIN_RETENTION_DAYS);
  });

  it.each(['0', '-1', '1.5', 'ninety', '99999'])('refuses RETENTION_DAYS=%s', (value) => {
    expect(() => retentionDaysFrom({ RETENTION_DAYS: value })).toThrow(/RETENTION_DAYS must be a whole number/);
  });

  // Edge 3 of issue 19: a retention shorter than a journal can still be applied archives and deletes counters
  // that a resumed journal then adds to again, as a new archive part: counted twice.
  it.each(['3', '23', String(MIN_RETENTION_DAYS - 1)])('refuses RETENTION_DAYS=%s, shorter than twice the claim retention', (value) => {
    expect(() => retentionDaysFrom({ RETENTION_DAYS: value })).toThrow(
      `RETENTION_DAYS must be a whole number of days from ${MIN_RETENTION_DAYS} to 3660: got "${value}"`,
    );
  });
});
