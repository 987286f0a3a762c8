// Usage plans as API Gateway applies them: a throttle per key (or per key and method on strict routes),
// a daily quota per key that resets at 00:00 UTC, and the stage throttle as a ceiling over all keys.
import { createHash } from 'node:crypto';
import { GATE_POOL_CEILING } from '../../contracts/gate-pool';
import { PLAN_NAMES, PLANS, isGatePlan, isPlanName, type PlanLimits, type PlanName, type RouteClass } from '../../contracts/plans';
import { methodThrottleOf, type Throttle, throttleOf } from '../../contracts/usage-plan';
import { utcDay } from '../../capabilities/usage/calendar-days';
import { TokenBucket, type BucketLimits } from './token-bucket';
import type { OverrideLimits } from '../../contracts/overrides';
import { limitsInForce, type PlanCatalogue } from '../../capabilities/customers/limits-in-force';

export type PlanOverrides = Partial<Record<PlanName, Partial<PlanLimits>>>;

/** `no-plan`: the key is in no usage plan, or is disabled. */
export type UsagePlanVerdict = 'ok' | 'throttled' | 'quota-exceeded' | 'no-plan';

export interface UsagePlansOptions {
  /** Test-only changes to plan limits, for this gateway only (the Lambdas keep the configured values). */
  readonly planOverrides?: PlanOverrides;
  /** The stage-wide ceiling; `undefined` turns it off. */
  readonly stageThrottle?: { readonly ratePerSecond: number; readonly burst: number };
  readonly now?: () => number;
}

export interface QuotaState {
  readonly day: string;
  readonly used: number;
}

/** GetUsage's shape, by plan → key hash (never the key) → UTC day → requests. */
export type PlanUsage = Record<string, Record<string, Record<string, number>>>;

export class UsagePlans {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Admitted requests per `plan \0 keyHash \0 day`, as API Gateway's per-key usage counts them. */
  private readonly daily = new Map<string, number>();
  private readonly quotas = new Map<string, { day: string; used: number }>();
  /** Usage keys disabled on revoke (API Gateway: `UpdateApiKey enabled=false`), by hash. */
  private readonly disabled = new Set<string>();
  private readonly stageBucket?: TokenBucket;
  private readonly now: () => number;
  /** The plans as this gateway applies them: the configured ones with the test-only `planOverrides`. */
  private readonly plans: PlanCatalogue;

  constructor(options: UsagePlansOptions = {}) {
    this.now = options.now ?? Date.now;
    this.plans = Object.fromEntries(
      PLAN_NAMES.map((plan) => [plan, { ...PLANS[plan], ...options.planOverrides?.[plan] }]),
    ) as PlanCatalogue;
    if (options.stageThrottle) this.stageBucket = new TokenBucket(options.stageThrottle, this.now());
  }

  limitsFor(plan: PlanName): PlanLimits {
    return this.plans[plan];
  }

  /**
   * Admits one request of `apiKey` (the authorizer's usageIdentifierKey) on a route, or says why not.
   * Only requests that pass every throttle count toward the quota, as in API Gateway. A key with an
   * `override` is in its client's own usage plan: the override's throttle and daily quota, the plan's
   * strict-route throttles, and buckets of its own (a new override is a new usage plan on AWS).
   */
  admit(apiKey: string, plan: string, routeKey: string, routeClass: RouteClass, override?: OverrideLimits): UsagePlanVerdict {
    if (!isPlanName(plan) || this.disabled.has(keyHash(apiKey))) return 'no-plan';
    const now = this.now();
    if (isGatePlan(plan)) return this.admitPoolKey(apiKey, plan, now);
    const limits = limitsInForce({ plan, override }, this.plans)!; // the plan is known (checked above)
    // The usage plan's shape (contracts/usage-plan.ts): a strict route's own throttle, else the key's.
    const methodThrottle = methodThrottleOf(plan, routeClass);
    const usagePlan = override ? overridePlanId(override) : plan;
    const bucketId = methodThrottle ? `${usagePlan}\u0000${apiKey}\u0000${routeKey}` : `${usagePlan}\u0000${apiKey}`;
    const keyBucket = this.bucket(bucketId, methodThrottle ?? throttleOf(limits), now);
    if (!keyBucket.take(now)) return 'throttled';
    if (this.stageBucket && !this.stageBucket.take(now)) {
      keyBucket.giveBack();
      return 'throttled';
    }
    const day = utcDay(new Date(now));
    const quotaId = keyHash(apiKey);
    const quota = this.quotas.get(quotaId);
    const used = quota && quota.day === day ? quota.used : 0;
    if (used >= limits.dailyQuota) return 'quota-exceeded';
    this.quotas.set(quotaId, { day, used: used + 1 });
    const usageId = `${override ? 'override' : plan}\u0000${quotaId}\u0000${day}`;
    this.daily.set(usageId, (this.daily.get(usageId) ?? 0) + 1);
    return 'ok';
  }

  /**
   * A gate plan's pool key (contracts/gate-pool.ts), as its usage plan holds it: one coarse throttle shared by every
   * client on the key, no quota, no per-method throttle. Each client's own limits are the gate's (the route chain).
   */
  private admitPoolKey(apiKey: string, plan: string, now: number): UsagePlanVerdict {
    const keyBucket = this.bucket(`${plan}\u0000${apiKey}`, throttleOf(GATE_POOL_CEILING), now);
    if (!keyBucket.take(now)) return 'throttled';
    if (this.stageBucket && !this.stageBucket.take(now)) {
      keyBucket.giveBack();
      return 'throttled';
    }
    const usageId = `${plan}\u0000${keyHash(apiKey)}\u0000${utcDay(new Date(now))}`;
    this.daily.set(usageId, (this.daily.get(usageId) ?? 0) + 1);
    return 'ok';
  }

  /** Per-key usage of the days from `from` to `to` (inclusive), for reconciliation. */
  usage(from: string, to: string): PlanUsage {
    const result: PlanUsage = {};
    for (const [id, count] of this.daily) {
      const [plan, key, day] = id.split('\u0000');
      if (day < from || day > to) continue;
      result[plan] ??= {};
      result[plan][key] ??= {};
      result[plan][key][day] = count;
    }
    return result;
  }

  /** A disabled key is refused like a key of no plan (403 INVALID_API_KEY), as API Gateway refuses a disabled key. */
  disableKey(apiKey: string): void {
    this.disabled.add(keyHash(apiKey));
  }

  /** Requests counted toward today's quota for a key. */
  quotaUsed(apiKey: string): number {
    const day = utcDay(new Date(this.now()));
    const quota = this.quotas.get(keyHash(apiKey));
    return quota && quota.day === day ? quota.used : 0;
  }

  /** Quota counters by key hash (never the key), to keep them across restarts with `--persist`. */
  exportQuotas(): Record<string, QuotaState> {
    return Object.fromEntries(this.quotas);
  }

  importQuotas(quotas: Record<string, QuotaState>): void {
    for (const [key, state] of Object.entries(quotas)) this.quotas.set(key, { ...state });
  }

  private bucket(id: string, throttle: Throttle, now: number): TokenBucket {
    let bucket = this.buckets.get(id);
    if (!bucket) {
      const bucketLimits: BucketLimits = { ratePerSecond: throttle.rateLimit, burst: throttle.burstLimit };
      bucket = new TokenBucket(bucketLimits, now);
      this.buckets.set(id, bucket);
    }
    return bucket;
  }
}

/** The twin's name for a client usage plan: one per set of override limits. */
function overridePlanId(override: OverrideLimits): string {
  return `override:${override.ratePerMinute}/${override.burst}/${override.dailyQuota}`;
}

/** Key → SHA-256, computed once per key (every admitted request needs it twice; keys are few). */
const keyHashes = new Map<string, string>();
const KEY_HASH_CACHE_SIZE = 10_000;

function keyHash(apiKey: string): string {
  let hash = keyHashes.get(apiKey);
  if (hash === undefined) {
    hash = createHash('sha256').update(apiKey).digest('hex');
    if (keyHashes.size >= KEY_HASH_CACHE_SIZE) keyHashes.clear();
    keyHashes.set(apiKey, hash);
  }
  return hash;
}
