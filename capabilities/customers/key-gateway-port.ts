// The port a key change needs from the gateway in front of the API: the use cases (key-admin.ts, the admin
// actions) own it; API Gateway's adapter (capabilities/api-gateway/key-gateway.ts) and the twin's implement it.
import type { PlanName } from '../../contracts/plans';
import type { UsagePlanKeys } from './client-plan';
import type { ClientRecord } from './client-store';
import type { ClientUsagePlans } from './client-override';

export interface RegisteredUsageKey {
  /** The value API Gateway knows (the authorizer's usageIdentifierKey): never the client's secret. */
  readonly usageKey: string;
  readonly apiGatewayKeyId?: string;
  /** Undoes the registration when storing the client fails. */
  discard(): Promise<void>;
}

/** What a key change needs from the gateway in front of the API (API Gateway on AWS, the emulator on the twin). */
export interface KeyGateway {
  registerUsageKey(plan: PlanName, name: string): Promise<RegisteredUsageKey>;
  /** Makes a stored revocation effective now instead of when cached authorizer results expire. */
  enforceRevocation(revoked: RevokedKeys): Promise<void>;
  /** Drops cached authorizer results (after a plan change), so the change applies from the next request. */
  flushAuthorizerCache(clientId: string): Promise<void>;
  /** Usage-plan membership of keys, for plan changes; absent where plans follow the authorizer's context (the twin). */
  readonly usagePlanKeys?: UsagePlanKeys;
  /** The same, plus a client's own usage plans (per-client overrides); absent on the twin. */
  readonly clientUsagePlans?: ClientUsagePlans;
}

/** What a revocation needs to know: the client, and its usage key and API Gateway key when known. */
export type RevokedKeys = Pick<ClientRecord, 'clientId'> & Partial<Pick<ClientRecord, 'usageKey' | 'apiGatewayKeyId'>>;
