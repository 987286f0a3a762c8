// The authorizer's use case: a presented API key → allow (with client context), deny (revoked) or unauthorized.
import { hashApiKey, looksLikeApiKey } from '../customers/api-keys';
import { findByKeyHash, type ClientStore, type MalformedRecord } from '../customers/client-store';
import { overrideLimitsOf } from '../customers/limits-in-force';
import { utcDay } from '../../contracts/usage-event-id';
import type { OverrideLimits } from '../../contracts/overrides';
import { isGatePlan } from '../../contracts/plans';
import { gatePoolKeyOf } from '../../contracts/gate-pool';

export type AuthorizationDecision =
  | {
      readonly effect: 'allow';
      readonly clientId: string;
      readonly plan: string;
      /** The API Gateway key value to meter against (never the presented secret): a pool key on gate plans. */
      readonly usageKey: string;
      readonly usedToday: number;
      readonly usageDay: string;
      /** The client's own limits (`keys override`), in force instead of its plan's. */
      readonly override?: OverrideLimits;
    }
  | { readonly effect: 'deny'; readonly clientId: string; readonly reason: 'revoked' }
  /** A key past its expiry (`--expires`) or past the grace period after a rotation: `at` is when it ended. */
  | { readonly effect: 'deny'; readonly clientId: string; readonly reason: 'expired' | 'rotated'; readonly at: string }
  | { readonly effect: 'unauthorized'; readonly reason: 'missing' | 'malformed' | 'unknown' }
  /** The stored record does not parse: refused like an unknown key, and reported. */
  | { readonly effect: 'unauthorized'; readonly reason: 'corrupt-record'; readonly record: MalformedRecord };

export interface AuthorizeOptions {
  /** The stage whose pool keys gate-plan clients share (contracts/gate-pool.ts). @default 'dev' */
  readonly stageName?: string;
}

export async function authorize(
  store: ClientStore,
  presentedKey: string | undefined,
  now: Date,
  options: AuthorizeOptions = {},
): Promise<AuthorizationDecision> {
  if (!presentedKey) return { effect: 'unauthorized', reason: 'missing' };
  if (!looksLikeApiKey(presentedKey)) return { effect: 'unauthorized', reason: 'malformed' };
  const usageDay = utcDay(now);
  const { client, usedToday, malformed } = await findByKeyHash(store, hashApiKey(presentedKey), usageDay);
  if (malformed) return { effect: 'unauthorized', reason: 'corrupt-record', record: malformed };
  if (!client) return { effect: 'unauthorized', reason: 'unknown' };
  if (client.status !== 'active') return { effect: 'deny', clientId: client.clientId, reason: 'revoked' };
  if (client.keyRetiresAt && Date.parse(client.keyRetiresAt) <= now.getTime())
    return { effect: 'deny', clientId: client.clientId, reason: 'rotated', at: client.keyRetiresAt };
  if (client.keyExpiresAt && Date.parse(client.keyExpiresAt) <= now.getTime())
    return { effect: 'deny', clientId: client.clientId, reason: 'expired', at: client.keyExpiresAt };
  const { override } = client;
  return {
    effect: 'allow',
    clientId: client.clientId,
    plan: client.plan,
    // A gate plan's clients share the plan's pool keys (no API Gateway key each); the gate holds each to its limits.
    usageKey: isGatePlan(client.plan) ? gatePoolKeyOf(options.stageName ?? 'dev', client.plan, client.clientId) : client.usageKey,
    usedToday: usedToday ?? 0,
    usageDay,
    ...(override ? { override: overrideLimitsOf(override) } : {}),
  };
}
