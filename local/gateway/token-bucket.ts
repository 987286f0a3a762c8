// A token bucket as API Gateway throttles with it: `burst` tokens at most, refilled continuously at `rate`.

export interface BucketLimits {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Bucket size. */
  readonly burst: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limits: BucketLimits,
    now: number,
  ) {
    this.tokens = limits.burst;
    this.updatedAt = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Gives back a token taken by `take` (when a later check rejects the request). */
  giveBack(): void {
    this.tokens = Math.min(this.limits.burst, this.tokens + 1);
  }

  private refill(now: number): void {
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.limits.burst, this.tokens + elapsedSeconds * this.limits.ratePerSecond);
    this.updatedAt = now;
  }
}
