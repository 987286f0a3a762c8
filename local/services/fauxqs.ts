// Starts the fauxqs SQS + S3 emulator as a child process on the same Node as this one, on loopback only
// (fauxqs-server.mjs), accepting only the given access key id when one is given.
import path from 'node:path';
import { startChildService, type RunningService } from './child-service';
import { freePort } from './ports';

const server = path.join(__dirname, 'fauxqs-server.mjs');

export interface FauxqsOptions {
  readonly port?: number;
  /** Keep queues and objects in this folder (SQLite) instead of memory. */
  readonly persistDir?: string;
  /** Refuse requests not signed with this access key id (the twin's per-start credentials); any key when absent. */
  readonly accessKeyId?: string;
}

export async function startFauxqs(options: FauxqsOptions = {}): Promise<RunningService> {
  const port = options.port ?? (await freePort());
  return startChildService({
    name: 'fauxqs (SQS + S3)',
    command: process.execPath,
    args: [server],
    port,
    env: {
      FAUXQS_PORT: String(port),
      FAUXQS_LOGGER: 'false',
      // Set either way, so nothing inherited from this process's environment counts.
      TWIN_ACCESS_KEY_ID: options.accessKeyId ?? '',
      FAUXQS_DATA_DIR: options.persistDir ?? '',
    },
  });
}
