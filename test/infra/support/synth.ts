// Builds the stack the way bin/app.ts does, with cdk.json's feature flags, for template tests.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../../bin/app';
import type { MeteredApiStack } from '../../../lib/metered-api-stack';
import type { StageName } from '../../../contracts/stages';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
export const TEST_ENV = { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-1' };

export interface SynthOptions {
  /** Run esbuild for every function (slow-ish); template tests skip it. @default false */
  readonly bundle?: boolean;
  readonly outdir?: string;
}

export function appFor(stage: StageName, options: SynthOptions = {}): { app: App; stack: MeteredApiStack } {
  const app = new App({
    outdir: options.outdir,
    context: {
      ...CDK_CONTEXT,
      stage,
      // An empty list makes NodejsFunction skip esbuild: assets point at the source instead.
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = buildApp(app, TEST_ENV);
  return { app, stack };
}

const templates = new Map<StageName, Template>();

/** The synthesized template of a stage, built once per test file. */
export function templateFor(stage: StageName): Template {
  let template = templates.get(stage);
  if (!template) {
    template = Template.fromStack(appFor(stage).stack);
    templates.set(stage, template);
  }
  return template;
}
