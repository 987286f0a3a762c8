// Request and response schemas of the admin client routes: what an operator sends and sees. A client is shown
// without key material or usage identifiers (no key hash, usage key or API Gateway key id).
import * as z from 'zod';
import { MAX_TOP_UP_UNITS, PLAN_NAMES, type PlanName } from '../plans';
import { CLIENT_ID_PATTERN, CLIENT_PAGE, STRIPE_CUSTOMER_ID } from './client-fields';

export const planName = z.enum(PLAN_NAMES as [PlanName, ...PlanName[]]);

export const clientIdPath = z.strictObject({
  id: z.string().regex(CLIENT_ID_PATTERN, 'must be a client id (cl_ followed by 32 hex digits)'),
});
export type ClientIdPath = z.infer<typeof clientIdPath>;

/** A key's lifetime in whole days (`keys create|rotate --expires`); none: it never expires. */
const expiresInDays = z.int().min(1).max(3650);

export const createClientBody = z.strictObject({
  plan: planName,
  name: z.string().trim().min(1).max(64),
  expiresInDays: expiresInDays.optional(),
});
export type CreateClientBody = z.infer<typeof createClientBody>;

/** The only answer that carries the key value: shown once, never stored. */
export const createdClientResponse = z.strictObject({
  apiKey: z.string(),
  clientId: z.string(),
  plan: planName,
});

const overrideLimits = z.strictObject({ ratePerMinute: z.int(), burst: z.int(), dailyQuota: z.int() });

export const clientView = z.strictObject({
  clientId: z.string(),
  name: z.string(),
  plan: planName,
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  /** When the client's current key stops working (`expiresInDays`, `keys --expires`); absent: never. */
  keyExpiresAt: z.string().optional(),
  /** The client's own limits (`keys override`) and when they were set; overrides have no expiry: `set-plan` removes them. */
  override: overrideLimits.extend({ setAt: z.string() }).optional(),
  /** The Stripe customer billed for the client's usage (`keys set-customer`, `PUT …/stripe-customer`). */
  stripeCustomerId: z.string().optional(),
});
export type ClientView = z.infer<typeof clientView>;

export const listClientsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(CLIENT_PAGE.maxLimit).optional(),
  /** Opaque: the `nextCursor` of the previous page, as returned. */
  cursor: z
    .string()
    .max(CLIENT_PAGE.maxCursorLength)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextCursor returned by this route')
    .optional(),
});
export type ListClientsQuery = z.infer<typeof listClientsQuery>;

export const clientListResponse = z.strictObject({
  clients: z.array(clientView),
  /** Absent on the last page. */
  nextCursor: z.string().optional(),
});
export type ClientList = z.infer<typeof clientListResponse>;

/** `keys rotate`: how long the old key keeps working (ROTATION_DEFAULT_GRACE_SECONDS by default), and the new key's lifetime. */
export const rotateBody = z.strictObject({
  graceSeconds: z
    .int()
    .min(0)
    .max(30 * 86_400)
    .optional(),
  expiresInDays: expiresInDays.optional(),
});
export type RotateBody = z.infer<typeof rotateBody>;

/** The new key, shown once; the old one works until `oldKeyValidUntil`. */
export const rotatedKeyResponse = createdClientResponse.extend({ oldKeyValidUntil: z.string() });

/** `keys override`: the client's own limits (at least one; the rest stay the plan's); caps in contracts/overrides.ts. */
export const overrideBody = z.strictObject({
  ratePerMinute: z.int().min(1).optional(),
  burst: z.int().min(1).optional(),
  dailyQuota: z.int().min(1).optional(),
});
export type OverrideBody = z.infer<typeof overrideBody>;

export const overrideResponse = z.strictObject({
  clientId: z.string(),
  plan: planName,
  before: overrideLimits.optional(),
  after: overrideLimits,
  setAt: z.string(),
});

export const setPlanBody = z.strictObject({ plan: planName });
export type SetPlanBody = z.infer<typeof setPlanBody>;

export const planChangeResponse = z.strictObject({
  clientId: z.string(),
  before: planName,
  after: planName,
  changedAt: z.string(),
});

/** A prepaid-credit top-up of a gate-plan client (docs/plans.md "Prepaid credits"). */
export const topUpBody = z.strictObject({
  units: z.int().min(1).max(MAX_TOP_UP_UNITS),
  /** Makes a retry idempotent: the same id adds nothing the second time. Default: the time and a random suffix. */
  topUpId: z
    .string()
    .regex(/^[A-Za-z0-9:._#-]{1,64}$/, 'must be 1 to 64 letters, digits or : . _ # -')
    .optional(),
});
export type TopUpBody = z.infer<typeof topUpBody>;

export const topUpResponse = z.strictObject({
  clientId: z.string(),
  topUpId: z.string(),
  units: z.int(),
  /** The balance in units after the top-up. */
  balance: z.int(),
  by: z.string(),
  at: z.string(),
});

/** `PUT /admin/v1/clients/{id}/stripe-customer`: the Stripe customer billed for the client's usage. */
export const stripeCustomerBody = z.strictObject({
  customerId: z.string().regex(STRIPE_CUSTOMER_ID, 'must be a Stripe customer id (cus_ followed by letters and digits)'),
});
export type StripeCustomerBody = z.infer<typeof stripeCustomerBody>;
