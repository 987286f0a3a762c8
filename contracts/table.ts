// The usage table's catalogue: its key schema, its item families (what IAM grants are written against), and
// every item type with its key builder and attribute names. One table, single-table design. Read by the CDK
// constructs (grants by family), the Lambdas' repositories and the local twin.

export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLive: 'expiresAt',
} as const;

/**
 * The table's item families: one partition-key shape each, either a fixed partition or a prefix followed by
 * an id. Every key below is built from one of them, and IAM grants name families, never key literals
 * (lib/constructs/table-access.ts turns a family into its `dynamodb:LeadingKeys` pattern).
 */
export const ITEM_FAMILIES = {
  /** API key records, `KEY#<SHA-256 of the key>`: what the authorizer looks a presented key up by. */
  keys: { prefix: 'KEY#' },
  /** The client registry: one partition, `CLIENTS`, one item per client. */
  clients: { partition: 'CLIENTS' },
  /** Daily and per-route counters of one client, `USAGE#<clientId>`. */
  counters: { prefix: 'USAGE#' },
  /** Plan history of one client, `PLANS#<clientId>` (written by set-plan, read by the statements). */
  plans: { prefix: 'PLANS#' },
  /** The daily job's per-client summaries of one day, `SUMMARY#<day>`. */
  summaries: { prefix: 'SUMMARY#' },
  /** The aggregator's claim pages, `CLAIM#<UTC second>#<shard>`. */
  claims: { prefix: 'CLAIM#' },
  /** The aggregator's journals, `JOURNAL#<journalId>`. */
  journals: { prefix: 'JOURNAL#' },
  /** Quota alert outbox of one day, `ALERTS#<day>` (capabilities/alerts). */
  alerts: { prefix: 'ALERTS#' },
  /** The admission gate's item of one client on a gate plan, `GATE#<clientId>` (capabilities/gate). */
  gates: { prefix: 'GATE#' },
  /** The prepaid-credit ledger of one client, `CREDITS#<clientId>`: one item per top-up (capabilities/gate). */
  credits: { prefix: 'CREDITS#' },
  /** The billing push's ledger of one client, `BILLING#<clientId>`: one item per day, what was sent to the provider. */
  billing: { prefix: 'BILLING#' },
} as const satisfies Record<string, { readonly prefix: string } | { readonly partition: string }>;

export type ItemFamily = keyof typeof ITEM_FAMILIES;
export const ITEM_FAMILY_NAMES = Object.keys(ITEM_FAMILIES) as ItemFamily[];

/** The partition-key pattern of a family as IAM's `dynamodb:LeadingKeys` takes it: the partition, or `<prefix>*`. */
export function leadingKeyPattern(family: ItemFamily): string {
  const shape: { readonly prefix?: string; readonly partition?: string } = ITEM_FAMILIES[family];
  return shape.partition ?? `${shape.prefix}*`;
}

/** The family a partition key belongs to; undefined for a key no family declares (a bug: no grant can reach it). */
export function familyOf(pk: string): ItemFamily | undefined {
  return ITEM_FAMILY_NAMES.find((family) => {
    const shape: { readonly prefix?: string; readonly partition?: string } = ITEM_FAMILIES[family];
    return shape.partition !== undefined ? pk === shape.partition : pk.startsWith(shape.prefix!);
  });
}

const { keys, clients, counters, plans, summaries, claims, journals, alerts, gates, credits, billing } = ITEM_FAMILIES;

/** Item keys. Every access pattern is a GetItem or a Query on one partition. */
export const itemKey = {
  /**
   * API key record, looked up by the SHA-256 hash of the presented key: a copy of its client record, plus
   * `keyExpiresAt` (`--expires`) and, once rotated out, `keyRetiresAt` (the grace end).
   */
  apiKey: (keyHash: string) => ({ pk: `${keys.prefix}${keyHash}`, sk: 'KEY' }),
  /**
   * Client registry (for `keys list` and revoke by clientId): one partition, Query-able. Holds `keyHash`
   * (the current key) and `retiredKeys` (`[{ keyHash, retiresAt }]`, rotated-out keys still in grace).
   */
  client: (clientId: string) => ({ pk: clients.partition, sk: `CLIENT#${clientId}` }),
  /** Daily counters of one client. */
  dayCounter: (clientId: string, day: string) => ({ pk: `${counters.prefix}${clientId}`, sk: `DAY#${day}` }),
  /** Daily counters of one client on one route (`GET /v1/hello`). */
  routeCounter: (clientId: string, day: string, route: string) => ({
    pk: `${counters.prefix}${clientId}`,
    sk: `DAY#${day}#ROUTE#${route}`,
  }),
  /** Plan history: the plans in force on one UTC day on which `keys set-plan` changed the plan (one partition per client). */
  planDay: (clientId: string, day: string) => ({ pk: `${plans.prefix}${clientId}`, sk: `DAY#${day}` }),
  /** The daily job's summary of one client's day: one partition per day, so a day's summaries are one Query. */
  daySummary: (day: string, clientId: string) => ({ pk: `${summaries.prefix}${day}`, sk: `CLIENT#${clientId}` }),
  /**
   * The aggregator's claim log of the events whose requestTime falls in one UTC second (and shard): append-only,
   * one item per batch, sk = zero-padded sequence number so appends are serialised by a conditional put.
   */
  claimEntry: (page: string, seq: number) => ({ pk: page, sk: `SEQ#${String(seq).padStart(8, '0')}` }),
  /** The aggregator's journal of one batch: its state (HEAD) and its deltas (BODY). */
  journalHead: (journalId: string) => ({ pk: `${journals.prefix}${journalId}`, sk: 'HEAD' }),
  journalBody: (journalId: string) => ({ pk: `${journals.prefix}${journalId}`, sk: 'BODY' }),
  /**
   * The aggregator's index of journals that may be pending: one entry per journal, written just before it turns
   * pending and deleted once it is complete, so an unfinished one is found and finished without its events
   * (one small partition: it holds only the journals in flight).
   */
  pendingJournal: (journalId: string) => ({ pk: PENDING_JOURNALS_PK, sk: `J#${journalId}` }),
  /** A quota alert outbox item: one per client, day and threshold (capabilities/alerts/threshold-crossings.ts). */
  alert: (day: string, clientId: string, threshold: number) => ({ pk: `${alerts.prefix}${day}`, sk: `${clientId}#${threshold}` }),
  /** The admission gate's one item per client: its rate windows, daily and monthly units, credit balance (GATE_ATTRIBUTES). */
  gate: (clientId: string) => ({ pk: `${gates.prefix}${clientId}`, sk: 'GATE' }),
  /**
   * Shard `shard` of a sharded gate (capabilities/gate/shards.ts): shard 0 is the client's gate item itself, the others
   * have partition keys of their own, so each takes its own ~1,000 write units per second.
   */
  gateShard: (clientId: string, shard: number) =>
    shard === 0 ? { pk: `${gates.prefix}${clientId}`, sk: 'GATE' } : { pk: `${gates.prefix}${clientId}#${shard}`, sk: 'GATE' },
  /** One prepaid-credit top-up; its id starts with its time, so a Query lists top-ups in order, and makes a retry idempotent. */
  creditTopUp: (clientId: string, topUpId: string) => ({ pk: `${credits.prefix}${clientId}`, sk: `TOPUP#${topUpId}` }),
  /**
   * Low-credit alert outbox of one client: one item per threshold and top-up cycle, created by the one who sends its
   * event (capabilities/alerts/credit-alerts.ts). Under the `alerts` family.
   */
  creditAlert: (clientId: string, threshold: number, cycle: number) => ({
    pk: `${alerts.prefix}CREDITS#${clientId}`,
    sk: `${threshold}#${cycle}`,
  }),
  /** Low-credit alerts claimed and not yet sent (one partition, usually empty; the sweeper sends what it finds). */
  creditAlertPending: (clientId: string, threshold: number, cycle: number) => ({
    pk: `${alerts.prefix}CREDITS-PENDING`,
    sk: `${clientId}#${threshold}#${cycle}`,
  }),
  /** What the billing push sent for one client and day (capabilities/billing/push-ledger.ts). */
  billingDay: (clientId: string, day: string) => ({ pk: `${billing.prefix}${clientId}`, sk: `DAY#${day}` }),
} as const;

/**
 * Short attribute names of a gate item (it is written on every request of a gate-plan client, so bytes are WCU).
 * The windows are fixed and nested (second ⊂ minute ⊂ UTC day ⊂ UTC month), so one timestamp says which are current.
 */
export const GATE_ATTRIBUTES = {
  /** epoch ms of the last window reset: windows that started after it are stale (counts 0) */
  resetAt: 'ts',
  /** units taken in the second, minute, UTC day and UTC month of `ts` */
  second: 's',
  minute: 'm',
  day: 'd',
  month: 'mo',
  /** prepaid credit balance in units; absent = the client holds no credits (not limited by them) */
  credits: 'cr',
  /**
   * prefix of one attribute per low-balance threshold, `ca<threshold>`: the top-up cycle of that threshold (how many
   * top-ups left the balance above it; absent = 0). Written only by top-ups (capabilities/gate/credits.ts).
   */
  creditCycle: 'ca',
  /**
   * the number of shards the item counts for, written only when more than 1 (absent = the client's one gate item):
   * every write is conditioned on it, so a writer holding another layout learns it from the refused write
   */
  shards: 'n',
} as const;

/** Partition of a claim page: `CLAIM#<UTC second>#<shard>`. */
export const claimPage = (second: string, shard: number) => `${claims.prefix}${second}#${shard}`;
/** Sequence number of a claim entry from its sort key. */
export const claimSeq = (sk: string) => Number(sk.slice('SEQ#'.length));
/** Journal id from a journal item's partition key. */
export const journalIdOf = (pk: string) => pk.slice(journals.prefix.length);
/** Partition of the pending-journal index (one of the aggregator's `JOURNAL#` items). */
export const PENDING_JOURNALS_PK = `${journals.prefix}PENDING`;
/** Journal id from a pending-journal index entry's sort key. */
export const pendingJournalIdOf = (sk: string) => sk.slice('J#'.length);

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
  /** journal head: the batch (its own journal id) whose transition completed it, so exactly one batch reports its events */
  journalDoneBy: 'doneBy',
  /** journal body: compressed deltas */
  journalDeltas: 'd',
  /** pending-journal index entry: epoch ms the journal was about to turn pending */
  pendingSince: 'at',
  /** counter item: prefix of a journal's marker attribute, `m_<journalId>` */
  markerPrefix: 'm_',
} as const;

/** Attribute names of client records that other grants name (the aggregator may read only `override` of them). */
export const CLIENT_ATTRIBUTES = {
  /** A per-client override's limits (capabilities/customers/client-override.ts). */
  override: 'override',
} as const;

export const USAGE_PK_PREFIX = counters.prefix;
export const CLIENTS_PK = clients.partition;
