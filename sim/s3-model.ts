// A small in-memory model of the two S3 calls the daily job makes (PutObject, GetObject), for the simulator's
// whole-pipeline phase: objects by key, a missing key answered as S3 answers it (NoSuchKey, 404). Each call
// takes virtual time, goes through the SDK's standard retry loop, and meets the faults in force: a 500 or a
// SlowDown before it applies, a write that lands and then loses its answer, a latency spike, or the container
// dying with it in flight (a write then lands a little later, or never). Nothing settles once its container
// has died, as a Lambda's calls would not.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ObjectHeaders } from './archive-headers';
import type { Container } from './faulty-dynamo';
import { between, chance, type Random } from './random';
import type { Scheduler } from './scheduler';
import { stacklessError } from './stackless-error';

export interface S3Faults {
  /** Per attempt: a 500 InternalError or a 503 SlowDown before the request applies (the SDK retries it). */
  readonly errorBefore: number;
  /** Per attempt: applied (a PutObject landed), then the answer is lost (a 500 or a reset connection; retried). */
  readonly ambiguous: number;
  /** Per attempt: a latency spike of 0.3–8 s. */
  readonly slow: number;
  /** Per attempt: the container dies while the request is in flight; a PutObject then lands within 2 s, or never. */
  readonly crash: number;
  /**
   * Per attempt: refused with a 403 AccessDenied, which the SDK does not retry (a bucket policy or KMS key briefly
   * denying the job's role): the caller meets it at once, and must not read it as a missing object.
   */
  readonly refused: number;
  /**
   * Per client (one container's, drawn when it is made): every GetObject it sends is refused with a 403 as above, as
   * while a bucket policy or KMS grant is briefly wrong. A daily job's re-run then cannot read the manifest of a day
   * an earlier run archived and partly deleted; a refusal taken for a missing manifest would rewrite the day from
   * what is left in the table.
   */
  readonly refusedRead: number;
}

export const NO_S3_FAULTS: S3Faults = { errorBefore: 0, ambiguous: 0, slow: 0, crash: 0, refused: 0, refusedRead: 0 };

/** The S3 client's standard retry mode (capabilities/aws/s3-client.ts sets none: the SDK's 3 attempts). */
const MAX_ATTEMPTS = 3;
const RETRYABLE = new Set(['InternalError', 'SlowDown', 'TimeoutError']);

const s3Error = (name: string, status: number | undefined) =>
  Object.assign(stacklessError(`${name} (modelled S3 fault)`), { name, $metadata: { httpStatusCode: status } });

export class S3Model {
  readonly objects = new Map<string, Buffer>();
  /** What each object was stored with: its ContentType and user metadata (the last PutObject's, as S3 keeps them). */
  readonly headers = new Map<string, ObjectHeaders>();
  /** Faults met by every client of this model (errors, lost answers, spikes, crashes). */
  faultsMet = 0;

  /** An S3 client as one container reaches it, under `faults()` (none by default). */
  clientFor(
    container: Container,
    scheduler: Scheduler,
    random: Random,
    faults: () => S3Faults = () => NO_S3_FAULTS,
    /** Draws whether this client's reads are refused (refusedRead), apart from `random`. */
    refusals: Random = random,
  ): { send(command: object): Promise<unknown> } {
    const never = () => new Promise<never>(() => undefined);
    // A rate of 0 draws nothing, so a run without S3 faults keeps its schedule.
    const hit = (p: number) => p > 0 && chance(random, p) && ++this.faultsMet > 0;
    const { refusedRead } = faults();
    const readsRefused = refusedRead > 0 && chance(refusals, refusedRead) && ++this.faultsMet > 0;
    const attempt = async (command: object): Promise<unknown> => {
      const f = faults();
      await scheduler.sleep(hit(f.slow) ? between(random, 300, 8_000) : between(random, 5, 40));
      if (!container.alive) return never();
      if (hit(f.crash)) {
        // In flight when the container dies: a write may still reach S3 a little later.
        if (command instanceof PutObjectCommand && chance(random, 0.5))
          scheduler.at(between(random, 1, 2_000), () => this.execute(command));
        container.kill('crash during an S3 call');
        return never();
      }
      if (hit(f.errorBefore)) throw chance(random, 0.5) ? s3Error('InternalError', 500) : s3Error('SlowDown', 503);
      if (hit(f.refused) || (readsRefused && command instanceof GetObjectCommand && f !== NO_S3_FAULTS)) throw s3Error('AccessDenied', 403);
      const value = this.execute(command);
      if (hit(f.ambiguous)) throw chance(random, 0.5) ? s3Error('InternalError', 500) : s3Error('TimeoutError', undefined);
      return value;
    };
    return {
      send: async (command) => {
        for (let n = 1; ; n++) {
          try {
            return await attempt(command);
          } catch (error) {
            if (!RETRYABLE.has((error as Error).name) || n >= MAX_ATTEMPTS) throw error;
            await scheduler.sleep(random() * Math.min(20_000, 100 * 2 ** n));
            if (!container.alive) return never();
          }
        }
      },
    };
  }

  execute(command: object): unknown {
    if (command instanceof PutObjectCommand) {
      const body = command.input.Body;
      this.objects.set(String(command.input.Key), Buffer.from(body as Buffer | string));
      this.headers.set(String(command.input.Key), { contentType: command.input.ContentType, metadata: command.input.Metadata });
      return { ETag: '"model"' };
    }
    if (command instanceof GetObjectCommand) {
      const body = this.objects.get(String(command.input.Key));
      if (!body)
        throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      const bytes = new Uint8Array(body);
      return { Body: { transformToByteArray: async () => bytes } };
    }
    throw new Error(`the S3 model does not support ${command.constructor.name}`);
  }
}
