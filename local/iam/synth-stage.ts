// Child process entry (stage-template.ts runs it): builds one stage's stack as bin/app.ts does, in the twin's
// account and region, without bundling, and writes the synthesized template as JSON to the given file.
// Usage: node --import tsx local/iam/synth-stage.ts <stage> <out-file>
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../bin/app';
import { stageConfig } from '../../contracts/stages';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../fake-aws';

const ROOT = path.resolve(__dirname, '..', '..');

function synthesize(stage: string, outFile: string): void {
  // CDK's built-in CloudFormation rule check takes ~15 s here and never changes the template (cdk-nag,
  // which buildApp adds, still runs: a stack that fails it fails here as it fails `cdk synth`).
  process.env.CDK_VALIDATION = 'false';
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'twin-synth-'));
  try {
    const app = new App({
      outdir,
      context: {
        ...JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context,
        stage: stageConfig(stage).stageName,
        // An empty list makes NodejsFunction skip esbuild; construct paths as `cdk synth` writes them.
        'aws:cdk:bundling-stacks': [],
        'aws:cdk:enable-path-metadata': true,
      },
    });
    const stack = buildApp(app, { CDK_DEFAULT_ACCOUNT: LOCAL_ACCOUNT_ID, CDK_DEFAULT_REGION: LOCAL_REGION });
    const template = app.synth().getStackArtifact(stack.artifactId).template;
    writeFileSync(outFile, JSON.stringify(template));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const [stage, outFile] = process.argv.slice(2);
if (!stage || !outFile) throw new Error(`usage: synth-stage.ts <stage> <out-file>: got ${JSON.stringify(process.argv.slice(2))}`);
synthesize(stage, outFile);
