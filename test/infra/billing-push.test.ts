// The scheduled Stripe push on AWS, pinned: absent unless the stage opts in; with `billingPush.schedule`, one function
// on a daily EventBridge Scheduler schedule whose role reads exactly the stage's Stripe secret (by name: the name's
// ARN with Secrets Manager's six-character suffix; by ARN: that ARN), its ledger and the counters by item family, and
// the archive read-only; the key never in the template; the operator policy gets the same secret; cdk-nag clean;
// and every table call the push makes (reads, first sends, ledger writes) is granted to its role.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { SERVICE } from '../../contracts/metrics';
import { ENV_VARIABLES } from '../../contracts/function-env';
import { type BillingPushSettings, STAGES, validateStageConfig } from '../../contracts/stages';
import { MeteredApiStack } from '../../lib/metered-api-stack';
import { BILLING } from '../../contracts/billing';
import type { BillingProvider, UsageRecord } from '../../capabilities/billing/provider';
import { pushBillableUnits } from '../../capabilities/billing/push';
import { clientItem, counters, dayItems } from '../capabilities/analytics/fixtures';
import { recordingTable, ungranted } from './support/table-calls';
import { CDK_CONTEXT, templateFor, TEST_ENV } from './support/synth';
import { actionsOf, functionByService, resourcesOf, roleOfFunction, roleStatements, type Statement, tableGrants } from './support/template';

function withPush(billingPush: BillingPushSettings): { app: App; template: Template } {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = new MeteredApiStack(app, 'BillingPushTest', {
    stage: { ...STAGES.dev, billingPush },
    env: { account: TEST_ENV.CDK_DEFAULT_ACCOUNT, region: TEST_ENV.CDK_DEFAULT_REGION },
  });
  return { app, template: Template.fromStack(stack) };
}

const secretStatements = (statements: readonly Statement[]) =>
  statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager'));

test('no stage runs the push on a schedule unless it opts in', () => {
  for (const stage of ['dev', 'prod'] as const) expect(functionByService(templateFor(stage), SERVICE.billingPush)).toEqual([]);
  const { template } = withPush({ stripeSecret: 'metered-api-dev/stripe' });
  expect(functionByService(template, SERVICE.billingPush)).toEqual([]);
  // The CLI still needs the key: the operator policy reads that secret.
  const [policy] = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).filter((p) =>
    JSON.stringify(p).includes('ReadStripeSecret'),
  );
  expect(JSON.stringify(policy)).toContain(':secret:metered-api-dev/stripe-??????');
});

test('opted in: the function, its schedule, exactly its grants, the key out of the template; cdk-nag clean', () => {
  const { app, template } = withPush({ stripeSecret: 'metered-api-dev/stripe', schedule: { hour: 6, minute: 30 } });
  const [[, fn], ...others] = functionByService(template, SERVICE.billingPush);
  expect(others).toEqual([]);
  expect(fn.Properties.Environment.Variables[ENV_VARIABLES.stripeSecretId]).toBe('metered-api-dev/stripe');
  expect(JSON.stringify(template.toJSON())).not.toMatch(/sk_(test|live)_/);
  const statements = roleStatements(template, roleOfFunction(fn));
  const secrets = secretStatements(statements);
  expect(secrets).toHaveLength(1);
  expect(secrets[0].Action).toBe('secretsmanager:GetSecretValue');
  expect(JSON.stringify(secrets[0].Resource)).toMatch(/:secretsmanager:.*:secret:metered-api-dev\/stripe-\?\?\?\?\?\?"/);
  expect(tableGrants(statements)).toEqual({
    'BILLING#*': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    CLIENTS: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
    'PLANS#*': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
    'SUMMARY#*': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
    'USAGE#*': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
  });
  expect(actionsOf(statements).filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObject', 's3:ListBucket']);
  const [schedule] = Object.values(resourcesOf(template, 'AWS::Scheduler::Schedule')).filter((s) =>
    String(s.Properties.Description).startsWith('Stripe billing push'),
  );
  expect(schedule.Properties.ScheduleExpression).toBe('cron(30 6 * * ? *)');
  const findings = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) => pack.validateScope(app).violations);
  expect(findings.map((f) => `${f.ruleName} ${f.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
});

test('a secret given by full ARN is granted as that ARN', () => {
  const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:stripe-AbCdEf';
  const { template } = withPush({ stripeSecret: arn, schedule: { hour: 6, minute: 0 } });
  const [[, fn]] = functionByService(template, SERVICE.billingPush);
  expect(secretStatements(roleStatements(template, roleOfFunction(fn)))[0].Resource).toBe(arn);
});

test('a stage naming something that is not a secret, or pasting the key itself, is refused', () => {
  const check = (stripeSecret: string) => () => validateStageConfig({ ...STAGES.dev, billingPush: { stripeSecret } });
  expect(check('not a name')).toThrow(/billingPush.stripeSecret of stage dev must be a Secrets Manager secret name or ARN/);
  expect(check(`sk_test_${'a'.repeat(24)}`)).toThrow(/is a Stripe key: put it in Secrets Manager and name the secret/);
  expect(check('metered-api-dev/stripe')()).toMatchObject({ billingPush: { stripeSecret: 'metered-api-dev/stripe' } });
});

test('opted in: the role grants every table call the push makes (reads, first sends, ledger writes)', async () => {
  const { template } = withPush({ stripeSecret: 'metered-api-dev/stripe', schedule: { hour: 6, minute: 30 } });
  const [[, fn]] = functionByService(template, SERVICE.billingPush);
  const [tableLogicalId] = Object.keys(resourcesOf(template, 'AWS::DynamoDB::GlobalTable'));
  const clientId = `cl_${'c'.repeat(32)}`;
  const table = recordingTable(<{ pk: string; sk: string }[]>[
    { ...clientItem(clientId), keyHash: 'd'.repeat(64), [BILLING.stripe.customerAttribute]: 'cus_GrantsCheck1' },
    ...dayItems(clientId, '2026-11-02', { 'GET /v1/hello': counters(5) }),
    ...dayItems(clientId, '2026-11-03', { 'POST /v1/quotes': counters(2) }),
  ]);
  const store = { db: table.db, tableName: table.tableName };
  const sent: UsageRecord[] = [];
  const provider: BillingProvider = {
    send: async (record) => {
      sent.push(record);
      return { outcome: 'accepted' };
    },
    recordedBetween: async () => 0,
  };
  const noObject = async () => Promise.reject(Object.assign(new Error('no such key'), { name: 'NoSuchKey' }));
  const push = () =>
    pushBillableUnits({
      table: store,
      archive: { s3: { send: noObject } as never, bucket: 'archive' },
      provider,
      now: new Date('2026-11-10T06:30:00Z'),
    });
  expect((await push()).sent.map((s) => s.value)).toEqual([5, 2]);
  // (The recording table applies no updates, so the ledger's later states, a delta or a rerun, are the same
  // item families again: tested against DynamoDB Local in test/capabilities/billing.)
  const families = [...new Set(table.calls.map((c) => `${c.action} ${c.pk.replace(/#.*/, '#…')}`))];
  expect(families).toEqual(expect.arrayContaining(['dynamodb:Query CLIENTS', 'dynamodb:Query USAGE#…']));
  expect(families.some((f) => / BILLING#…$/.test(f) && !f.includes('Query') && !f.includes('GetItem'))).toBe(true);
  expect(table.calls.length).toBeGreaterThan(0);
  const statements = roleStatements(template, roleOfFunction(fn));
  expect(ungranted(table.calls, statements, tableLogicalId)).toEqual([]);
  // The check bites: without the ledger's statements, its writes are reported.
  const withoutLedger = statements.filter((st) => !JSON.stringify(st).includes('BILLING#'));
  expect(ungranted(table.calls, withoutLedger, tableLogicalId).some((line) => line.endsWith('BILLING#…'))).toBe(true);
});
