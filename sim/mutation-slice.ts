// The test command Stryker's command runner runs for each mutant (`npm run mutation`): a bounded slice of the
// simulation, seeds 1..SIM_MUTATION_SEEDS (default 300), that exits 1 at the first seed with a violation or an
// unhandled error (the mutant is killed) and 0 when every seed passes (it survives).
import { createSimStore } from './sim-store';
import { runSeed } from './simulation';

const SEEDS = Number(process.env.SIM_MUTATION_SEEDS ?? 300);

async function main(): Promise<void> {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const result = await runSeed({ seed, store: createSimStore });
    if (result.violations.length > 0) {
      console.log(`seed ${seed}: ${result.violations[0].kind}: ${result.violations[0].detail}`);
      process.exitCode = 1;
      return;
    }
  }
  console.log(`${SEEDS} seeds, no violation`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
