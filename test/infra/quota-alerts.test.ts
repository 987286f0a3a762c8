// Quota alerts on AWS, pinned: the stage's bus, the rule (this source and detail-type only) and its
// targets with retries and a DLQ, PutEvents on that bus only for the aggregator and the sweeper, the
// sweeper's schedule and table access; a webhook whose secret stays out of the template; cdk-nag clean.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ALERTS, alertBusName, CREDIT_ALERTS } from '../../contracts/billing';
import { SERVICE } from '../../contracts/metrics';
import { STAGES, type StageConfig } from '../../contracts/stages';
import { TARGET_DELIVERY } from '../../lib/constructs/quota-alerts';
import { MeteredApiStack } from '../../lib/metered-api-stack';
import { CDK_CONTEXT, templateFor, TEST_ENV } from './support/synth';
import {
  type CfnResource,
  functionByService,
  onlyResource,
  resourcesOf,
  roleOfFunction,
  roleStatements,
  type Statement,
  tableGrants,
} from './support/template';

/** The one resource of a type whose logical id starts with `prefix`. */
function onlyUnder(template: Template, type: string, prefix: string): [string, CfnResource] {
  const found = Object.entries(resourcesOf(template, type)).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} under ${prefix}, got ${found.length}`);
  return found[0];
}

function withTargets(alertTargets: StageConfig['alertTargets']): { app: App; template: Template } {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = new MeteredApiStack(app, 'AlertsTest', {
    stage: { ...STAGES.dev, alertTargets },
    env: { account: TEST_ENV.CDK_DEFAULT_ACCOUNT, region: TEST_ENV.CDK_DEFAULT_REGION },
  });
  return { app, template: Template.fromStack(stack) };
}

const busId = (template: Template) => onlyResource(template, 'AWS::Events::EventBus')[0];

function putEventsStatements(template: Template, service: string): Statement[] {
  const [, fn] = functionByService(template, service)[0];
  return roleStatements(template, roleOfFunction(fn)).filter((s) => ([] as string[]).concat(s.Action).includes('events:PutEvents'));
}

describe.each(['dev', 'prod'] as const)('%s', (stageName) => {
  const template = () => templateFor(stageName);

  test('one bus per stage; no targets in the shipped config, so no rule', () => {
    const [, bus] = onlyResource(template(), 'AWS::Events::EventBus');
    expect(bus.Properties.Name).toBe(alertBusName(stageName));
    expect(STAGES[stageName].alertTargets).toBeUndefined();
    expect(resourcesOf(template(), 'AWS::Events::Rule')).toEqual({});
  });

  test('the aggregator, the sweeper and the daily job (statement corrections) may put events on that bus only, and know its name', () => {
    for (const service of [SERVICE.aggregator, SERVICE.alertSweeper, SERVICE.dailyJob]) {
      const statements = putEventsStatements(template(), service);
      expect(statements).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId(template()), 'Arn'] } }]);
      const [, fn] = functionByService(template(), service)[0];
      expect(fn.Properties.Environment.Variables.ALERT_BUS_NAME).toEqual({ Ref: busId(template()) });
    }
  });

  test('the sweeper runs every few minutes and touches only clients, counters, gate items (read) and alert outbox items', () => {
    const [, schedule] = onlyUnder(template(), 'AWS::Scheduler::Schedule', 'QuotaAlerts');
    const [sweeperId, sweeper] = functionByService(template(), SERVICE.alertSweeper)[0];
    expect(schedule.Properties.ScheduleExpression).toBe(`rate(${ALERTS.sweepEveryMinutes} minutes)`);
    expect(schedule.Properties.Target).toMatchObject({
      Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^QuotaAlertsDeadLetterQueue/), 'Arn'] } },
    });
    // capabilities/alerts/sweeper.ts: the client list and the outbox queried, each client's counters of the days that
    // can still receive events queried, outbox items claimed (conditional Put) and marked sent (Update); low credit
    // balances: gate items read by key, a sent alert's pending entry deleted (capabilities/alerts/credit-alerts.ts).
    expect(tableGrants(roleStatements(template(), roleOfFunction(sweeper)))).toEqual({
      'ALERTS#*': [
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      CLIENTS: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      'GATE#*': ['dynamodb:GetItem'],
      'USAGE#*': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
    });
  });

  test('the bus takes events from the aggregator, the sweeper and the daily job only: its policy denies every other principal', () => {
    const roleOf = (service: string) => roleOfFunction(functionByService(template(), service)[0][1]);
    const senders = [SERVICE.aggregator, SERVICE.alertSweeper, SERVICE.dailyJob].map((service) => ({
      'Fn::GetAtt': [roleOf(service), 'Arn'],
    }));
    const policies = Object.values(resourcesOf(template(), 'AWS::Events::EventBusPolicy'));
    expect(policies.every((p) => p.Properties.EventBusName.Ref === busId(template()))).toBe(true);
    const statements = policies.map((p) => p.Properties.Statement as Statement & { Principal: unknown });
    expect(statements).toHaveLength(2);
    expect(statements.find((s) => s.Effect === 'Deny')).toMatchObject({
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [busId(template()), 'Arn'] },
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': senders } },
    });
    expect(statements.find((s) => s.Effect === 'Allow')).toMatchObject({ Principal: { AWS: senders }, Action: 'events:PutEvents' });
  });
});

test('a topic target: the rule matches source and detail-type on the bus and publishes with retries and a DLQ', () => {
  const { app, template } = withTargets({ topic: {} });
  const [busLogicalId] = onlyResource(template, 'AWS::Events::EventBus');
  const [, rule] = onlyResource(template, 'AWS::Events::Rule');
  expect(rule.Properties.EventBusName).toEqual({ Ref: busLogicalId });
  expect(rule.Properties.EventPattern).toEqual({ source: [ALERTS.source], 'detail-type': [ALERTS.detailType, CREDIT_ALERTS.detailType] });
  const [topicId, topic] = onlyUnder(template, 'AWS::SNS::Topic', 'QuotaAlerts');
  expect(rule.Properties.Targets).toEqual([
    expect.objectContaining({
      Arn: { Ref: topicId },
      RetryPolicy: {
        MaximumRetryAttempts: TARGET_DELIVERY.retryAttempts,
        MaximumEventAgeInSeconds: TARGET_DELIVERY.maxEventAgeHours * 3600,
      },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^QuotaAlertsDeadLetterQueue/), 'Arn'] } },
    }),
  ]);
  // Its own rotating key; EventBridge publishes through the rule's role (publish on this topic, this key),
  // not through a service-principal grant on the key or the topic.
  const [keyId, key] = onlyUnder(template, 'AWS::KMS::Key', 'QuotaAlerts');
  expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  expect(key.Properties.EnableKeyRotation).toBe(true);
  expect(JSON.stringify(key.Properties.KeyPolicy)).not.toContain('events.amazonaws.com');
  const roleId = (rule.Properties.Targets[0].RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const statements = roleStatements(template, roleId);
  expect(statements).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: topicId } }),
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } }),
    ]),
  );
  expect(statements).toHaveLength(2);
  const findings = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) => pack.validateScope(app).violations);
  expect(findings).toEqual([]);
});

test('a webhook target: API destination over an API-key connection whose value is a Secrets Manager reference', () => {
  const { app, template } = withTargets({
    topic: { email: 'ops@example.com' },
    webhook: {
      url: 'https://hooks.example.com/alerts',
      headerName: 'x-hook-token',
      secretName: 'metered-api/alert-webhook',
      secretJsonField: 'token',
    },
  });
  const [connectionId, connection] = onlyResource(template, 'AWS::Events::Connection');
  expect(connection.Properties.AuthorizationType).toBe('API_KEY');
  expect(connection.Properties.AuthParameters.ApiKeyAuthParameters).toEqual({
    ApiKeyName: 'x-hook-token',
    ApiKeyValue: '{{resolve:secretsmanager:metered-api/alert-webhook:SecretString:token::}}',
  });
  const [destinationId, destination] = onlyResource(template, 'AWS::Events::ApiDestination');
  expect(destination.Properties).toMatchObject({
    ConnectionArn: { 'Fn::GetAtt': [connectionId, 'Arn'] },
    InvocationEndpoint: 'https://hooks.example.com/alerts',
    HttpMethod: 'POST',
  });
  const [, rule] = onlyResource(template, 'AWS::Events::Rule');
  const targets = rule.Properties.Targets as { Arn: unknown; RoleArn?: unknown; RetryPolicy: unknown; DeadLetterConfig: unknown }[];
  expect(targets).toHaveLength(2);
  const webhook = targets.find((t) => JSON.stringify(t.Arn).includes(destinationId))!;
  expect(webhook.RetryPolicy).toEqual({ MaximumRetryAttempts: TARGET_DELIVERY.retryAttempts, MaximumEventAgeInSeconds: 86_400 });
  expect(webhook.DeadLetterConfig).toBeDefined();
  // The rule's role may invoke this destination only.
  const roleId = (webhook.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const invoke = roleStatements(template, roleId).filter((s) => ([] as string[]).concat(s.Action).includes('events:InvokeApiDestination'));
  expect(invoke).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': [destinationId, 'Arn'] } })]);
  expect(Object.values(resourcesOf(template, 'AWS::SNS::Subscription')).map((s) => s.Properties)).toContainEqual(
    expect.objectContaining({ Protocol: 'email', Endpoint: 'ops@example.com' }),
  );
  const findings = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) => pack.validateScope(app).violations);
  expect(findings.map((f) => `${f.ruleName} ${f.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
});

test('no targets configured: the bus and the sweeper only, no rule; an http webhook is refused', () => {
  const { template } = withTargets(undefined);
  expect(resourcesOf(template, 'AWS::Events::Rule')).toEqual({});
  expect(Object.keys(resourcesOf(template, 'AWS::Events::EventBus'))).toHaveLength(1);
  expect(() => withTargets({ webhook: { url: 'http://insecure.example.com', headerName: 'x', secretName: 's' } })).toThrow('must be https');
});
