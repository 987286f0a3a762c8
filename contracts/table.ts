// The usage table's key schema and item keys: one table, single-table design.
// Read by the CDK store construct, the Lambdas' repositories and the local twin.

export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLive: 'expiresAt',
} as const;

/** Item keys. Every access pattern is a GetItem or a Query on one partition. */
export const itemKey = {
  /** API key record, looked up by the SHA-256 hash of the presented key. */
  apiKey: (keyHash: string) => ({ pk: `KEY#${keyHash}`, sk: 'KEY' }),
  /** Client registry (for `keys list` and revoke by clientId): one partition, Query-able. */
  client: (clientId: string) => ({ pk: 'CLIENTS', sk: `CLIENT#${clientId}` }),
  /** Daily counters of one client. */
  dayCounter: (clientId: string, day: string) => ({ pk: `USAGE#${clientId}`, sk: `DAY#${day}` }),
  /** Daily counters of one client on one route (`GET /v1/hello`). */
  routeCounter: (clientId: string, day: string, route: string) => ({ pk: `USAGE#${clientId}`, sk: `DAY#${day}#ROUTE#${route}` }),
} as const;

export const USAGE_PK_PREFIX = 'USAGE#';
export const CLIENTS_PK = 'CLIENTS';
