// Which day the daily job closes, from each kind of input it may receive, and its retention setting.
import { resolveJobDay, retentionDaysFrom } from '../../../capabilities/daily-job/job-input';

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
});

describe('retentionDaysFrom', () => {
  it('defaults to 90 days and reads RETENTION_DAYS', () => {
    expect(retentionDaysFrom({})).toBe(90);
    expect(retentionDaysFrom({ RETENTION_DAYS: '30' })).toBe(30);
  });

  it.each(['0', '-1', '1.5', 'ninety', '99999'])('refuses RETENTION_DAYS=%s', (value) => {
    expect(() => retentionDaysFrom({ RETENTION_DAYS: value })).toThrow(/RETENTION_DAYS must be a whole number/);
  });
});
