// A small in-memory model of the two S3 calls the daily job makes (PutObject, GetObject), for the simulator's
// whole-pipeline phase: objects by key, a missing key answered as S3 answers it (NoSuchKey, 404). Each call
// takes virtual time and never settles once its container has died, as a Lambda's would not.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Container } from './faulty-dynamo';
import { between, type Random } from './random';
import type { Scheduler } from './scheduler';

export class S3Model {
  readonly objects = new Map<string, Buffer>();

  /** An S3 client as one container reaches it. */
  clientFor(container: Container, scheduler: Scheduler, random: Random): { send(command: object): Promise<unknown> } {
    return {
      send: async (command) => {
        await scheduler.sleep(between(random, 5, 40));
        if (!container.alive) return new Promise(() => undefined);
        return this.execute(command);
      },
    };
  }

  execute(command: object): unknown {
    if (command instanceof PutObjectCommand) {
      const body = command.input.Body;
      this.objects.set(String(command.input.Key), Buffer.from(body as Buffer | string));
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
