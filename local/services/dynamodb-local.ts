// Starts the official DynamoDB Local (jar shipped in amplify-dynamodb-simulator) on Java, on loopback only
// (dynamodb-local-loopback.xml), with one database for every access key (-sharedDb), no telemetry and no CORS.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startChildService, type RunningService } from './child-service';
import { freePort } from './ports';

const emulatorDir = path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
const LOOPBACK_CONFIG = path.join(__dirname, 'dynamodb-local-loopback.xml');
/** Separates DynamoDB Local's arguments in the one property the loopback configuration reads (never in a path). */
const ARGUMENT_SEPARATOR = '\u001f';

export interface DynamoDbLocalOptions {
  readonly port?: number;
  /** Keep data in this folder instead of memory. */
  readonly persistDir?: string;
  /** Extra JVM options, e.g. FAST_START_JVM_OPTIONS. */
  readonly javaOptions?: readonly string[];
  /** How long to wait for its port. @default 30000 */
  readonly readyTimeoutMs?: number;
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
  const storage = options.persistDir ? ['-dbPath', options.persistDir] : ['-inMemory'];
  // One database whatever the access key (the twin's credentials change at every start); no browser may call it
  // ('none' is an origin no browser sends); nothing sent anywhere (offline).
  const dynamoArgs = [...storage, '-sharedDb', '-cors', 'none', '-disableTelemetry', '-port', String(port)];
  if (dynamoArgs.some((arg) => arg.includes(ARGUMENT_SEPARATOR))) throw new Error('a DynamoDB Local argument contains U+001F');
  return startChildService({
    name: 'DynamoDB Local',
    command: 'java',
    args: [
      ...(options.javaOptions ?? []),
      `-Djava.library.path=${path.join(emulatorDir, 'DynamoDBLocal_lib')}`,
      '-cp',
      path.join(emulatorDir, 'DynamoDBLocal.jar'),
      'org.eclipse.jetty.xml.XmlConfiguration',
      `dynamodb.args=${dynamoArgs.join(ARGUMENT_SEPARATOR)}`,
      LOOPBACK_CONFIG,
    ],
    port,
    readyTimeoutMs: options.readyTimeoutMs,
  });
}
