// Which DynamoDB errors the aggregator retries inside its deadline: throttles, 5xx, timeouts and network
// errors — including the SDK's wrapper for a socket it gave up on — but never a condition failure.
import { isRetryable } from '../../../capabilities/counting/retry';

test('throttles, 5xx, timeouts and network errors are retried; a failed condition is an answer', () => {
  const named = (name: string) => Object.assign(new Error('x'), { name });
  expect(isRetryable(named('ProvisionedThroughputExceededException'))).toBe(true);
  expect(isRetryable(named('InternalServerError'))).toBe(true);
  expect(isRetryable(named('TimeoutError'))).toBe(true);
  expect(isRetryable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
  // Seen under the fault proxy: a hung-up socket after the SDK's own 3 attempts.
  expect(isRetryable(new Error('AWS SDK error wrapper for TimeoutError: socket hang up'))).toBe(true);
  expect(isRetryable(new Error('AWS SDK error wrapper for Error: read ECONNRESET'))).toBe(true);
  expect(isRetryable(named('ConditionalCheckFailedException'))).toBe(false);
  expect(isRetryable(named('ValidationException'))).toBe(false);
  expect(isRetryable(new Error('something else'))).toBe(false);
});
