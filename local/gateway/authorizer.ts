// The REQUEST authorizer as API Gateway runs it: identity source `x-api-key`, the Lambda's result
// (policy, principalId, usageIdentifierKey, context) cached per identity-source value for the TTL.
import { API_KEY_HEADER } from '../../contracts/deployment';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { isAllowed } from '../../capabilities/authorizer/execute-api-policy';

export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent, context: Context) => Promise<APIGatewayAuthorizerResult>;

export type AuthorizerOutcome =
  | {
      readonly kind: 'allow';
      readonly principalId: string;
      readonly usageIdentifierKey?: string;
      readonly context: Record<string, string | number | boolean>;
      readonly latencyMs: number;
    }
  /** The policy does not allow this method ARN; `context` is what the authorizer returned (for the 403's detail). */
  | { readonly kind: 'deny'; readonly context: Record<string, string | number | boolean> }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'error'; readonly error: unknown };

interface CachedResult {
  readonly result: APIGatewayAuthorizerResult;
  readonly expiresAt: number;
}

export interface AuthorizerOptions {
  readonly handler: AuthorizerHandler;
  readonly cacheTtlSeconds: number;
  readonly makeContext: (requestId: string) => Context;
  readonly now?: () => number;
}

export class RequestAuthorizer {
  private readonly cache = new Map<string, CachedResult>();
  private readonly now: () => number;

  constructor(private readonly options: AuthorizerOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Authorizes one request. A missing identity source is 401 without calling the Lambda; a thrown
   * `Unauthorized` is 401; any other error is a 500 (AUTHORIZER_FAILURE); the cached policy is evaluated
   * against each request's method ARN, so one cached result serves every route.
   */
  async authorize(event: APIGatewayRequestAuthorizerEvent, requestId: string): Promise<AuthorizerOutcome> {
    const identity = headerValue(event.headers, API_KEY_HEADER);
    if (!identity) return { kind: 'unauthorized' };
    const now = this.now();
    let cached = this.cache.get(identity);
    let latencyMs = 0;
    if (!cached || cached.expiresAt <= now) {
      const started = performance.now();
      let result: APIGatewayAuthorizerResult;
      try {
        result = await this.options.handler(event, this.options.makeContext(requestId));
      } catch (error) {
        if (error instanceof Error && error.message === 'Unauthorized') return { kind: 'unauthorized' };
        return { kind: 'error', error };
      }
      latencyMs = Math.round(performance.now() - started);
      cached = { result, expiresAt: now + this.options.cacheTtlSeconds * 1000 };
      if (this.options.cacheTtlSeconds > 0) this.cache.set(identity, cached);
    }
    const { result } = cached;
    const context = (result.context ?? {}) as Record<string, string | number | boolean>;
    if (!isAllowed(result.policyDocument, event.methodArn)) return { kind: 'deny', context };
    return {
      kind: 'allow',
      principalId: result.principalId,
      usageIdentifierKey: result.usageIdentifierKey ?? undefined,
      context,
      latencyMs,
    };
  }

  /** Drops the cached results of one principal (a revoked client); returns how many were dropped. */
  forgetPrincipal(principalId: string): number {
    let dropped = 0;
    for (const [identity, cached] of this.cache) {
      if (cached.result.principalId === principalId) {
        this.cache.delete(identity);
        dropped++;
      }
    }
    return dropped;
  }

  /** Forgets cached results (API Gateway's "flush authorizer cache"). */
  flush(): void {
    this.cache.clear();
  }
}

export { isAllowed };

function headerValue(headers: Record<string, string | undefined> | null, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name && value) return value;
  }
  return undefined;
}
