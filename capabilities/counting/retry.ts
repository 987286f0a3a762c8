// Retries DynamoDB calls that failed transiently, with full-jitter backoff, until the invocation's deadline.

/** The batch ran out of time: what is unfinished is reported as failed and retried by SQS. */
export class OutOfTime extends Error {
  constructor(what: string) {
    super(`out of time: ${what}`);
    this.name = 'OutOfTime';
  }
}

const RETRYABLE = new Set([
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
]);

/** The SDK wraps a network error it gave up on (after its own attempts) as `Error: AWS SDK error wrapper for <Name>: …`. */
const SDK_WRAPPER = /^AWS SDK error wrapper for (\w+)/;

export function isRetryable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string; $retryable?: unknown } | undefined;
  const wrapped = SDK_WRAPPER.exec(e?.message ?? '')?.[1];
  return (
    RETRYABLE.has(e?.name ?? '') ||
    RETRYABLE.has(e?.code ?? '') ||
    Boolean(e?.$retryable) ||
    (wrapped !== undefined && (RETRYABLE.has(wrapped) || wrapped === 'Error'))
  );
}

export interface RetryPolicy {
  readonly clock: () => number;
  /** Epoch ms after which no new attempt starts. */
  readonly deadline: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Source of the backoff jitter (a seeded one in the simulator). @default Math.random */
  readonly random?: () => number;
}

export async function withRetry<T>(what: string, op: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const base = policy.baseDelayMs ?? 20;
  const max = policy.maxDelayMs ?? 1_000;
  for (let attempt = 0; ; attempt++) {
    if (policy.clock() >= policy.deadline) throw new OutOfTime(what);
    try {
      return await op();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const delay = (policy.random ?? Math.random)() * Math.min(max, base * 2 ** attempt);
      if (policy.clock() + delay >= policy.deadline) throw new OutOfTime(what);
      await policy.sleep(delay);
    }
  }
}
