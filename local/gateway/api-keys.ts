// API Gateway's API keys as the twin keeps them: how many the account holds (at most 10,000 per account and
// Region) and CreateApiKey's rate (5 requests per second per account), refused with API Gateway's own errors
// (LimitExceededException, TooManyRequestsException: both HTTP 429). `keys create --local` and the twin's admin
// API create their clients' usage keys here, as `--stage` creates them with CreateApiKey.
import type { LimitExceededException, TooManyRequestsException } from '@aws-sdk/client-api-gateway';
import { API_GATEWAY_KEYS } from '../aws-limits';
import { TokenBucket } from './token-bucket';

interface KeyLimits {
  readonly perAccountAndRegion: number;
  readonly createPerSecond: number;
}

export interface ApiKeysOptions {
  readonly now?: () => number;
  /** Test-only: other limits than AWS's. */
  readonly limits?: Partial<KeyLimits>;
}

export class ApiKeys {
  private readonly values = new Set<string>();
  private readonly createRate: TokenBucket;
  private readonly now: () => number;
  private readonly limits: KeyLimits;

  constructor(options: ApiKeysOptions = {}) {
    this.now = options.now ?? Date.now;
    this.limits = { ...API_GATEWAY_KEYS, ...options.limits };
    const perSecond = this.limits.createPerSecond;
    this.createRate = new TokenBucket({ ratePerSecond: perSecond, burst: perSecond }, this.now());
  }

  get count(): number {
    return this.values.size;
  }

  /** CreateApiKey with this value: throttled first (as API Gateway checks its rate before anything), then counted. */
  create(value: string): void {
    if (!this.createRate.take(this.now())) {
      throw apiGatewayError('TooManyRequestsException', 'Too Many Requests', '1');
    }
    if (this.values.has(value)) return;
    if (this.values.size >= this.limits.perAccountAndRegion) {
      throw apiGatewayError(
        'LimitExceededException',
        `API key limit exceeded: at most ${this.limits.perAccountAndRegion} API keys per account and Region`,
      );
    }
    this.values.add(value);
  }

  /** DeleteApiKey: frees a place. */
  delete(value: string): boolean {
    return this.values.delete(value);
  }

  /** Keys the account already holds (a persisted table's clients, the demo keys): counted, not rate-limited. */
  adopt(values: Iterable<string>): void {
    for (const value of values) this.values.add(value);
  }
}

export type ApiKeyLimitError = LimitExceededException | TooManyRequestsException;

/** The SDK's own exception, as a caller of CreateApiKey would catch it (the SDK is loaded only on this path). */
export function apiGatewayError(
  name: 'LimitExceededException' | 'TooManyRequestsException',
  message: string,
  retryAfterSeconds?: string,
): ApiKeyLimitError {
  const sdk = require('@aws-sdk/client-api-gateway') as typeof import('@aws-sdk/client-api-gateway');
  const metadata = { $metadata: { httpStatusCode: 429 }, message, retryAfterSeconds };
  return name === 'LimitExceededException' ? new sdk.LimitExceededException(metadata) : new sdk.TooManyRequestsException(metadata);
}

export function isApiKeyLimitError(error: unknown): error is ApiKeyLimitError {
  const name = (error as Error | undefined)?.name;
  return name === 'LimitExceededException' || name === 'TooManyRequestsException';
}
