// The seed campaign's record (bench/sim-campaign.ts): each chunk's line read back with its range, commit and failing
// seeds; totals add the ranges, which must follow one another (a gap or an overlap would misstate the seeds run).
import { campaignTotals, nextChunkSize, parseCampaignLine } from '../../bench/sim-campaign';
import { simFingerprint, simulatedFiles } from '../../bench/sim-fingerprint';

const summary = (from: number, to: number, failing: number) =>
  `${to - from + 1} seeds (${from}..${to}) in 210.0 s: 48 schedules/s, 2 workers; 157641 events, 1713671 scheduler steps; ${failing} failing seed(s)`;

test('reads a chunk line: range, commit and failing seeds; anything else is no chunk', () => {
  expect(parseCampaignLine(`1..10000 a11ae63 ${summary(1, 10_000, 0)}`)).toEqual({ from: 1, to: 10_000, commit: 'a11ae63', failing: 0 });
  expect(parseCampaignLine(`10001..20000 35cb1e9 ${summary(10_001, 20_000, 2)}`)).toMatchObject({ from: 10_001, failing: 2 });
  expect(parseCampaignLine('seed 2381 violates:')).toBeUndefined();
  expect(parseCampaignLine('')).toBeUndefined();
});

test('totals add contiguous ranges and name the next seed; a gap or an overlap is refused', () => {
  expect(campaignTotals([])).toEqual({ seeds: 0, failing: 0, next: 1 });
  const lines = [`1..10000 a ${summary(1, 10_000, 0)}`, `10001..15000 b ${summary(10_001, 15_000, 1)}`].map((l) => parseCampaignLine(l)!);
  expect(campaignTotals(lines)).toEqual({ seeds: 15_000, failing: 1, next: 15_001 });
  const gap = [lines[0], parseCampaignLine(`20001..30000 c ${summary(20_001, 30_000, 0)}`)!];
  expect(() => campaignTotals(gap)).toThrow('not contiguous');
  expect(() => campaignTotals([lines[0], lines[0]])).toThrow('not contiguous');
});

test('chunks stop at the target: a full chunk, then what is left, then none', () => {
  expect(nextChunkSize(785_001, 5_000, 1_000_000)).toBe(5_000);
  expect(nextChunkSize(998_001, 5_000, 1_000_000)).toBe(2_000);
  expect(nextChunkSize(1_000_000, 5_000, 1_000_000)).toBe(1);
  expect(nextChunkSize(1_000_001, 5_000, 1_000_000)).toBe(0);
});

test('the fingerprint covers what the simulator loads, through its imports, and nothing it cannot load', () => {
  const { files } = simulatedFiles('HEAD');
  for (const loaded of ['sim/cli.ts', 'sim/simulation.ts', 'capabilities/counting/exactly-once.ts', 'capabilities/counting/retry.ts'])
    expect(files).toContain(loaded);
  expect(files).toContain('package-lock.json');
  expect(files.filter((f) => f.startsWith('lib/') || f.startsWith('functions/') || f.startsWith('capabilities/admin/'))).toEqual([]);
  expect(simFingerprint('HEAD')).toMatch(/^[0-9a-f]{12}$/);
});
