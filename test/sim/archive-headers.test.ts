// The archive's declared content types and digests (sim/archive-headers.ts) must match docs/operations.md and the bytes.
import { createHash } from 'node:crypto';
import { archiveHeaderViolations } from '../../sim/archive-headers';

const part = 'usage/dt=2026-11-27/part-00000.json.gz';
const manifest = 'usage-manifests/dt=2026-11-27/manifest.json';
const body = Buffer.from('bytes');
const digest = createHash('sha256').update(body).digest('hex');
const objects = new Map([
  [part, body],
  [manifest, body],
]);

test('parts as gzip, manifests as JSON, each with the digest of its bytes, pass', () => {
  const headers = new Map([
    [part, { contentType: 'application/gzip', metadata: { sha256: digest } }],
    [manifest, { contentType: 'application/json', metadata: { sha256: digest } }],
  ]);
  expect(archiveHeaderViolations(objects, headers)).toEqual([]);
});

test('a wrong or missing content type and a digest that is not the bytes are violations', () => {
  const headers = new Map([
    [part, { contentType: 'application/json', metadata: { sha256: 'x' } }],
    [manifest, {}],
  ]);
  expect(archiveHeaderViolations(objects, headers)).toEqual([
    expect.stringContaining('not application/gzip'),
    expect.stringContaining("declares sha256 x, not its bytes' digest"),
    expect.stringContaining('"(none)", not application/json'),
  ]);
});
