// Test-only seam: the named historical bugs of the aggregator, switched on one at a time by the simulator and
// its tests (sim/, test/) to prove they would be caught. The deployed handler never sets it: production
// behaviour is the `undefined` case, and test/sim/historical-mutants.test.ts checks no deployed entry names it.

/**
 * - `unresolved-append-resolved`: a claim append whose outcome stayed unknown no longer voids its journal (the
 *   earlier loss: the journal counts without that page's events, then their redelivery is a "duplicate").
 * - `no-marker-condition`: counter writes drop `attribute_not_exists(marker)`, so a retry or a resumer adds twice.
 * - `ignore-lease`: aborting a `claiming` journal and taking over a `pending` one no longer wait for its lease.
 * - `pending-as-complete`: a `pending` journal is taken for `complete` (its events acknowledged as duplicates, its
 *   pending-index entry dropped) without anyone finishing it.
 */
export type HistoricalMutant = 'unresolved-append-resolved' | 'no-marker-condition' | 'ignore-lease' | 'pending-as-complete';

export const HISTORICAL_MUTANTS: readonly HistoricalMutant[] = [
  'unresolved-append-resolved',
  'no-marker-condition',
  'ignore-lease',
  'pending-as-complete',
];
