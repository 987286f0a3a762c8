// The admin client routes' field formats and bounds as plain values, without zod: what the deployed admin function
// reads (its cold start loads no zod); the zod schemas in clients.ts use the same values.

/** Client ids are `cl_` and 32 hex digits (client-store.ts makes them). */
export const CLIENT_ID_PATTERN = /^cl_[0-9a-f]{32}$/;

/** Stripe customer ids are `cus_` and letters or digits (`keys set-customer`, `PUT …/stripe-customer`). */
export const STRIPE_CUSTOMER_ID = /^cus_[A-Za-z0-9]{1,64}$/;

/** Page size of `GET /admin/v1/clients`. */
export const CLIENT_PAGE = { defaultLimit: 25, maxLimit: 100, maxCursorLength: 512 } as const;

/** `keys rotate`: how long the old key keeps working (default 24 h; 0 refuses it at once). */
export const ROTATION_DEFAULT_GRACE_SECONDS = 24 * 3600;
