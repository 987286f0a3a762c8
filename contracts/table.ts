// The usage table's catalogue: its key schema, and every item type with its key builder and attribute names.
// One table, single-table design. Read by the CDK store construct, the Lambdas' repositories and the local twin.

export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLive: 'expiresAt',
} as const;

/** Item keys. Every access pattern is a GetItem or a Query on one partition. */
export const itemKey = {
  /**
   * API key record, looked up by the SHA-256 hash of the presented key: a copy of its client record, plus
   * `keyExpiresAt` (`--expires`) and, once rotated out, `keyRetiresAt` (the grace end).
   */
  apiKey: (keyHash: string) => ({ pk: `KEY#${keyHash}`, sk: 'KEY' }),
  /**
   * Client registry (for `keys list` and revoke by clientId): one partition, Query-able. Holds `keyHash`
   * (the current key) and `retiredKeys` (`[{ keyHash, retiresAt }]`, rotated-out keys still in grace).
   */
  client: (clientId: string) => ({ pk: 'CLIENTS', sk: `CLIENT#${clientId}` }),
  /** Daily counters of one client. */
  dayCounter: (clientId: string, day: string) => ({ pk: `USAGE#${clientId}`, sk: `DAY#${day}` }),
  /** Daily counters of one client on one route (`GET /v1/hello`). */
  routeCounter: (clientId: string, day: string, route: string) => ({ pk: `USAGE#${clientId}`, sk: `DAY#${day}#ROUTE#${route}` }),
  /** Plan history: the plans in force on one UTC day on which `keys set-plan` changed the plan (one partition per client). */
  planDay: (clientId: string, day: string) => ({ pk: `PLANS#${clientId}`, sk: `DAY#${day}` }),
  /** The daily job's summary of one client's day: one partition per day, so a day's summaries are one Query. */
  daySummary: (day: string, clientId: string) => ({ pk: `SUMMARY#${day}`, sk: `CLIENT#${clientId}` }),
  /**
   * The aggregator's claim log of the events whose requestTime falls in one UTC second (and shard): append-only,
   * one item per batch, sk = zero-padded sequence number so appends are serialised by a conditional put.
   */
  claimEntry: (page: string, seq: number) => ({ pk: page, sk: `SEQ#${String(seq).padStart(8, '0')}` }),
  /** The aggregator's journal of one batch: its state (HEAD) and its deltas (BODY). */
  journalHead: (journalId: string) => ({ pk: `JOURNAL#${journalId}`, sk: 'HEAD' }),
  journalBody: (journalId: string) => ({ pk: `JOURNAL#${journalId}`, sk: 'BODY' }),
} as const;

/** Partition of a claim page: `CLAIM#<UTC second>#<shard>`. */
export const claimPage = (second: string, shard: number) => `CLAIM#${second}#${shard}`;
/** Sequence number of a claim entry from its sort key. */
export const claimSeq = (sk: string) => Number(sk.slice('SEQ#'.length));
/** Journal id from a journal item's partition key. */
export const journalIdOf = (pk: string) => pk.slice('JOURNAL#'.length);

/** Short attribute names of the aggregator's items (they are written per event batch, so bytes are WCU). */
export const AGGREGATOR_ATTRIBUTES = {
  /** claim entry: the journal that appended it */
  claimJournal: 'j',
  /** claim entry: concatenated 16-byte event-id hashes */
  claimHashes: 'h',
  /** claim entry: concatenated 4-byte payload fingerprints */
  claimFingerprints: 'f',
  /** journal head: claiming | pending | complete | aborted */
  journalStatus: 'st',
  /** journal head: epoch ms until which its applier owns it */
  journalLease: 'lease',
  /** journal head: epoch ms it completed */
  journalDone: 'done',
  /** journal body: compressed deltas */
  journalDeltas: 'd',
  /** counter item: prefix of a journal's marker attribute, `m_<journalId>` */
  markerPrefix: 'm_',
} as const;

export const USAGE_PK_PREFIX = 'USAGE#';
export const CLIENTS_PK = 'CLIENTS';
