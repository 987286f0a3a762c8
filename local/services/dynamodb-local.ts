// Starts the official DynamoDB Local (jar shipped in amplify-dynamodb-simulator) on Java.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startChildService, type RunningService } from './child-service';
import { freePort } from './ports';

const emulatorDir = path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');

export interface DynamoDbLocalOptions {
  readonly port?: number;
  /** Keep data in this folder instead of memory. */
  readonly persistDir?: string;
  /** Extra JVM options, e.g. FAST_START_JVM_OPTIONS. */
  readonly javaOptions?: readonly string[];
}

/** C1-only JIT and the serial GC: about half the start time on 2 cores, for short-lived runs. */
export const FAST_START_JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'] as const;

export function javaVersion(): string | undefined {
  try {
    return execFileSync('java', ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) || 'java';
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    return stderr && /version/.test(stderr) ? stderr : undefined;
  }
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningService> {
  const port = options.port ?? (await freePort());
  const storage = options.persistDir ? ['-sharedDb', '-dbPath', options.persistDir] : ['-inMemory', '-sharedDb'];
  return startChildService({
    name: 'DynamoDB Local',
    command: 'java',
    args: [
      ...(options.javaOptions ?? []),
      `-Djava.library.path=${path.join(emulatorDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      path.join(emulatorDir, 'DynamoDBLocal.jar'),
      ...storage,
      '-port',
      String(port),
    ],
    port,
  });
}
