// Metered counts against an independent source — API Gateway's own per-key usage — for one UTC day, per
// client, with a one-line explanation of each kind of difference. Pure: the CLI (reconcile.ts) gathers the inputs.

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
  readonly gateway: number;
  readonly difference: number;
  readonly kind: DifferenceKind;
  readonly explanation: string;
}

export interface Reconciliation {
  readonly day: string;
  readonly rows: ReconcileRow[];
  readonly totals: { readonly metered: number; readonly gateway: number };
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
  const clients = [...new Set([...input.metered.keys(), ...input.gateway.keys()])].sort();
  const rows = clients.map((clientId): ReconcileRow => {
    const metered = input.metered.get(clientId) ?? 0;
    const gateway = input.gateway.get(clientId) ?? 0;
    return { clientId, metered, gateway, difference: metered - gateway, ...explain(metered - gateway, input.backlog) };
  });
  const sum = (key: 'metered' | 'gateway') => rows.reduce((total, row) => total + row[key], 0);
  return {
    day: input.day,
    rows,
    totals: { metered: sum('metered'), gateway: sum('gateway') },
    backlog: input.backlog,
    unknownKeys: input.unknownKeys,
    matches: rows.every((row) => row.kind === 'match') && input.unknownKeys === 0,
  };
}

/** A plain table for a terminal. */
export function formatReconciliation(r: Reconciliation): string {
  const header = ['client', 'metered', 'api gateway', 'difference', 'why'];
  const lines = r.rows.map((row) => [row.clientId, String(row.metered), String(row.gateway), String(row.difference), row.explanation]);
  lines.push(['total', String(r.totals.metered), String(r.totals.gateway), String(r.totals.metered - r.totals.gateway), '']);
  const widths = header.slice(0, 4).map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i < 4 ? (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])) : c)).join('  ');
  const out = [`reconciliation of ${r.day} (UTC): metered counts vs API Gateway's per-key usage`, format(header), ...lines.map(format)];
  out.push(`pipeline: ${r.backlog.queued} usage event(s) queued, ${r.backlog.deadLetters} in the DLQ`);
  if (r.unknownKeys > 0) out.push(`${r.unknownKeys} request(s) of API keys no client record names (deleted clients?)`);
  out.push(r.matches ? 'result: the counts match' : 'result: differences found (explained above)');
  return out.join('\n');
}
