// A batch result for the simulator monitors' tests: nothing counted, refused or reported, unless the test says so.
import type { BatchResult } from '../../capabilities/counting/exactly-once';

export function batchResult(over: Partial<BatchResult> = {}): BatchResult {
  return {
    failures: [],
    poison: [],
    counted: 0,
    completedEvents: 0,
    duplicates: 0,
    conflicts: [],
    counterWrites: 0,
    resumed: 0,
    errors: 0,
    journalId: 'j1',
    ...over,
  };
}
