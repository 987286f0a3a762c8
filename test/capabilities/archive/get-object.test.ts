// An archive read that fails is an error, never "no such object": the daily job takes a missing manifest to mean
// "not archived yet" and would write the day again from the table alone, without the rows archived before.
import type { S3Client } from '@aws-sdk/client-s3';
import { getObject, readArchive } from '../../../capabilities/archive/counter-archive';

const failing = (error: Error) => ({ s3: { send: async () => Promise.reject(error) } as unknown as S3Client, bucket: 'b' });
const s3Error = (name: string, httpStatusCode: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

test('a missing object reads as undefined, whether S3 names it or only answers 404', async () => {
  await expect(getObject(failing(s3Error('NoSuchKey', 404)), 'k')).resolves.toBeUndefined();
  await expect(getObject(failing(s3Error('NotFound', 404)), 'k')).resolves.toBeUndefined();
});

test.each([
  ['InternalError', 500],
  ['SlowDown', 503],
  ['AccessDenied', 403],
])('%s (%i) on a read is thrown, so a day already archived is never taken for a new one', async (name, status) => {
  const archive = failing(s3Error(name, status));
  await expect(getObject(archive, 'k')).rejects.toMatchObject({ name });
  await expect(readArchive(archive, '2026-11-01')).rejects.toMatchObject({ name });
});

test('a network error without an HTTP status is thrown', async () => {
  await expect(getObject(failing(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })), 'k')).rejects.toMatchObject({
    name: 'TimeoutError',
  });
});
