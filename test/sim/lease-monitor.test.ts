// The lease monitor (sim/lease-monitor.ts) must see a journal moved to `complete` by a batch that no longer holds its
// lease (capabilities/counting/PROTOCOL.md step 4; the double count of seed 4088 began so), or the simulator could not
// catch a completion without the lease condition: the counts show it only when a later write lands at a bad moment.
import { AggregatorRepository } from '../../capabilities/counting/repository';
import { LeaseMonitor } from '../../sim/lease-monitor';
import { TableModel } from '../../sim/table-model';

const TABLE = 'usage';

/** Journal j created by λ1 with a lease to 1,000 and pending; λ2 takes the lease (to 9,000) once it ran out. */
async function world() {
  const store = new TableModel();
  let now = 0;
  const monitor = new LeaseMonitor(store, TABLE, () => now, 0);
  const repo = (container: string) => {
    const doc = { send: (command: object) => Promise.resolve(monitor.storeFor(container).execute(command)) };
    return new AggregatorRepository(
      doc as never,
      TABLE,
      () => now,
      async () => undefined,
    );
  };
  const [first, second] = [repo('λ1'), repo('λ2')];
  await first.putPendingEntry('j', 0, 1_000);
  await first.createJournal('j', 1_000);
  await first.transition('j', 'claiming', 'pending');
  now = 2_000;
  expect(await second.acquireLease('j', now, 9_000)).toBe(true);
  return { monitor, first, second };
}

test('the lease holder completing its journal passes', async () => {
  const { monitor, second } = await world();
  expect((await second.transition('j', 'pending', 'complete', { leaseHeld: 9_000, completedAt: 2_000 })).changed).toBe(true);
  expect(monitor.violations).toEqual([]);
});

test('a completion under a lease taken since is refused, and the monitor stays quiet', async () => {
  const { monitor, first } = await world();
  expect((await first.transition('j', 'pending', 'complete', { leaseHeld: 1_000, completedAt: 2_000 })).changed).toBe(false);
  expect(monitor.violations).toEqual([]);
});

test('a completion landing while another batch holds the lease is a violation', async () => {
  const { monitor, first } = await world();
  expect((await first.transition('j', 'pending', 'complete', { completedAt: 2_000 })).changed).toBe(true);
  expect(monitor.violations).toEqual(['journal j completed by λ1 at 2000 while λ2 held its lease (until 9000)']);
});
