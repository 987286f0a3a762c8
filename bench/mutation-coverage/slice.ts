// The simulation jest runs for `npm run mutation:coverage`: seeds COV_FROM.. (COV_SEEDS of them, default 1,000), the
// runs Stryker's slice makes, so V8 coverage of the mutated files shows which code the simulator ever runs
// (bench/mutation-ledger.ts --coverage). A seed with a violation fails it: coverage of a failing run proves nothing.
import { createSimStore } from '../../sim/sim-store';
import { runSeed } from '../../sim/simulation';

const FROM = Number(process.env.COV_FROM ?? 1);
const SEEDS = Number(process.env.COV_SEEDS ?? 1_000);

test(
  `seeds ${FROM}..${FROM + SEEDS - 1} of the simulation, for coverage`,
  async () => {
    const failing: number[] = [];
    for (let seed = FROM; seed < FROM + SEEDS; seed++) {
      if ((await runSeed({ seed, store: createSimStore })).violations.length > 0) failing.push(seed);
    }
    expect(failing).toEqual([]);
  },
  4 * 3_600_000,
);
