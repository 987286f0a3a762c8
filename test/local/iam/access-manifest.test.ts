// The access manifest (docs/access-manifest.json: every access the suites used on the twin with the IAM check on)
// against the dev template, both ways: every use is granted, and every grant is used or says why it is not.
import fs from 'node:fs';
import path from 'node:path';
import { grantKey, isAllowed, type ManifestEntry, unusedGrants } from '../../../local/iam/access-manifest';
import { loadStackAccess, type StackAccess } from '../../../local/iam/stack-policies';
import { STATE_DIR } from '../../../local/state-file';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const manifest: ManifestEntry[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'access-manifest.json'), 'utf8')).uses;

/**
 * Grants the suites do not exercise, each with the reason it stays. Keys: `principal action [key pattern]`, where
 * `*` in a key matches anything (`* logs:*`).
 */
const UNUSED_GRANT_REASONS: Readonly<Record<string, string>> = {};

const reasonPattern = (key: string) => new RegExp(`^${key.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
const explained = (grant: string) => Object.keys(UNUSED_GRANT_REASONS).some((key) => reasonPattern(key).test(grant));

jest.setTimeout(120_000);
let access: StackAccess;
beforeAll(async () => {
  access = await loadStackAccess({ stage: 'dev', cacheDir: path.join(STATE_DIR, 'iam') });
});

it('lists uses of every function the twin runs', () => {
  const principals = new Set(manifest.map((entry) => entry.principal));
  expect([...Object.keys(access.functions)].filter((id) => !principals.has(id))).toEqual([]);
});

it('nothing used is missing: the template grants every use the suites recorded', () => {
  const refused = manifest.flatMap((entry) => {
    const { allowed, reason } = isAllowed(access, entry);
    return allowed ? [] : [`${entry.principal} ${entry.action} ${entry.keyFamily ?? entry.resource}: ${reason}`];
  });
  expect(refused).toEqual([]);
});

it('nothing granted is unused, or it says why', () => {
  const unused = unusedGrants(access, manifest).map(grantKey);
  expect(unused.filter((grant) => !explained(grant))).toEqual([]);
  // A reason that explains no unused grant (the grant is used now, or gone) is stale.
  expect(Object.keys(UNUSED_GRANT_REASONS).filter((key) => !unused.some((grant) => reasonPattern(key).test(grant)))).toEqual([]);
});

it('bites: a use the template does not grant is reported', () => {
  const forged: ManifestEntry = {
    principal: 'hello',
    action: 'dynamodb:DeleteItem',
    resource: access.resources.tableArn,
    keyFamily: 'CLIENTS',
  };
  expect(isAllowed(access, forged).allowed).toBe(false);
});
