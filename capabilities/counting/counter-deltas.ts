// Pure aggregation: parse SQS record bodies into usage events and sum them into counter deltas.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { UsageEvent } from '../../contracts/usage-event';
import { compiledRecord } from '../records/compiled-record';
import * as compiledUsageEvent from '../records/validators/usage-event';
import { addEvent, emptyCounters, HISTOGRAM_SIZE, mergeCounters, type CounterValues } from '../usage/counters';

export interface RecordBody {
  /** SQS messageId: what batchItemFailures names. */
  readonly id: string;
  readonly body: string;
}

export type ParsedRecord =
  | { readonly kind: 'event'; readonly id: string; readonly event: UsageEvent }
  | { readonly kind: 'poison'; readonly id: string; readonly reason: string };

// The event's zod schema (contracts/usage-event.ts) compiled at build time: the aggregator carries no zod.
const usageEventV1 = compiledRecord<UsageEvent>(compiledUsageEvent);

/** Validates one record body; never throws. The reason names fields, never their values. */
export function parseRecord(record: RecordBody): ParsedRecord {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    return { kind: 'poison', id: record.id, reason: 'body is not JSON' };
  }
  const version = (json as { v?: unknown } | null)?.v;
  if (version !== 1) {
    return { kind: 'poison', id: record.id, reason: `unknown usage event version: ${JSON.stringify(version ?? null).slice(0, 16)}` };
  }
  const parsed = usageEventV1.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    return { kind: 'poison', id: record.id, reason: `invalid usage event: ${[...new Set(fields)].slice(0, 5).join(', ')}` };
  }
  return { kind: 'event', id: record.id, event: parsed.data };
}

/** One counter item's share of a batch: route is absent on the per-day total. */
export interface CounterDelta {
  readonly clientId: string;
  readonly day: string;
  readonly route?: string;
  readonly values: CounterValues;
}

export type CountedFields = Pick<UsageEvent, 'clientId' | 'day' | 'route' | 'status' | 'latencyMs' | 'units'>;

const SEP = '\u0000';

/** Stable identity of a counter item inside the aggregator (not its table key). */
export function counterId(delta: Pick<CounterDelta, 'clientId' | 'day' | 'route'>): string {
  return delta.route === undefined ? `${delta.clientId}${SEP}${delta.day}` : `${delta.clientId}${SEP}${delta.day}${SEP}${delta.route}`;
}

/** Sums events into per-route deltas (one per client, day and route). Order does not matter. */
export function aggregateRoutes(events: Iterable<CountedFields>): Map<string, CounterDelta> {
  const byRoute = new Map<string, CounterDelta>();
  for (const event of events) {
    const id = `${event.clientId}${SEP}${event.day}${SEP}${event.route}`;
    let delta = byRoute.get(id);
    if (!delta) {
      delta = { clientId: event.clientId, day: event.day, route: event.route, values: emptyCounters() };
      byRoute.set(id, delta);
    }
    addEvent(delta.values, event);
  }
  return byRoute;
}

/** One client-day's share of a batch: what one UpdateItem adds to its day item (the day's totals and its routes'). */
export interface DayDelta {
  readonly clientId: string;
  readonly day: string;
  readonly total: CounterValues;
  readonly routes: ReadonlyMap<string, CounterValues>;
}

/** Groups per-route deltas into one delta per client-day. */
export function dayDeltas(routeDeltas: Iterable<CounterDelta>): DayDelta[] {
  const days = new Map<string, { clientId: string; day: string; total: CounterValues; routes: Map<string, CounterValues> }>();
  for (const delta of routeDeltas) {
    const id = counterId({ clientId: delta.clientId, day: delta.day });
    let day = days.get(id);
    if (!day) {
      day = { clientId: delta.clientId, day: delta.day, total: emptyCounters(), routes: new Map() };
      days.set(id, day);
    }
    mergeCounters(day.total, delta.values);
    const route = delta.route ?? '';
    day.routes.set(route, mergeCounters(day.routes.get(route) ?? emptyCounters(), delta.values));
  }
  return [...days.values()];
}

type EncodedRow = [
  clientId: string,
  day: string,
  route: string,
  requests: number,
  clientErrors: number,
  serverErrors: number,
  latencySumMs: number,
  ...histogram: number[],
];

/**
 * A body since events carried units: the rows as before, and beside each one its units, client-error units and
 * server-error units. A body written before (a bare array of rows) is 1 unit per request, which is what its events
 * counted as (`unitsOfEvent`), so a journal resumed across the upgrade applies exactly what it would have.
 */
interface EncodedBody {
  readonly v: 2;
  readonly rows: EncodedRow[];
  readonly units: [units: number, clientErrorUnits: number, serverErrorUnits: number][];
}

/** Compact, compressed form of a batch's per-route deltas, stored in its journal so a resumer applies exactly the same numbers. */
export function encodeDeltas(routeDeltas: Iterable<CounterDelta>): Uint8Array {
  const body: EncodedBody = { v: 2, rows: [], units: [] };
  for (const { clientId, day, route, values } of routeDeltas) {
    body.rows.push([
      clientId,
      day,
      route ?? '',
      values.requests,
      values.clientErrors,
      values.serverErrors,
      values.latencySumMs,
      ...values.latencyHistogram,
    ]);
    body.units.push([values.units, values.clientErrorUnits, values.serverErrorUnits]);
  }
  return deflateRawSync(Buffer.from(JSON.stringify(body)));
}

export function decodeDeltas(encoded: Uint8Array): CounterDelta[] {
  const parsed = JSON.parse(inflateRawSync(encoded).toString('utf8')) as EncodedRow[] | EncodedBody;
  const body = Array.isArray(parsed) ? undefined : parsed;
  const rows = body ? body.rows : (parsed as EncodedRow[]);
  return rows.map(([clientId, day, route, requests, clientErrors, serverErrors, latencySumMs, ...histogram], i) => {
    const [units, clientErrorUnits, serverErrorUnits] = body?.units[i] ?? [requests, clientErrors, serverErrors];
    return {
      clientId,
      day,
      route,
      values: {
        requests,
        clientErrors,
        serverErrors,
        latencySumMs,
        latencyHistogram:
          histogram.length === HISTOGRAM_SIZE ? histogram : [...histogram, ...new Array(HISTOGRAM_SIZE - histogram.length).fill(0)],
        units,
        clientErrorUnits,
        serverErrorUnits,
      },
    };
  });
}
