// The zod schemas of a client's stored records (the one source): the client record, its keys, its override.
// Readers parse with the compiled parsers of client-store.ts; this module (and zod) loads only for a record they refuse.
import * as z from 'zod';
import { PLAN_NAMES, type PlanName } from '../../contracts/plans';

/** A per-client override (capabilities/customers/client-override.ts): the limits in force instead of the plan's. */
export const clientOverride = z.object({
  ratePerMinute: z.int().positive(),
  burst: z.int().positive(),
  dailyQuota: z.int().positive(),
  setAt: z.string(),
  /** The client's own API Gateway usage plan (deployed stages only). */
  usagePlanId: z.string().optional(),
});
export type ClientOverride = z.infer<typeof clientOverride>;

export const clientRecord = z.object({
  clientId: z.string(),
  name: z.string(),
  plan: z.enum(PLAN_NAMES as [PlanName, ...PlanName[]]),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  /** The value of the client's API Gateway key (usageIdentifierKey): never the client's secret. */
  usageKey: z.string().min(20),
  /** API Gateway's id of the key (deployed stages only), to disable it on revoke. */
  apiGatewayKeyId: z.string().optional(),
  /** Stripe customer (`cus_…`) billed for this client's usage (contracts/billing.ts `stripe.customerAttribute`). */
  stripeCustomerId: z.string().optional(),
  /** When this key stops working (`keys create|rotate --expires`); on the client record: its current key's. */
  keyExpiresAt: z.iso.datetime().optional(),
  /** Key records of a rotated-out key only: the end of its grace period (`keys rotate --grace`). */
  keyRetiresAt: z.iso.datetime().optional(),
  /** Limits set for this client alone (`keys override`); removed by `keys set-plan`. */
  override: clientOverride.optional(),
});
export type ClientRecord = z.infer<typeof clientRecord>;

/**
 * The keys of a client, kept on its client record: the current key's hash and the rotated-out keys still
 * in their grace period (`keys rotate`). Revocation reaches every one of them.
 */
export const clientKeys = z.object({
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  retiredKeys: z.array(z.object({ keyHash: z.string().regex(/^[0-9a-f]{64}$/), retiresAt: z.iso.datetime() })).default([]),
});
export type ClientKeys = z.infer<typeof clientKeys>;
