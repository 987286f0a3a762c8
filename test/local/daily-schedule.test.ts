// The twin's stand-in for the daily job's EventBridge schedule: when it fires and what it sends.
import { msUntilNextRun, scheduledEvent } from '../../local/daily-schedule';
import { STAGES } from '../../contracts/stages';

const schedule = STAGES.dev.dailyJobSchedule;

test('the next run is today at the scheduled UTC time if it is still ahead, else tomorrow', () => {
  const at = (iso: string) => new Date(iso);
  expect(msUntilNextRun({ hour: 0, minute: 5 }, at('2026-03-01T00:00:00Z'))).toBe(5 * 60_000);
  expect(msUntilNextRun({ hour: 0, minute: 5 }, at('2026-03-01T00:05:00Z'))).toBe(24 * 3600_000);
  expect(msUntilNextRun({ hour: 0, minute: 5 }, at('2026-02-28T23:59:00Z'))).toBe(6 * 60_000);
  expect(msUntilNextRun(schedule, at('2026-06-15T12:00:00Z'))).toBe(((24 - 12 + schedule.hour) * 60 + schedule.minute) * 60_000);
});

test('the event is an EventBridge Scheduled Event naming the time it fired', () => {
  const event = scheduledEvent(new Date('2026-03-01T00:05:00.123Z'));
  expect(event).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-03-01T00:05:00Z', detail: {} });
  expect(event.resources[0]).toMatch(/^arn:aws:events:us-east-1:\d{12}:rule\//);
});
