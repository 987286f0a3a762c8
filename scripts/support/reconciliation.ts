// Metered counts against an independent source — API Gateway's own per-key usage — for one UTC day, per
// client, with a one-line explanation of each kind of difference; the units beside the requests. Clients of gate
// plans share their plan's pool of usage-identifier keys (contracts/gate-pool.ts), so API Gateway knows only the
// pool's total: they are compared as one pool per plan, each client's metered requests and units listed under it.
// Pure: the CLI (reconcile.ts) gathers the inputs.

export interface PipelineBacklog {
  /** Usage events waiting in the usage queue (visible + in flight). */
  readonly queued: number;
  /** Usage events in the dead-letter queue. */
  readonly deadLetters: number;
}

export interface ReconcileInput {
  readonly day: string;
  /** Requests counted by the aggregator, per clientId (the client's day counter). */
  readonly metered: ReadonlyMap<string, number>;
  /** Units counted by the aggregator, per clientId (docs/plans.md "Units"); absent = 1 per request. */
  readonly meteredUnits?: ReadonlyMap<string, number>;
  /** The gate plan of each client on one (its requests are metered by API Gateway on the plan's pool keys). */
  readonly gatePlanOf?: ReadonlyMap<string, string>;
  /** Requests API Gateway admitted on each gate plan's pool keys, per plan. */
  readonly pools?: ReadonlyMap<string, number>;
  /** Requests API Gateway admitted for each client's key (GetUsage), per clientId. */
  readonly gateway: ReadonlyMap<string, number>;
  /** Gateway usage of keys no client record names. */
  readonly unknownKeys: number;
  readonly backlog: PipelineBacklog;
}

export type DifferenceKind = 'match' | 'not-counted-yet' | 'missing-usage-events' | 'more-than-gateway';

export interface ReconcileRow {
  readonly clientId: string;
  readonly metered: number;
  /** The metered requests' units (what the client is charged by; API Gateway knows requests only). */
  readonly units: number;
  readonly gateway: number;
  readonly difference: number;
  readonly kind: DifferenceKind;
  readonly explanation: string;
}

/** The clients of one gate plan against the usage of the plan's pool keys. */
export interface PoolReconciliation {
  readonly plan: string;
  /** Each client of the plan with metered usage: its requests and units (API Gateway has no per-client figure). */
  readonly clients: readonly { readonly clientId: string; readonly metered: number; readonly units: number }[];
  readonly metered: number;
  readonly units: number;
  readonly gateway: number;
  readonly difference: number;
  readonly kind: DifferenceKind;
  readonly explanation: string;
}

export interface Reconciliation {
  readonly day: string;
  /** Clients of gateway plans (one API Gateway key each). */
  readonly rows: ReconcileRow[];
  /** Gate plans, one per plan with metered or pool usage. */
  readonly pools: PoolReconciliation[];
  readonly totals: { readonly metered: number; readonly units: number; readonly gateway: number };
  readonly backlog: PipelineBacklog;
  readonly unknownKeys: number;
  readonly matches: boolean;
}

function explain(difference: number, backlog: PipelineBacklog): { kind: DifferenceKind; explanation: string } {
  if (difference === 0) return { kind: 'match', explanation: 'every request API Gateway admitted is counted once' };
  if (difference < 0) {
    if (backlog.queued + backlog.deadLetters >= -difference) {
      return {
        kind: 'not-counted-yet',
        explanation: `usage events still on their way: ${backlog.queued} in the usage queue, ${backlog.deadLetters} in the DLQ (redrive it); run again later`,
      };
    }
    return {
      kind: 'missing-usage-events',
      explanation:
        'admitted by API Gateway but no usage event reached the queue: a send that failed (npm run usage:replay) or a route function that died before sending (integration 5xx, timeout)',
    };
  }
  return {
    kind: 'more-than-gateway',
    explanation:
      'counted more than API Gateway reports: its usage is best-effort and can lag by minutes; on the twin, gateway usage restarts with the process unless it keeps running',
  };
}

export function reconcile(input: ReconcileInput): Reconciliation {
  const unitsOf = (clientId: string) => input.meteredUnits?.get(clientId) ?? input.metered.get(clientId) ?? 0;
  const gatePlanOf = input.gatePlanOf ?? new Map<string, string>();
  const clients = [...new Set([...input.metered.keys(), ...input.gateway.keys()])].filter((id) => !gatePlanOf.has(id)).sort();
  const rows = clients.map((clientId): ReconcileRow => {
    const metered = input.metered.get(clientId) ?? 0;
    const gateway = input.gateway.get(clientId) ?? 0;
    return {
      clientId,
      metered,
      units: unitsOf(clientId),
      gateway,
      difference: metered - gateway,
      ...explain(metered - gateway, input.backlog),
    };
  });
  const plans = [...new Set([...gatePlanOf.values(), ...(input.pools?.keys() ?? [])])].sort();
  const pools = plans.flatMap((plan): PoolReconciliation[] => {
    const members = [...gatePlanOf]
      .filter(([clientId, p]) => p === plan && (input.metered.get(clientId) ?? 0) > 0)
      .map(([clientId]) => ({ clientId, metered: input.metered.get(clientId) ?? 0, units: unitsOf(clientId) }))
      .sort((a, b) => a.clientId.localeCompare(b.clientId));
    const metered = members.reduce((total, c) => total + c.metered, 0);
    // A client that moved onto the gate plan today sent part of its day through its own key: that usage is its too.
    const ownKeys = [...gatePlanOf]
      .filter(([, p]) => p === plan)
      .reduce((total, [clientId]) => total + (input.gateway.get(clientId) ?? 0), 0);
    const gateway = (input.pools?.get(plan) ?? 0) + ownKeys;
    if (metered === 0 && gateway === 0) return [];
    const units = members.reduce((total, c) => total + c.units, 0);
    return [
      { plan, clients: members, metered, units, gateway, difference: metered - gateway, ...explain(metered - gateway, input.backlog) },
    ];
  });
  const sum = (key: 'metered' | 'gateway' | 'units') =>
    rows.reduce((total, row) => total + row[key], 0) + pools.reduce((total, pool) => total + pool[key], 0);
  return {
    day: input.day,
    rows,
    pools,
    totals: { metered: sum('metered'), units: sum('units'), gateway: sum('gateway') },
    backlog: input.backlog,
    unknownKeys: input.unknownKeys,
    matches: rows.every((row) => row.kind === 'match') && pools.every((pool) => pool.kind === 'match') && input.unknownKeys === 0,
  };
}

/** A plain table for a terminal. */
export function formatReconciliation(r: Reconciliation): string {
  const header = ['client', 'metered', 'units', 'api gateway', 'difference', 'why'];
  const lines = r.rows.map((row) => [
    row.clientId,
    String(row.metered),
    String(row.units),
    String(row.gateway),
    String(row.difference),
    row.explanation,
  ]);
  for (const pool of r.pools) {
    for (const c of pool.clients)
      lines.push([`  ${c.clientId}`, String(c.metered), String(c.units), 'pooled', '', `on the ${pool.plan} pool`]);
    lines.push([
      `pool of ${pool.plan} (${pool.clients.length} client(s))`,
      String(pool.metered),
      String(pool.units),
      String(pool.gateway),
      String(pool.difference),
      pool.explanation,
    ]);
  }
  lines.push([
    'total',
    String(r.totals.metered),
    String(r.totals.units),
    String(r.totals.gateway),
    String(r.totals.metered - r.totals.gateway),
    '',
  ]);
  const widths = header.slice(0, 5).map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i < 5 ? (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])) : c)).join('  ');
  const out = [
    `reconciliation of ${r.day} (UTC): metered counts vs API Gateway's per-key usage (units beside; gate plans per pool of shared keys)`,
    format(header),
    ...lines.map(format),
  ];
  out.push(`pipeline: ${r.backlog.queued} usage event(s) queued, ${r.backlog.deadLetters} in the DLQ`);
  if (r.unknownKeys > 0) out.push(`${r.unknownKeys} request(s) of API keys no client record names (deleted clients?)`);
  out.push(r.matches ? 'result: the counts match' : 'result: differences found (explained above)');
  return out.join('\n');
}
