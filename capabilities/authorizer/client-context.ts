// The authorizer's context, the one definition of its keys: the authorizer writes it (writeClientContext,
// writeDenyContext), the route handlers' request state and the twin's gateway read it (readClientContext), and the
// ACCESS_DENIED gateway response renders its detail. API Gateway hands context values to the integration as
// strings, so reading accepts numbers and numeric strings alike.
import { ACCESS_DENIED_DETAIL_KEY } from '../../contracts/gateway-responses';
import type { OverrideLimits } from '../../contracts/overrides';

/** Context keys, by what they hold. */
const KEYS = {
  clientId: 'clientId',
  plan: 'plan',
  /** Requests already counted on `usageDay` when the authorizer ran (for the RateLimit header). */
  usedToday: 'usedToday',
  usageDay: 'usageDay',
  /** The ACCESS_DENIED response's detail (`$context.authorizer.<key>` in its template). */
  accessDeniedDetail: ACCESS_DENIED_DETAIL_KEY,
} as const;

const OVERRIDE_KEYS = {
  ratePerMinute: 'overrideRatePerMinute',
  burst: 'overrideBurst',
  dailyQuota: 'overrideDailyQuota',
} as const satisfies Record<keyof OverrideLimits, string>;

/** What an Allow tells the integration about the caller. */
export interface ClientContext {
  readonly clientId: string;
  readonly plan: string;
  readonly usedToday: number;
  readonly usageDay: string;
  /** The 403 detail for a route the plan does not include (the result is cached for every route). */
  readonly accessDeniedDetail: string;
  /** The client's own limits (`keys override`); none on a plan's limits. */
  readonly override?: OverrideLimits;
}

/** What a reader finds in a context: each value only when present and well-formed. */
export type ReadClientContext = Partial<Omit<ClientContext, 'accessDeniedDetail'>>;

export type AuthorizerContext = Record<string, string | number | boolean>;

/** The context of an Allow. */
export function writeClientContext(context: ClientContext): AuthorizerContext {
  return {
    [KEYS.clientId]: context.clientId,
    [KEYS.plan]: context.plan,
    [KEYS.usedToday]: context.usedToday,
    [KEYS.usageDay]: context.usageDay,
    [KEYS.accessDeniedDetail]: context.accessDeniedDetail,
    ...overrideContext(context.override),
  };
}

/** The context of a Deny: only the detail its 403 shows. */
export function writeDenyContext(accessDeniedDetail: string): AuthorizerContext {
  return { [KEYS.accessDeniedDetail]: accessDeniedDetail };
}

/**
 * The caller as an integration sees it (`event.requestContext.authorizer`, or the twin's cached result). The client
 * is `clientId`, else the `principalId` API Gateway adds beside the context.
 */
export function readClientContext(context: Record<string, unknown> | null | undefined): ReadClientContext {
  if (!context) return {};
  const named = context[KEYS.clientId] ?? context.principalId;
  const clientId = typeof named === 'string' && named !== '' ? named : undefined;
  const plan = context[KEYS.plan] == null ? undefined : String(context[KEYS.plan]);
  const usedToday = asNumber(context[KEYS.usedToday]);
  const usageDay = typeof context[KEYS.usageDay] === 'string' ? (context[KEYS.usageDay] as string) : undefined;
  const override = overrideFromContext(context);
  return {
    ...(clientId !== undefined ? { clientId } : {}),
    ...(plan !== undefined ? { plan } : {}),
    ...(usedToday !== undefined ? { usedToday } : {}),
    ...(usageDay !== undefined ? { usageDay } : {}),
    ...(override ? { override } : {}),
  };
}

/** Context entries for an override; none without one (a plan's limits need no context). */
export function overrideContext(override: OverrideLimits | undefined): Record<string, number> {
  if (!override) return {};
  return {
    [OVERRIDE_KEYS.ratePerMinute]: override.ratePerMinute,
    [OVERRIDE_KEYS.burst]: override.burst,
    [OVERRIDE_KEYS.dailyQuota]: override.dailyQuota,
  };
}

/** The override in an authorizer context, or undefined unless all three values are positive integers. */
export function overrideFromContext(context: Record<string, unknown> | null | undefined): OverrideLimits | undefined {
  if (!context) return undefined;
  const read = (name: string) => {
    const n = asNumber(context[name]);
    return n !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
  };
  const ratePerMinute = read(OVERRIDE_KEYS.ratePerMinute);
  const burst = read(OVERRIDE_KEYS.burst);
  const dailyQuota = read(OVERRIDE_KEYS.dailyQuota);
  if (ratePerMinute === undefined || burst === undefined || dailyQuota === undefined) return undefined;
  return { ratePerMinute, burst, dailyQuota };
}

function asNumber(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw !== '' ? Number(raw) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}
