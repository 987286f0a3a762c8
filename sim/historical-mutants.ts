// The named historical bugs of the aggregator (issue 19), each written as a change to its source: planted in a copy
// of the tree of its own (never the checkout being worked in, and no switch in production code), where the bounded
// slice (sim/mutation-slice.ts) or `npm run sim -- --mutant NAME` runs against it. test/sim/historical-mutants.test.ts
// holds each to its seed budget and checks every change still finds the one place it applies to.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Patch {
  /** Path from the repository root. */
  readonly file: string;
  /** Text that occurs exactly once in the file. */
  readonly find: string;
  readonly replace: string;
}

const EXACTLY_ONCE = 'capabilities/counting/exactly-once.ts';
const REPOSITORY = 'capabilities/counting/repository.ts';

/**
 * - `unresolved-append-resolved`: a claim append whose outcome stayed unknown no longer voids its journal (the
 *   earlier loss: the journal counts without that page's events, then their redelivery is a "duplicate").
 * - `no-marker-condition`: counter writes drop `attribute_not_exists(marker)`, so a retry or a resumer adds twice.
 * - `ignore-lease`: aborting a `claiming` journal and taking over a `pending` one no longer wait for its lease.
 * - `pending-as-complete`: a `pending` journal is taken for `complete` (its events acknowledged as duplicates, its
 *   pending-index entry dropped) without anyone finishing it.
 * - `deadline-blind-lookups`: a bulk look-up of journal heads asks again for the keys DynamoDB left unprocessed
 *   whatever the batch's deadline, and the batch overruns its timeout (seed 76625 of `98d8855`; counts stay exact).
 */
export const HISTORICAL_MUTANTS = {
  'unresolved-append-resolved': [{ file: EXACTLY_ONCE, find: 'if (unresolvedAppend) this.journalVoid = true;', replace: '' }],
  'no-marker-condition': [{ file: REPOSITORY, find: "ConditionExpression: 'attribute_not_exists(#m)',", replace: '' }],
  'ignore-lease': [
    {
      file: EXACTLY_ONCE,
      find: "if (head?.status === 'claiming' && head.leaseUntil < now) {",
      replace: "if (head?.status === 'claiming') {",
    },
    {
      file: EXACTLY_ONCE,
      find: "} else if (head.status === 'pending' && head.leaseUntil < now) {",
      replace: "} else if (head.status === 'pending') {",
    },
    { file: EXACTLY_ONCE, find: '} else if (head.leaseUntil >= this.s.clock()) {', replace: '} else if (false) {' },
    { file: REPOSITORY, find: 'if (options.leaseExpiredBefore !== undefined) {', replace: 'if (false) {' },
    {
      file: REPOSITORY,
      find: "ConditionExpression: '#st = :pending AND #lease < :now',",
      replace: "ConditionExpression: '#st = :pending',",
    },
    {
      file: REPOSITORY,
      find: "ExpressionAttributeValues: { ':pending': 'pending', ':now': now, ':until': leaseUntil },",
      replace: "ExpressionAttributeValues: { ':pending': 'pending', ':until': leaseUntil },",
    },
  ],
  'pending-as-complete': [
    {
      file: EXACTLY_ONCE,
      find: "if (head.status === 'complete') {",
      replace: "if (head.status === 'complete' || head.status === 'pending') {",
    },
    {
      file: EXACTLY_ONCE,
      find: "if (head === undefined || head.status === 'complete' || head.status === 'aborted') {",
      replace: "if (head === undefined || head.status === 'complete' || head.status === 'aborted' || head.status === 'pending') {",
    },
  ],
  'deadline-blind-lookups': [{ file: REPOSITORY, find: 'if (!canWait(pause)) {', replace: 'if (false) {' }],
} as const satisfies Record<string, readonly Patch[]>;

export type HistoricalMutant = keyof typeof HISTORICAL_MUTANTS;

export const isHistoricalMutant = (name: string): name is HistoricalMutant => Object.hasOwn(HISTORICAL_MUTANTS, name);

/** `text` with one patch applied; throws unless its `find` occurs exactly once (the source moved on: fix the patch). */
export function applyPatch(text: string, patch: Patch): string {
  const at = text.indexOf(patch.find);
  if (at < 0 || text.indexOf(patch.find, at + 1) >= 0) {
    throw new Error(`${patch.file}: "${patch.find}" must occur exactly once (found ${at < 0 ? 'none' : 'more'})`);
  }
  return text.slice(0, at) + patch.replace + text.slice(at + patch.find.length);
}

/** The folders the simulator loads (tsx runs from source), copied whole into a planted tree. */
const TREE = ['capabilities', 'contracts', 'local', 'scripts', 'sim', 'package.json', 'tsconfig.json'];

/** A copy of the simulator's sources under a temporary folder with the mutant planted; `remove` deletes it. */
export function plantedTree(mutant: HistoricalMutant, root = path.join(__dirname, '..')): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `sim-${mutant}-`));
  try {
    for (const entry of TREE) cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    for (const patch of HISTORICAL_MUTANTS[mutant]) {
      const file = path.join(dir, patch.file);
      writeFileSync(file, applyPatch(readFileSync(file, 'utf8'), patch));
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
