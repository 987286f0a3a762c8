// The cost model prices the aggregation bench's `prod-routes` workload (the contract's routes, what prod meters), and
// the made-up `realistic` routes only where no prod-routes run exists.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aggregationPoints } from '../../scripts/support/bench-units';

const run = (name: string, batchSize: number, modelWcu: number) => ({
  workload: { name, batchSize },
  designs: [{ design: 'this aggregator, 5 pollers at once', eventsPerSecond: 500, perThousandEvents: { modelWcu } }],
});

function resultsDir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-units-'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), JSON.stringify(body));
  return dir;
}

test('prod-routes points are priced where any exist, realistic ones otherwise', () => {
  const both = resultsDir({
    'aggregation-a.json': { at: '2026-12-02T10:00:00Z', workloads: [run('realistic', 200, 500), run('prod-routes', 200, 250)] },
    'aggregation-b.json': { at: '2026-12-02T11:00:00Z', workloads: [run('realistic', 2_000, 90)] },
  });
  expect(aggregationPoints(both).map((p) => [p.workload, p.batchSize, p.wcuPerEvent])).toEqual([['prod-routes', 200, 0.25]]);
  const realisticOnly = resultsDir({ 'aggregation-a.json': { at: '2026-12-02T10:00:00Z', workloads: [run('realistic', 200, 500)] } });
  expect(aggregationPoints(realisticOnly).map((p) => [p.workload, p.batchSize, p.wcuPerEvent])).toEqual([['realistic', 200, 0.5]]);
});
