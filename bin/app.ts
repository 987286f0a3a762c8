#!/usr/bin/env node
// The CDK app: the only place that reads context (-c stage=dev|prod) and the environment.
import { stackName } from '../contracts/deployment';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { stageConfig } from '../contracts/stages';
import { MeteredApiStack } from '../lib/metered-api-stack';

/** Adds the stack for the app's `stage` context (default dev) and the cdk-nag packs that gate synthesis. */
export function buildApp(app: App, env: NodeJS.ProcessEnv = process.env): MeteredApiStack {
  const stage = stageConfig(app.node.tryGetContext('stage') ?? 'dev');
  const stack = new MeteredApiStack(app, stackName(stage.stageName), {
    stage,
    env: { account: env.CDK_DEFAULT_ACCOUNT, region: env.CDK_DEFAULT_REGION },
    description: `Metered API (${stage.stageName}): API keys, plans, exact usage counts, analytics`,
    tags: { project: 'metered-api', stage: stage.stageName },
  });
  // cdk-nag: any unacknowledged finding fails synthesis.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return stack;
}

if (require.main === module) {
  buildApp(new App());
}
