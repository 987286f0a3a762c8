// Port helpers for the local services: reserve a loopback port for a service about to start, wait until one answers.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { processAlive } from '../state-file';

/** Where this user's processes of this project claim the ports they reserve: one empty file per claim, `<port>-<pid>`. */
export const PORT_CLAIMS_DIR = path.join(os.tmpdir(), `metered-api-port-claims-${os.userInfo().username}`);

/** The lowest port reserved; below it sit the well-known services a laptop may run. */
const LOWEST = 10_000;
/** A reserving range narrower than this is not worth keeping away from the kernel's. */
const ENOUGH = 1_000;

/**
 * The ports the kernel picks by itself, for a bind to port 0 and for outgoing connections: Linux says which, other
 * systems use IANA's dynamic range (macOS and Windows do).
 */
export function ephemeralRange(): readonly [number, number] {
  try {
    const [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch {
    // not Linux
  }
  return [49_152, 65_535];
}

/** Where reserved ports come from: outside the kernel's own range when there is room, else anywhere above LOWEST. */
export function reservingRange(ephemeral = ephemeralRange()): readonly [number, number] {
  const [low, high] = ephemeral;
  if (low - LOWEST >= ENOUGH) return [LOWEST, low - 1];
  if (65_535 - high >= ENOUGH) return [high + 1, 65_535];
  return [LOWEST, 65_535];
}

const claimed = new Set<string>();
let swept = false;

/** Once per process: forget the claims of processes that are gone (a killed jest worker leaves its claims behind). */
function sweepDeadClaims(): void {
  if (swept) return;
  swept = true;
  const dead = new Map<number, boolean>();
  for (const name of fs.readdirSync(PORT_CLAIMS_DIR)) {
    const pid = Number(name.split('-')[1]);
    if (!dead.has(pid)) dead.set(pid, !processAlive(pid));
    if (dead.get(pid)) fs.rmSync(path.join(PORT_CLAIMS_DIR, name), { force: true });
  }
}
process.once('exit', () => {
  for (const file of claimed) fs.rmSync(file, { force: true });
});

/**
 * Claims a port among this project's processes: announce (create `<port>-<pid>`), then look; if another live
 * process announced the same port, or this one did earlier, step back. Two processes announcing at once both step
 * back, so at most one ever holds a port. A claim lasts as long as its process; a dead process's claims count for nothing.
 */
export function claimPort(port: number): boolean {
  fs.mkdirSync(PORT_CLAIMS_DIR, { recursive: true });
  const mine = path.join(PORT_CLAIMS_DIR, `${port}-${process.pid}`);
  try {
    fs.writeFileSync(mine, '', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false; // this process claimed it before
    throw error;
  }
  const holders = fs
    .readdirSync(PORT_CLAIMS_DIR)
    .filter((name) => name.startsWith(`${port}-`))
    .map((name) => Number(name.slice(`${port}-`.length)))
    .filter((pid) => pid !== process.pid && processAlive(pid));
  if (holders.length > 0) {
    fs.rmSync(mine, { force: true });
    return false;
  }
  claimed.add(mine);
  return true;
}

/**
 * A loopback port for a service this process is about to start (a child emulator binds it a second or two later).
 * A port from the kernel's own range could be handed meanwhile to another process's bind to 0 or outgoing
 * connection, and two processes asking the kernel at once can be told the same one: then a service answers on
 * another's port (DynamoDB's calls reaching fauxqs). So the port comes from outside that range, claimed among this
 * project's processes (jest workers, a twin and its tests), and free when handed out.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  fs.mkdirSync(PORT_CLAIMS_DIR, { recursive: true });
  sweepDeadClaims();
  const [low, high] = reservingRange();
  const size = high - low + 1;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const port = low + ((start + i) % size);
    if (!claimPort(port)) continue;
    if (await isPortFree(port, host)) return port;
  }
  throw new Error(`no free port between ${low} and ${high} on ${host}`);
}

export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export async function waitForPort(port: number, host: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process exited before port ${port} opened`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing answered on ${host}:${port} within ${timeoutMs} ms`);
}
