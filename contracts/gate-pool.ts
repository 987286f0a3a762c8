// The pool of usage-identifier keys a gate plan's clients share (docs/scale.md): how many, their values, which one a
// client uses, and the coarse outer ceiling API Gateway keeps per pool key. Read by the CDK API construct (it creates
// the keys in the plan's usage plan), the authorizer (it answers a pool key for a gate-plan client) and the twin.
import type { ThrottleLimits } from './plans';

/** API Gateway keys per gate plan: a handful, so a whole plan of clients needs no key each. */
export const GATE_POOL_SIZE = 8;

/**
 * The throttle per pool key (no quota): a ceiling over all the clients that share one key, far above any one
 * client's limits; each client is held to its own limits by the gate. API Gateway's stage throttle still applies above it.
 */
export const GATE_POOL_CEILING: ThrottleLimits = { ratePerMinute: 60_000, burst: 2_000 };

/**
 * The value of pool key `index` of a gate plan on a stage. Not a secret: with `apiKeySource: AUTHORIZER` only the
 * authorizer chooses a request's usage identifier, so a client cannot present it; the value is fixed so the stack,
 * the authorizer and the twin agree on it without sharing state. At least 20 characters, as API Gateway requires.
 */
export function gatePoolKeyValue(stageName: string, plan: string, index: number): string {
  return `gatepool-${stageName}-${plan}-${String(index).padStart(2, '0')}-usage-identifier`;
}

/** Which pool key a client uses: a stable hash of its id (32-bit FNV-1a), so its requests always fall on one key. */
export function gatePoolIndex(clientId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < clientId.length; i++) {
    hash ^= clientId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % GATE_POOL_SIZE;
}

/** The pool key of a client of a gate plan on a stage. */
export function gatePoolKeyOf(stageName: string, plan: string, clientId: string): string {
  return gatePoolKeyValue(stageName, plan, gatePoolIndex(clientId));
}
