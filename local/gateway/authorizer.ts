// The REQUEST authorizer as API Gateway runs it: identity source `x-api-key`, the Lambda's result
// (policy, principalId, usageIdentifierKey, context) cached per identity-source value for the TTL.
import { API_KEY_HEADER } from '../../contracts/deployment';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';

export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent, context: Context) => Promise<APIGatewayAuthorizerResult>;

export type AuthorizerOutcome =
  | {
      readonly kind: 'allow';
      readonly principalId: string;
      readonly usageIdentifierKey?: string;
      readonly context: Record<string, string | number | boolean>;
      readonly latencyMs: number;
    }
  | { readonly kind: 'deny' }
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
    if (!isAllowed(result.policyDocument, event.methodArn)) return { kind: 'deny' };
    return {
      kind: 'allow',
      principalId: result.principalId,
      usageIdentifierKey: result.usageIdentifierKey ?? undefined,
      context: (result.context ?? {}) as Record<string, string | number | boolean>,
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

type PolicyDocument = APIGatewayAuthorizerResult['policyDocument'];

/** IAM evaluation for execute-api: an explicit Deny wins, else an Allow must match, else deny. */
export function isAllowed(policy: PolicyDocument | undefined, methodArn: string): boolean {
  let allowed = false;
  for (const statement of policy?.Statement ?? []) {
    const s = statement as { Effect: string; Action?: string | string[]; Resource?: string | string[] };
    const actions = ([] as string[]).concat(s.Action ?? []);
    const resources = ([] as string[]).concat(s.Resource ?? []);
    const actionMatches = actions.some((a) => wildcardMatch(a, 'execute-api:Invoke'));
    const resourceMatches = resources.some((r) => wildcardMatch(r, methodArn));
    if (!actionMatches || !resourceMatches) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

/** Policy patterns compiled once: a cached policy is evaluated on every request of its key. */
const wildcardPatterns = new Map<string, RegExp>();

function wildcardMatch(pattern: string, value: string): boolean {
  let regex = wildcardPatterns.get(pattern);
  if (!regex) {
    regex = new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.split('?').map(escapeRegex).join('.'))
        .join('.*')}$`,
      'i',
    );
    if (wildcardPatterns.size >= 10_000) wildcardPatterns.clear();
    wildcardPatterns.set(pattern, regex);
  }
  return regex.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function headerValue(headers: Record<string, string | undefined> | null, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name && value) return value;
  }
  return undefined;
}
