// What the archive's objects declare about themselves, held to their bytes and to docs/operations.md (the daily
// job's step 4): a part `usage/dt=<day>/part-NNNNN.json.gz` is gzip JSON lines, so it is stored as
// `application/gzip`; a manifest `usage-manifests/dt=<day>/manifest.json` is JSON, `application/json` (what a
// reader, or Athena, is told the bytes are). Any object that carries a `sha256` in its metadata (the writer's digest,
// compared when it reads the object back) carries the digest of the bytes stored.
import { createHash } from 'node:crypto';

export interface ObjectHeaders {
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

const TYPES: readonly [RegExp, string][] = [
  [/^usage\/dt=\d{4}-\d{2}-\d{2}\/part-\d{5}\.json\.gz$/, 'application/gzip'],
  [/^usage-manifests\/dt=\d{4}-\d{2}-\d{2}\/manifest\.json$/, 'application/json'],
];

/** Objects whose declared type or digest disagrees with the documentation or their bytes, one line each. */
export function archiveHeaderViolations(objects: ReadonlyMap<string, Buffer>, headers: ReadonlyMap<string, ObjectHeaders>): string[] {
  const out: string[] = [];
  for (const [key, body] of objects) {
    const declared = headers.get(key);
    const type = TYPES.find(([pattern]) => pattern.test(key))?.[1];
    if (type !== undefined && declared?.contentType !== type) {
      out.push(`archive object ${key} is stored as "${declared?.contentType ?? '(none)'}", not ${type}`);
    }
    const digest = declared?.metadata?.sha256;
    if (digest !== undefined && digest !== createHash('sha256').update(body).digest('hex')) {
      out.push(`object ${key} declares sha256 ${digest}, not its bytes' digest`);
    }
  }
  return out;
}
