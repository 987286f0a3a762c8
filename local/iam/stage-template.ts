// A stage's synthesized template for the twin: synthesized in a child process (aws-cdk-lib never loads into
// the twin), and the hash of every file that can change it or what the twin reads from it (the cache key).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StageName } from '../../contracts/stages';
import type { CfnTemplate } from './cfn-intrinsics';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** What the template is made of: the CDK app, its constructs and contracts, CDK's feature flags and versions. */
export const TEMPLATE_INPUTS = ['bin', 'lib', 'contracts', 'cdk.json', 'package-lock.json'] as const;

/**
 * What turns the template into the twin's view of it (its modules and the twin's names): a change here must
 * invalidate cached extractions too. test/local/iam/stack-policies.test.ts checks that the list is complete.
 */
export const EXTRACTOR_INPUTS = [
  'local/iam/stack-policies.ts',
  'local/iam/twin-counterparts.ts',
  'local/iam/cfn-intrinsics.ts',
  'local/iam/template-resources.ts',
  'local/iam/twin-functions.ts',
  'local/iam/policy-types.ts',
  'local/iam/stage-template.ts',
  'local/iam/synth-stage.ts',
  'local/resources.ts',
  'local/fake-aws.ts',
] as const;

const SYNTH_ENTRY = 'local/iam/synth-stage.ts';
/** Generous: a cold synthesis takes seconds, more on a loaded machine. */
const SYNTH_TIMEOUT_MS = 180_000;

/** sha256 over the stage and every input file (path and content, in path order), under `projectRoot`. */
export function stageInputsHash(projectRoot: string, stage: StageName): string {
  const hash = createHash('sha256').update(`stage\0${stage}\0`);
  const files = [...TEMPLATE_INPUTS, ...EXTRACTOR_INPUTS].flatMap((input) => filesUnder(projectRoot, input)).sort();
  for (const file of files) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(projectRoot, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

/** Files of `relative` (a file, or a folder walked recursively), relative to the root; none if it is missing. */
function filesUnder(root: string, relative: string): string[] {
  const absolute = path.join(root, relative);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(absolute);
  } catch {
    return [];
  }
  if (!stats.isDirectory()) return [relative];
  return readdirSync(absolute).flatMap((entry) => filesUnder(root, path.posix.join(relative, entry)));
}

/** Synthesizes the stage (no bundling, the twin's account and region) in a child process and returns its template. */
export async function synthesizeStageTemplate(stage: StageName, projectRoot: string = PROJECT_ROOT): Promise<CfnTemplate> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-template-'));
  const outFile = path.join(dir, 'template.json');
  try {
    await runChild(process.execPath, ['--import', 'tsx', path.join(projectRoot, SYNTH_ENTRY), stage, outFile], projectRoot);
    return JSON.parse(readFileSync(outFile, 'utf8')) as CfnTemplate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: SYNTH_TIMEOUT_MS });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const tail = stderr.trim().split('\n').slice(-40).join('\n');
      reject(
        new Error(`synthesizing the stack for the twin failed (${signal ?? `exit code ${code}`}): ${args.slice(2).join(' ')}\n${tail}`),
      );
    });
  });
}
