// The S3 archive of old counter items: per day, gzip JSON lines under `usage/dt=YYYY-MM-DD/` plus a
// manifest under `usage-manifests/dt=YYYY-MM-DD/`. Content and keys depend only on the items, so writing the same day twice writes the same
// bytes; every object is read back and hashed before the job may delete anything.
import { ARCHIVE_PREFIX } from '../../contracts/deployment';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ArchiveManifest } from './archive-manifest';
import { compiledRecord } from '../records/compiled-record';
import * as compiledArchiveManifest from '../records/validators/archive-manifest';

export interface CounterArchive {
  readonly s3: S3Client;
  readonly bucket: string;
}

export type ArchivedItem = Record<string, unknown> & { pk: string; sk: string };

/** Lines per part object; a day of 100,000 clients with 4 routes each fits in 10 parts. */
export const DEFAULT_PART_ITEMS = 50_000;

export const partKey = (dt: string, index: number) => `${ARCHIVE_PREFIX.usage}dt=${dt}/part-${String(index).padStart(5, '0')}.json.gz`;
export const manifestKey = (dt: string) => `${ARCHIVE_PREFIX.manifests}dt=${dt}/manifest.json`;

export type { ArchiveManifest } from './archive-manifest';
/** The manifest's zod schema (archive-manifest.ts), compiled at build time: the daily job carries no zod. */
const archiveManifest = compiledRecord<ArchiveManifest>(compiledArchiveManifest, 'archive manifest');

export interface EncodedArchive {
  readonly manifest: ArchiveManifest;
  readonly manifestBody: Buffer;
  readonly parts: readonly { readonly key: string; readonly body: Buffer }[];
}

export class ArchiveVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveVerificationError';
  }
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * Identity of an archived row: the counter item's key and its archive part (`archivePart`), so late
 * data for an item already archived is added as another row, never written over the first.
 */
export const itemId = (item: { pk: string; sk: string; archivePart?: unknown }) =>
  `${item.pk}\u0000${item.sk}\u0000${String(item.archivePart ?? '')}`;

/** One JSON line per item with its attributes in a fixed order, so equal items give equal bytes. */
export function itemLine(item: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** Sorts the items by key and cuts them into gzip parts and a manifest, deterministically. */
export function encodeArchive(dt: string, items: readonly ArchivedItem[], partItems = DEFAULT_PART_ITEMS): EncodedArchive {
  const sorted = [...items].sort((a, b) => (itemId(a) < itemId(b) ? -1 : itemId(a) > itemId(b) ? 1 : 0));
  const parts: { key: string; body: Buffer }[] = [];
  const entries: ArchiveManifest['parts'] = [];
  for (let i = 0; i < sorted.length; i += partItems) {
    const chunk = sorted.slice(i, i + partItems);
    // gzip's header carries no time or name here (Node writes mtime 0), so the bytes depend on content only.
    const body = gzipSync(`${chunk.map(itemLine).join('\n')}\n`, { level: 9 });
    const key = partKey(dt, parts.length);
    parts.push({ key, body });
    entries.push({ key, items: chunk.length, bytes: body.length, sha256: sha256(body) });
  }
  const manifest: ArchiveManifest = {
    version: 1,
    dt,
    format: 'jsonl.gz',
    objectCount: parts.length,
    itemCount: sorted.length,
    sha256: sha256(entries.map((p) => p.sha256).join('\n')),
    parts: entries,
  };
  return { manifest, manifestBody: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), parts };
}

export function decodePart(body: Buffer): ArchivedItem[] {
  return gunzipSync(body)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ArchivedItem);
}

/** An archive object's bytes, or undefined when it does not exist. */
export async function getObject(archive: CounterArchive, key: string): Promise<Buffer | undefined> {
  try {
    const result = await archive.s3.send(new GetObjectCommand({ Bucket: archive.bucket, Key: key }));
    return Buffer.from(await result.Body!.transformToByteArray());
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return undefined;
    throw error;
  }
}

/**
 * The day's archive as written by an earlier run, read back and verified against its manifest;
 * undefined when the day has no manifest (never archived, or a run stopped before finishing it).
 */
export async function readArchive(
  archive: CounterArchive,
  dt: string,
): Promise<{ manifest: ArchiveManifest; items: ArchivedItem[] } | undefined> {
  const body = await getObject(archive, manifestKey(dt));
  if (!body) return undefined;
  const manifest = archiveManifest.parse(JSON.parse(body.toString('utf8')));
  const items: ArchivedItem[] = [];
  for (const part of manifest.parts) {
    const partBody = await getObject(archive, part.key);
    if (!partBody || sha256(partBody) !== part.sha256) {
      throw new ArchiveVerificationError(`archive object ${part.key} is missing or does not match its manifest`);
    }
    const partItems = decodePart(partBody);
    if (partItems.length !== part.items)
      throw new ArchiveVerificationError(`archive object ${part.key} holds ${partItems.length} items, its manifest says ${part.items}`);
    items.push(...partItems);
  }
  return { manifest, items };
}

/** Puts each object, reads it back and compares its hash; the manifest goes last, so its presence means "complete". */
export async function writeArchive(archive: CounterArchive, encoded: EncodedArchive): Promise<void> {
  const objects = [
    ...encoded.parts.map((p) => ({ ...p, contentType: 'application/gzip' })),
    { key: manifestKey(encoded.manifest.dt), body: encoded.manifestBody, contentType: 'application/json' },
  ];
  await putVerified(archive, objects);
}

/** Writes objects to the archive and reads each back, comparing its SHA-256: a write is done only once verified. */
export async function putVerified(
  archive: CounterArchive,
  objects: readonly { key: string; body: Buffer; contentType: string }[],
): Promise<void> {
  for (const object of objects) {
    const digest = sha256(object.body);
    await archive.s3.send(
      new PutObjectCommand({
        Bucket: archive.bucket,
        Key: object.key,
        Body: object.body,
        ContentType: object.contentType,
        Metadata: { sha256: digest },
      }),
    );
    const stored = await getObject(archive, object.key);
    if (!stored || sha256(stored) !== digest)
      throw new ArchiveVerificationError(`archive object ${object.key} did not read back as written`);
  }
}
