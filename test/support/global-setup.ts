// Runs once before every suite: synthesizes the dev stage's template and caches each function's IAM policies
// (local/iam/stack-policies.ts), so the twins the suites start read the cache instead of all synthesizing at once.
import path from 'node:path';
import { loadStackAccess } from '../../local/iam/stack-policies';
import { STATE_DIR } from '../../local/state-file';

export default async function globalSetup(): Promise<void> {
  await loadStackAccess({ stage: 'dev', cacheDir: path.join(STATE_DIR, 'iam') });
}
