// The counter archive as docs/operations.md documents it (the daily job's step 4), checked from the bucket's bytes
// with no code of capabilities/; `itemsFromBytes` reads a day's rows the same way, to hold the production reader to them. Athena reads every
// object under `usage/dt=<day>/`, not the manifest, so those objects must be exactly the manifest's parts, named
// `part-00000.json.gz`, `part-00001.json.gz`, … in order; each holds gzip JSON lines (attributes in sorted order, so
// equal items give equal bytes), at most 50,000 a part, the lines of a day sorted by key (pk, sk, archive part). The
// manifest `usage-manifests/dt=<day>/manifest.json` holds the day, the object and item counts, each part's items,
// bytes and SHA-256, and the SHA-256 of those digests one per line (capabilities/archive/archive-manifest.ts).
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

const PART_ITEMS = 50_000;
const DATA = /^usage\/dt=(\d{4}-\d{2}-\d{2})\/(.*)$/;
const MANIFEST = /^usage-manifests\/dt=(\d{4}-\d{2}-\d{2})\/(.*)$/;
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

interface Manifest {
  version?: unknown;
  dt?: unknown;
  format?: unknown;
  objectCount?: unknown;
  itemCount?: unknown;
  sha256?: unknown;
  parts?: { key?: unknown; items?: unknown; bytes?: unknown; sha256?: unknown }[];
}

/** What does not match the documented layout, one line each. */
export function archiveLayoutViolations(objects: ReadonlyMap<string, Buffer>): string[] {
  const out: string[] = [];
  const dataKeys = new Map<string, string[]>();
  for (const key of objects.keys()) {
    const data = DATA.exec(key);
    const manifest = MANIFEST.exec(key);
    if (data) dataKeys.set(data[1], [...(dataKeys.get(data[1]) ?? []), key]);
    if (manifest && manifest[2] !== 'manifest.json') out.push(`archive object ${key} is not a manifest`);
    if (!data && !manifest && /^usage(-manifests)?\//.test(key)) out.push(`archive object ${key} is outside any day`);
  }
  const days = new Set([...dataKeys.keys(), ...[...objects.keys()].flatMap((k) => MANIFEST.exec(k)?.[1] ?? [])]);
  for (const day of days) {
    const body = objects.get(`usage-manifests/dt=${day}/manifest.json`);
    if (!body) {
      out.push(`archive objects of ${day} without a manifest: ${(dataKeys.get(day) ?? []).join(', ')}`);
      continue;
    }
    try {
      out.push(...dayViolations(day, JSON.parse(body.toString('utf8')) as Manifest, objects, dataKeys.get(day) ?? []));
    } catch (error) {
      out.push(`archive of ${day} does not parse: ${(error as Error).message}`);
    }
  }
  return out;
}

function dayViolations(day: string, manifest: Manifest, objects: ReadonlyMap<string, Buffer>, dataKeys: readonly string[]): string[] {
  const out: string[] = [];
  const parts = manifest.parts ?? [];
  const want = parts.map((_, i) => `usage/dt=${day}/part-${String(i).padStart(5, '0')}.json.gz`);
  if (manifest.version !== 1 || manifest.dt !== day || manifest.format !== 'jsonl.gz')
    out.push(`manifest of ${day}: version ${String(manifest.version)}, dt ${String(manifest.dt)}, format ${String(manifest.format)}`);
  if (JSON.stringify(parts.map((p) => p.key)) !== JSON.stringify(want))
    out.push(`manifest of ${day} lists ${JSON.stringify(parts.map((p) => p.key))}, not the documented part names`);
  const stray = dataKeys.filter((key) => !want.includes(key));
  if (stray.length > 0) out.push(`archive objects of ${day} outside its manifest (Athena reads them): ${stray.join(', ')}`);
  let items = 0;
  let previous: string[] | undefined;
  for (const part of parts) {
    const data = objects.get(String(part.key));
    if (!data) continue; // missing: the counts' check reports it (the production reader refuses the day)
    const lines = partText(data).split('\n');
    if (lines.pop() !== '' || lines.includes('')) out.push(`archive object ${String(part.key)} is not JSON lines, one per item`);
    if (part.bytes !== data.length || part.sha256 !== sha256(data) || part.items !== lines.length)
      out.push(
        `manifest of ${day}: ${String(part.key)} has ${data.length} bytes, ${lines.length} items; it says ${String(part.bytes)}, ${String(part.items)}`,
      );
    if (lines.length > PART_ITEMS) out.push(`archive object ${String(part.key)} holds ${lines.length} items, more than ${PART_ITEMS}`);
    items += lines.length;
    for (const line of lines.filter((l) => l !== '')) {
      const item = JSON.parse(line) as Record<string, unknown>;
      const names = Object.keys(item);
      if (names.some((name, i) => i > 0 && names[i - 1] >= name))
        out.push(`archive line of ${day} has its attributes out of order: ${line}`);
      const key = [String(item.pk), String(item.sk), item.archivePart === undefined ? '' : String(item.archivePart)];
      if (previous && !isAfter(key, previous))
        out.push(`archive lines of ${day} out of key order: ${previous.join('/')} then ${key.join('/')}`);
      previous = key;
    }
  }
  if (manifest.objectCount !== parts.length || manifest.itemCount !== items)
    out.push(
      `manifest of ${day} says ${String(manifest.objectCount)} objects, ${String(manifest.itemCount)} items; it lists ${parts.length}, ${items}`,
    );
  if (manifest.sha256 !== sha256(parts.map((p) => String(p.sha256)).join('\n')))
    out.push(`manifest of ${day}: its SHA-256 is not that of its parts' digests, one per line`);
  return out;
}

/** `a` after `b`, comparing pk, then sk, then archive part. */
function isAfter(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

/** A day's archived items parsed from the bucket's bytes (its manifest's parts in order); undefined without a manifest. */
export function itemsFromBytes(objects: ReadonlyMap<string, Buffer>, day: string): Record<string, unknown>[] | undefined {
  const body = objects.get(`usage-manifests/dt=${day}/manifest.json`);
  if (!body) return undefined;
  const manifest = JSON.parse(body.toString('utf8')) as Manifest;
  return (manifest.parts ?? []).flatMap((part) => {
    const data = objects.get(String(part.key));
    if (!data) return [];
    return partText(data)
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  });
}

/** Rows as one comparable string: each row's attributes in sorted order, the rows sorted. */
export function canonicalRows(rows: readonly unknown[]): string {
  const canonical = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
        )
      : value;
  return rows
    .map((row) => JSON.stringify(canonical(row)))
    .sort()
    .join('\n');
}

/** An archive part's JSON lines as text. */
function partText(data: Buffer): string {
  return gunzipSync(data).toString('utf8');
}
