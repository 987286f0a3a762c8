// Starts the fauxqs SQS + S3 emulator as a child process on the same Node as this one.
import path from 'node:path';
import { startChildService, type RunningService } from './child-service';
import { freePort } from './ports';

// fauxqs exports only its ESM entry, so its CLI is found by path from the repository root.
const cli = path.resolve(__dirname, '..', '..', 'node_modules', 'fauxqs', 'dist', 'cli.js');
// Its CLI ignores FAUXQS_DATA_DIR; the server entry reads it (with FAUXQS_PERSISTENCE=true).
const persistentServer = path.resolve(__dirname, '..', '..', 'node_modules', 'fauxqs', 'dist', 'server.js');

export interface FauxqsOptions {
  readonly port?: number;
  /** Keep queues and objects in this folder (SQLite) instead of memory. */
  readonly persistDir?: string;
}

export async function startFauxqs(options: FauxqsOptions = {}): Promise<RunningService> {
  const port = options.port ?? (await freePort());
  return startChildService({
    name: 'fauxqs (SQS + S3)',
    command: process.execPath,
    args: [options.persistDir ? persistentServer : cli],
    port,
    env: {
      FAUXQS_PORT: String(port),
      FAUXQS_HOST: '127.0.0.1',
      FAUXQS_LOGGER: 'false',
      ...(options.persistDir ? { FAUXQS_DATA_DIR: options.persistDir, FAUXQS_PERSISTENCE: 'true' } : {}),
    },
  });
}
