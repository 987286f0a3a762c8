// The S3 client (archive), created once per execution environment; see clients.ts for why it has its own module.
import { S3Client } from '@aws-sdk/client-s3';
import { functionEnv } from './resources';

let s3Client: S3Client | undefined;

export function s3(): S3Client {
  s3Client ??= new S3Client({ forcePathStyle: functionEnv('every').s3ForcePathStyle === 'true' });
  return s3Client;
}
