// Which completions a batch could know (sim/result-monitor.ts `knewCompletion`): the result monitor holds
// `completedEvents` exact under faults for those, and lets it fall short only for the others.
import type { LoggedRequest } from '../../sim/calm-batch-log';
import { knewCompletion } from '../../sim/result-monitor';
import { itemKey } from '../../contracts/table';

const head = itemKey.journalHead('j1');
const complete = (error?: string): LoggedRequest => ({
  op: 'Update',
  input: { Key: head, ExpressionAttributeValues: { ':from': 'pending', ':to': 'complete' } },
  sentAt: 1,
  at: 2,
  ...(error ? { error } : {}),
});
const read = (error?: string): LoggedRequest => ({ op: 'Get', input: { Key: head }, sentAt: 3, at: 4, ...(error ? { error } : {}) });

test('an answered transition, or a refused one whose head was read after, is known', () => {
  expect(knewCompletion([complete()], 'j1')).toBe(true);
  expect(knewCompletion([complete('InternalServerError'), complete()], 'j1')).toBe(true);
  expect(knewCompletion([complete('TimeoutError'), complete('ConditionalCheckFailedException'), read()], 'j1')).toBe(true);
});

test('a last transition lost, or refused with its head unread, is not known', () => {
  expect(knewCompletion([complete('TimeoutError')], 'j1')).toBe(false);
  expect(knewCompletion([complete('SyntaxError')], 'j1')).toBe(false);
  expect(knewCompletion([complete('ConditionalCheckFailedException'), read('TimeoutError')], 'j1')).toBe(false);
  expect(knewCompletion([complete('ConditionalCheckFailedException')], 'j1')).toBe(false);
  // Another journal's requests say nothing about this one.
  expect(knewCompletion([complete('TimeoutError')], 'j2')).toBe(true);
});
