// The checker's only reads of what the aggregator stored, through the production readers: counter items
// (countersFromItem) and journal bodies (decodeDeltas). A change of the stored layout touches this file only;
// the expected side (expected-counts.ts) stays independent of production code.
import { decodeDeltas } from '../capabilities/counting/counter-deltas';
import { countersFromItem, routeCountersFromItem } from '../capabilities/usage/counters';
import { type ExpectedValues, expectedKey } from './expected-counts';

type Item = Record<string, unknown>;

function asRow(values: ReturnType<typeof countersFromItem>): ExpectedValues {
  return [
    values.requests,
    values.clientErrors,
    values.serverErrors,
    values.latencySumMs,
    ...values.latencyHistogram,
    values.units,
    values.clientErrorUnits,
    values.serverErrorUnits,
  ];
}

/** Every counter item of the table, keyed as the oracle keys them. */
export function readCounters(items: readonly Item[]): Map<string, ExpectedValues> {
  const out = new Map<string, ExpectedValues>();
  for (const item of items) {
    const pk = String(item.pk);
    if (!pk.startsWith('USAGE#')) continue;
    const clientId = pk.slice('USAGE#'.length);
    const [, day, , ...route] = String(item.sk).split('#');
    out.set(expectedKey(clientId, day, route.join('#')), asRow(countersFromItem(item)));
    // Since one item per client-day (issue 23), a day item also holds its routes' counters as attributes.
    for (const [r, values] of routeCountersFromItem(item)) out.set(expectedKey(clientId, day, r), asRow(values));
  }
  return out;
}

/** A day counter item's request total (0 when there is no item). */
export function dayTotalRequests(item: Item | undefined): number {
  return item ? countersFromItem(item).requests : 0;
}

/** Counter items whose own clientId, day and route attributes (what readers filter and show) disagree with their key. */
export function mislabelledCounters(items: readonly Item[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    const pk = String(item.pk);
    if (!pk.startsWith('USAGE#')) continue;
    const [, day, , ...route] = String(item.sk).split('#');
    const want = { clientId: pk.slice('USAGE#'.length), day, route: route.length > 0 ? route.join('#') : undefined };
    if (item.clientId !== want.clientId || item.day !== want.day || item.route !== want.route) {
      out.push(`${pk} ${String(item.sk)} carries clientId ${String(item.clientId)}, day ${String(item.day)}, route ${String(item.route)}`);
    }
  }
  return out;
}

/** The per-route counters a journal's body says its events add up to, keyed as the oracle keys them. */
export function readJournalBody(body: Uint8Array): Map<string, ExpectedValues> {
  return new Map(decodeDeltas(body).map((d) => [expectedKey(d.clientId, d.day, d.route ?? ''), asRow(d.values)]));
}
