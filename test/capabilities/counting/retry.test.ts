// Which DynamoDB errors the aggregator retries inside its deadline: throttles, 5xx, timeouts and network
// errors — including the SDK's wrapper for a socket it gave up on — but never a condition failure.
// And how `withRetry` spends the deadline: full-jitter backoff, no sleep that ends past it (issue 19 §2: the
// simulator throws only a few of these names and always injects its clock, sleep and random).
import { setTimeout as realSleep } from 'node:timers/promises';
import { isRetryable, OutOfTime, withRetry } from '../../../capabilities/counting/retry';

const named = (name: string) => Object.assign(new Error('x'), { name });

test('throttles, 5xx, timeouts and network errors are retried; a failed condition is an answer', () => {
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

test('every transient name is retried, by name, by code and inside the SDK wrapper', () => {
  const transient = [
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'TransactionCanceledException',
    'TransactionConflictException',
    'TransactionInProgressException',
    'InternalServerError',
    'InternalFailure',
    'ServiceUnavailable',
    'TimeoutError',
    'RequestTimeout',
    'RequestTimeoutException',
    'AbortError',
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
  ];
  for (const name of transient) {
    expect([name, isRetryable(named(name))]).toEqual([name, true]);
    expect([name, isRetryable(Object.assign(new Error('x'), { code: name }))]).toEqual([name, true]);
    expect([name, isRetryable(new Error(`AWS SDK error wrapper for ${name}: x`))]).toEqual([name, true]);
  }
  // The SDK's own verdict, and what is not transient: no name, an empty one, a wrapper of something else.
  expect(isRetryable(Object.assign(new Error('x'), { $retryable: {} }))).toBe(true);
  expect(isRetryable(Object.assign(new Error('x'), { $retryable: undefined }))).toBe(false);
  expect(isRetryable(named(''))).toBe(false);
  expect(isRetryable(Object.assign(new Error('x'), { code: '' }))).toBe(false);
  expect(isRetryable(new Error('AWS SDK error wrapper for ValidationException: bad'))).toBe(false);
  expect(isRetryable(new Error('see: AWS SDK error wrapper for TimeoutError'))).toBe(false);
  expect(isRetryable(undefined)).toBe(false);
  expect(isRetryable(null)).toBe(false);
});

/** A virtual clock: sleeping moves it. */
function virtualTime(start = 1_000) {
  const t = { now: start, sleeps: [] as number[] };
  return {
    t,
    clock: () => t.now,
    sleep: async (ms: number) => {
      t.sleeps.push(ms);
      t.now += ms;
    },
  };
}

test('withRetry backs off with full jitter, doubling up to the cap, and stops before the deadline', async () => {
  const { t, clock, sleep } = virtualTime();
  let calls = 0;
  const result = await withRetry(
    'read',
    async () => {
      calls += 1;
      if (calls <= 7) throw named('ThrottlingException');
      return 'ok';
    },
    { clock, deadline: 1_000_000, sleep, random: () => 0.5, baseDelayMs: 10, maxDelayMs: 200 },
  );
  expect(result).toBe('ok');
  expect(calls).toBe(8);
  // 0.5 × min(200, 10 × 2^attempt)
  expect(t.sleeps).toEqual([5, 10, 20, 40, 80, 100, 100]);

  // Defaults: 20 ms base, 1 s cap.
  const d = virtualTime();
  let n = 0;
  await withRetry(
    'read',
    async () => {
      if (n++ < 8) throw named('ThrottlingException');
    },
    { clock: d.clock, deadline: 1_000_000, sleep: d.sleep, random: () => 1 },
  );
  expect(d.t.sleeps).toEqual([20, 40, 80, 160, 320, 640, 1_000, 1_000]);
});

test('withRetry: no attempt at or after the deadline, no sleep that reaches it, other errors thrown at once', async () => {
  const { t, clock, sleep } = virtualTime();
  let calls = 0;
  const failing = async () => {
    calls += 1;
    throw named('InternalServerError');
  };
  // Deadline already reached: not even one attempt.
  await expect(withRetry('late', failing, { clock, deadline: t.now, sleep })).rejects.toThrow(OutOfTime);
  expect(calls).toBe(0);

  // A sleep that would end exactly at the deadline is not taken.
  await expect(withRetry('edge', failing, { clock, deadline: t.now + 10, sleep, random: () => 0.5, baseDelayMs: 20 })).rejects.toThrow(
    new OutOfTime('edge'),
  );
  expect(calls).toBe(1);
  expect(t.sleeps).toEqual([]);

  // Retried until the next backoff would pass the deadline, then OutOfTime (named for the step).
  const e = await withRetry('step', failing, { clock, deadline: t.now + 100, sleep, random: () => 1, baseDelayMs: 20 }).catch(
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(OutOfTime);
  expect((e as Error).name).toBe('OutOfTime');
  expect((e as Error).message).toBe('out of time: step');
  expect(t.sleeps).toEqual([20, 40]);

  // A condition failure (or any non-transient error) is thrown as it is, without a retry.
  calls = 0;
  const refused = named('ConditionalCheckFailedException');
  await expect(
    withRetry(
      'put',
      async () => {
        calls += 1;
        throw refused;
      },
      { clock, deadline: t.now + 100_000, sleep },
    ),
  ).rejects.toBe(refused);
  expect(calls).toBe(1);
});

/** Two throttled calls, then success, through withRetry on a real timer (the deployed aggregator's): calls and time taken. */
async function throttledTwice(options: { baseDelayMs: number; maxDelayMs: number; random?: () => number }) {
  let calls = 0;
  const started = Date.now();
  await withRetry(
    'read',
    async () => {
      if (calls++ < 2) throw named('ThrottlingException');
    },
    { clock: Date.now, deadline: Date.now() + 10_000, sleep: realSleep, ...options },
  );
  return { calls, elapsedMs: Date.now() - started };
}

test('withRetry on a real timer really waits the backoff (the deployed aggregator injects none: createAggregator uses one)', async () => {
  // Default jitter: within the bound.
  const jittered = await throttledTwice({ baseDelayMs: 30, maxDelayMs: 30 });
  expect(jittered.calls).toBe(3);
  expect(jittered.elapsedMs).toBeLessThan(1_000);
  // Jitter at its top: two waits of 40 ms really happen.
  const full = await throttledTwice({ baseDelayMs: 40, maxDelayMs: 40, random: () => 1 });
  expect(full.calls).toBe(3);
  expect(full.elapsedMs).toBeGreaterThanOrEqual(75);
});
