// The error monitor (sim/error-monitor.ts) must see an onError that no fault explains (a throttle the code should have
// retried, a report of the same error twice, an unnamed step), an `errors` figure that disagrees with the parts
// reported, and a batch that throws anything but OutOfTime or an error nobody retries; and stay quiet for the errors
// PROTOCOL.md allows.
import { OutOfTime } from '../../capabilities/counting/retry';
import { ErrorMonitor } from '../../sim/error-monitor';
import { UNEXPECTED_ERROR } from '../../sim/faulty-dynamo';
import { batchResult } from '../support/batch-result';

const named = (name: string) => Object.assign(new Error(`simulated ${name}`), { name });
const result = (errors: number) => batchResult({ errors });

test('an error nobody retries, reported once with its step and journal and counted in errors, passes', () => {
  const monitor = new ErrorMonitor();
  monitor.begin('λ1');
  const expired = named(UNEXPECTED_ERROR);
  const unlist = named(UNEXPECTED_ERROR);
  monitor.clientThrew('λ1', expired);
  monitor.clientThrew('λ1', unlist);
  monitor.aggregatorReporter('λ1')(expired, { step: 'claim', journalId: 'j1' });
  monitor.aggregatorReporter('λ1')(unlist, { step: 'unlist journal', journalId: 'j1' }); // best effort: no failed part
  monitor.batchReturned('λ1', result(1), false);
  expect(monitor.violations).toEqual([]);
});

test('a throttle reported by onError is a violation: the code retries throttles until the deadline', () => {
  const monitor = new ErrorMonitor();
  monitor.begin('λ1');
  const throttle = named('ProvisionedThroughputExceededException');
  monitor.clientThrew('λ1', throttle);
  monitor.aggregatorReporter('λ1')(throttle, { step: 'count', journalId: 'j1' });
  expect(monitor.violations).toEqual([expect.stringContaining('neither the SDK nor the code retries')]);
});

test('an error thrown in an earlier batch, or reported twice, explains nothing', () => {
  const monitor = new ErrorMonitor();
  const expired = named(UNEXPECTED_ERROR);
  monitor.begin('λ1');
  monitor.clientThrew('λ1', expired);
  monitor.begin('λ1');
  monitor.aggregatorReporter('λ1')(expired, { step: 'claim', journalId: 'j1' });
  expect(monitor.violations).toHaveLength(1);
  monitor.begin('λ1');
  monitor.clientThrew('λ1', expired);
  monitor.aggregatorReporter('λ1')(expired, { step: 'claim', journalId: 'j1' });
  monitor.aggregatorReporter('λ1')(expired, { step: 'claim', journalId: 'j1' });
  expect(monitor.violations).toHaveLength(2);
});

test('a step that is none of the protocol steps, a missing journal, or an error without a message is a violation', () => {
  const monitor = new ErrorMonitor();
  monitor.begin('λ1');
  const errors = [named(UNEXPECTED_ERROR), named(UNEXPECTED_ERROR), Object.assign(new Error(''), { name: UNEXPECTED_ERROR })];
  for (const error of errors) monitor.clientThrew('λ1', error);
  monitor.aggregatorReporter('λ1')(errors[0], { step: '', journalId: 'j1' });
  monitor.aggregatorReporter('λ1')(errors[1], { step: 'count' });
  monitor.aggregatorReporter('λ1')(errors[2], { step: 'claim', journalId: 'j1' });
  expect(monitor.violations).toEqual([
    expect.stringContaining('none of PROTOCOL.md'),
    expect.stringContaining('names no journal'),
    expect.stringContaining('no name or message'),
  ]);
});

test('errors must count the failed parts reported, and a batch run in calm reports none', () => {
  const monitor = new ErrorMonitor();
  monitor.begin('λ1');
  monitor.batchReturned('λ1', result(1), false);
  monitor.begin('λ2');
  const expired = named(UNEXPECTED_ERROR);
  monitor.clientThrew('λ2', expired);
  monitor.aggregatorReporter('λ2')(expired, { step: 'unlist journal', journalId: 'j1' });
  monitor.batchReturned('λ2', result(0), true);
  expect(monitor.violations).toEqual([expect.stringContaining('errors 1, but 0'), expect.stringContaining('wholly in calm')]);
});

test('a batch may throw OutOfTime or an error nobody retries, nothing else', () => {
  const monitor = new ErrorMonitor();
  monitor.begin('λ1');
  const expired = named(UNEXPECTED_ERROR);
  monitor.clientThrew('λ1', expired);
  monitor.batchThrew('λ1', new OutOfTime('create journal'));
  monitor.batchThrew('λ1', expired);
  expect(monitor.violations).toEqual([]);
  monitor.batchThrew('λ1', named('InternalServerError'));
  expect(monitor.violations).toEqual([expect.stringContaining('neither OutOfTime')]);
});

test("the sweeper's reports name an error its clients threw in that sweep, a day, and a step; a calm sweep reports none", () => {
  const monitor = new ErrorMonitor();
  monitor.begin('sweeper1');
  const throttle = named('ProvisionedThroughputExceededException');
  monitor.clientThrew('sweeper1', throttle);
  monitor.sweeperReporter('sweeper1')(throttle, { step: 'recompute', day: '2026-11-26..2026-11-27' });
  expect(monitor.violations).toEqual([]);
  monitor.sweeperReporter('sweeper1')(named('InternalException'), { step: '', day: '' });
  monitor.calmSweepEnded('sweeper1');
  expect(monitor.violations).toEqual([
    expect.stringContaining('names no step'),
    expect.stringContaining('is not a day'),
    expect.stringContaining('no error its clients threw'),
    expect.stringContaining('without faults reported 2'),
  ]);
});

test('a write sent again as it was after an error nobody retries is a violation; a new batch, another write or a head read is not', () => {
  const monitor = new ErrorMonitor();
  const update = {
    constructor: { name: 'UpdateCommand' },
    input: { Key: { pk: 'JOURNAL#j1', sk: 'HEAD' }, UpdateExpression: 'SET #s = :s' },
  };
  const other = {
    constructor: { name: 'UpdateCommand' },
    input: { Key: { pk: 'JOURNAL#j2', sk: 'HEAD' }, UpdateExpression: 'SET #s = :s' },
  };
  const heads = { constructor: { name: 'BatchGetCommand' }, input: { RequestItems: { t: { Keys: [{ pk: 'JOURNAL#j9' }] } } } };
  monitor.begin('λ1', true);
  monitor.clientSent('λ1', update);
  monitor.clientThrew('λ1', named(UNEXPECTED_ERROR), update);
  monitor.clientSent('λ1', heads);
  monitor.clientThrew('λ1', named(UNEXPECTED_ERROR), heads);
  monitor.clientSent('λ1', heads); // another part reads the same heads
  monitor.clientSent('λ1', other);
  expect(monitor.violations).toEqual([]);
  monitor.clientSent('λ1', { constructor: { name: 'UpdateCommand' }, input: JSON.parse(JSON.stringify(update.input)) });
  expect(monitor.violations).toEqual(['λ1: sent UpdateCommand again after it met ExpiredTokenException, which nobody retries']);
  monitor.begin('λ1', true); // the next batch may send it: the message came back
  monitor.clientSent('λ1', update);
  expect(monitor.violations).toHaveLength(1);
  monitor.begin('λ1'); // a sweep: its resend part sends again what a failed part left pending
  monitor.clientThrew('λ1', named(UNEXPECTED_ERROR), update);
  monitor.clientSent('λ1', update);
  expect(monitor.violations).toHaveLength(1);
});

test('a write sent again after a throttle is no violation: throttles are retried', () => {
  const monitor = new ErrorMonitor();
  const put = { constructor: { name: 'PutCommand' }, input: { Item: { pk: 'JOURNAL#j1', sk: 'BODY' } } };
  monitor.begin('λ1', true);
  monitor.clientThrew('λ1', named('ThrottlingException'), put);
  monitor.clientSent('λ1', put);
  expect(monitor.violations).toEqual([]);
});

test('a batch whose own call met an error nobody retries, a second or more before its deadline, reports a failed part', () => {
  const monitor = new ErrorMonitor();
  const met = { op: 'Put', input: {}, sentAt: 100, at: 110, error: UNEXPECTED_ERROR };
  monitor.begin('λ1');
  monitor.batchReturned('λ1', result(0), false, [met], 2_000);
  expect(monitor.violations).toEqual(['λ1 batch j1: its Put met ExpiredTokenException, and it reported no part failed']);
  const late = new ErrorMonitor(); // within the last second a part may already have failed on OutOfTime
  late.begin('λ1');
  late.batchReturned('λ1', result(0), false, [{ ...met, at: 1_500 }], 2_000);
  expect(late.violations).toEqual([]);
});
