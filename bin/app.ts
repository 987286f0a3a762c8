#!/usr/bin/env node
// The CDK app: the only place that reads context (-c stage=dev|prod) and the environment.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { stageConfig } from '../lib/config/stages';
import { MeteredApiStack } from '../lib/metered-api-stack';

const app = new App();
const stage = stageConfig(app.node.tryGetContext('stage') ?? 'dev');

new MeteredApiStack(app, `MeteredApi-${stage.stageName}`, {
  stage,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `Metered API (${stage.stageName}): API keys, plans, exact usage counts, analytics`,
  tags: { project: 'metered-api', stage: stage.stageName },
});

// cdk-nag: any unacknowledged finding fails synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
