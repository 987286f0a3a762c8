// The S3 model's refused reads (sim/s3-model.ts, refusedRead): a client drawn as refused answers every GetObject
// with a 403 AccessDenied the SDK does not retry, while its writes still land; a client made in calm never is. The
// daily job and the statements must take such a refusal for an error, never for a missing object.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getObject } from '../../capabilities/archive/counter-archive';
import { seededRandom } from '../../sim/random';
import { NO_S3_FAULTS, S3Model } from '../../sim/s3-model';
import { Scheduler } from '../../sim/scheduler';

const container = { id: 'job1', alive: true, kill: () => undefined };

async function settle<T>(scheduler: Scheduler, work: Promise<T>): Promise<T> {
  const outcome = work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await scheduler.run();
  const settled = await outcome;
  if ('error' in settled) throw settled.error;
  return settled.value;
}

test('a client whose reads are refused gets a 403 on every GetObject, and its writes still land', async () => {
  const s3 = new S3Model();
  const scheduler = new Scheduler(0, seededRandom(1));
  const refused = s3.clientFor(container, scheduler, seededRandom(2), () => ({ ...NO_S3_FAULTS, refusedRead: 1 }));
  await settle(scheduler, refused.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'v' })));
  expect(s3.objects.get('k')?.toString()).toBe('v');
  const read = settle(scheduler, getObject({ s3: refused as never, bucket: 'b' }, 'k'));
  await expect(read).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  // A missing object is still NoSuchKey, but this client cannot even learn that.
  await expect(settle(scheduler, refused.send(new GetObjectCommand({ Bucket: 'b', Key: 'absent' })))).rejects.toMatchObject({
    name: 'AccessDenied',
  });
});

test('a client made without refused reads, or in calm, reads what is there and misses what is not', async () => {
  const s3 = new S3Model();
  const scheduler = new Scheduler(0, seededRandom(1));
  let faults = { ...NO_S3_FAULTS, refusedRead: 0 };
  const client = s3.clientFor(container, scheduler, seededRandom(2), () => faults);
  await settle(scheduler, client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'v' })));
  expect((await settle(scheduler, getObject({ s3: client as never, bucket: 'b' }, 'k')))?.toString()).toBe('v');
  expect(await settle(scheduler, getObject({ s3: client as never, bucket: 'b' }, 'absent'))).toBeUndefined();
  // Drawn when the client is made: one made without refused reads is not refused later.
  faults = { ...NO_S3_FAULTS, refusedRead: 1 };
  expect((await settle(scheduler, getObject({ s3: client as never, bucket: 'b' }, 'k')))?.toString()).toBe('v');
});
