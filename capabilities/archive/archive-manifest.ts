// The zod schema of a day's archive manifest (the one source); counter-archive.ts reads manifests with its compiled validator.
import * as z from 'zod';

export const archiveManifest = z.strictObject({
  version: z.literal(1),
  dt: z.iso.date(),
  format: z.literal('jsonl.gz'),
  objectCount: z.int().nonnegative(),
  itemCount: z.int().nonnegative(),
  /** SHA-256 of the parts' SHA-256 hex digests, one per line, in part order. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  parts: z.array(
    z.strictObject({
      key: z.string(),
      items: z.int().nonnegative(),
      bytes: z.int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});
export type ArchiveManifest = z.infer<typeof archiveManifest>;
