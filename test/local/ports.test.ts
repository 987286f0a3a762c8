// The ports the twin and the tests reserve for their emulators: outside the kernel's own range (so no bind to 0 and
// no outgoing connection can take one while the emulator starts), and never the same one for two of this project's
// processes at once. Before, two jest workers could be told the same port: DynamoDB Local's calls reached fauxqs.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { claimPort, ephemeralRange, freePort, isPortFree, PORT_CLAIMS_DIR, reservingRange } from '../../local/services/ports';

const ROOT = path.resolve(__dirname, '..', '..');

test('the reserving range keeps away from the kernel range of Linux, macOS and a wide-open Linux', () => {
  expect(reservingRange([32_768, 60_999])).toEqual([10_000, 32_767]);
  expect(reservingRange([49_152, 65_535])).toEqual([10_000, 49_151]);
  expect(reservingRange([10_500, 60_000])).toEqual([60_001, 65_535]);
  expect(reservingRange([1_024, 65_535])).toEqual([10_000, 65_535]); // no room: claims still keep our processes apart
});

test('freePort hands out free ports from the reserving range, never the same one twice', async () => {
  const [low, high] = reservingRange();
  const [kernelLow, kernelHigh] = ephemeralRange();
  const ports = [];
  for (let i = 0; i < 200; i++) ports.push(await freePort());
  expect(new Set(ports).size).toBe(200);
  for (const port of ports) {
    expect(port).toBeGreaterThanOrEqual(low);
    expect(port).toBeLessThanOrEqual(high);
    if (low < kernelLow || low > kernelHigh) expect(port < kernelLow || port > kernelHigh).toBe(true);
  }
  expect(await isPortFree(ports[0])).toBe(true);
});

test('three processes reserving at once never get the same port', async () => {
  // Each holds its ports (stays alive) until all three have printed theirs: a finished process's ports are free again.
  const script = `import('./local/services/ports.ts').then(async ({ freePort }) => {
    const ports = [];
    for (let i = 0; i < 300; i++) ports.push(await freePort());
    console.log(JSON.stringify(ports));
    process.stdin.resume().on('end', () => process.exit(0));
  })`;
  const children = [0, 1, 2].map(() => spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT }));
  const lists = await Promise.all(
    children.map(
      (child) =>
        new Promise<number[]>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.endsWith('\n')) resolve(JSON.parse(out) as number[]);
          });
          child.once('exit', (code) => reject(new Error(`reserving process exited (${code})`)));
        }),
    ),
  );
  for (const child of children) child.stdin.end();
  // By chance alone, 900 picks from about 22,000 ports would share some 18.
  const all = lists.flat();
  expect(all).toHaveLength(900);
  expect(new Set(all).size).toBe(900);
}, 60_000);

test("a live process's claim holds a port; a dead one's does not; a port claimed once is not claimed again", () => {
  // Below the reserving range, so no other jest worker's freePort() (nor this worker's, in earlier test files) can
  // hold or take these two ports while the test runs; claimPort() itself accepts any number.
  const [low] = reservingRange();
  const port = low - 1_000 + Math.floor(Math.random() * 998);
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  fs.mkdirSync(PORT_CLAIMS_DIR, { recursive: true });
  const stale = path.join(PORT_CLAIMS_DIR, `${port}-${dead}`);
  const live = path.join(PORT_CLAIMS_DIR, `${port + 1}-${process.ppid}`);
  fs.writeFileSync(stale, '');
  fs.writeFileSync(live, '');
  try {
    expect(claimPort(port)).toBe(true);
    expect(claimPort(port)).toBe(false);
    // A fresh copy of the module (jest loads one per test file into the same worker) remembers it too.
    jest.isolateModules(() => {
      const fresh = require('../../local/services/ports') as typeof import('../../local/services/ports');
      expect(fresh.claimPort(port)).toBe(false);
    });
    expect(claimPort(port + 1)).toBe(false);
  } finally {
    fs.rmSync(stale, { force: true });
    fs.rmSync(live, { force: true });
    fs.rmSync(path.join(PORT_CLAIMS_DIR, `${port}-${process.pid}`), { force: true });
  }
});
