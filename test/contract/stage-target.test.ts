// How `npm run smoke` and `npm run keys -- --stage` read a deployed stage: DescribeStacks (mocked
// with a recorded-shape fixture) → outputs → the URL, table and usage plan ids.
import { CloudFormationClient, DescribeStacksCommand, type DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { stackOutputs } from '../../scripts/support/stack-outputs';
import { stageTargetFromOutputs, usagePlanOutputKey } from '../../scripts/support/stage-target';
import { OUTPUT } from '../../lib/metered-api-stack';
import { PLAN_NAMES } from '../../contracts/plans';
import fixture from './fixtures/describe-stacks-dev.json';

const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => cloudFormation.reset());

test('reads the stage URL (no trailing slash), table and one usage plan per plan from MeteredApi-<stage>', async () => {
  cloudFormation.on(DescribeStacksCommand, { StackName: 'MeteredApi-dev' }).resolves(fixture as DescribeStacksCommandOutput);
  const target = stageTargetFromOutputs(await stackOutputs('dev'));
  expect(target).toEqual({
    apiUrl: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev',
    tableName: 'MeteredApi-dev-UsageStoreTableA1B2C3-1ABCDEF',
    usagePlanIds: { free: 'fre789', payg: 'pay000', standard: 'abc123', premium: 'def456' },
    restApiId: 'a1b2c3d4e5',
    stageName: 'dev',
  });
});

test('uses the output keys the stack declares', () => {
  for (const plan of PLAN_NAMES) expect(usagePlanOutputKey(plan)).toBe(OUTPUT.usagePlanId(plan));
  expect(
    Object.keys(stageTargetFromOutputs(Object.fromEntries(fixture.Stacks[0].Outputs.map((o) => [o.OutputKey, o.OutputValue])))),
  ).toEqual(['apiUrl', 'tableName', 'usagePlanIds', 'restApiId', 'stageName']);
  expect([OUTPUT.apiUrl, OUTPUT.tableName]).toEqual(['ApiUrl', 'TableName']);
});

test('a stack without the outputs names what is missing; an unknown stage is refused before any call', async () => {
  cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'MeteredApi-dev', Outputs: [] }] } as never);
  await expect(stackOutputs('dev').then(stageTargetFromOutputs)).rejects.toThrow(
    'stack outputs lack ApiUrl, TableName, UsagePlanIdFree, UsagePlanIdPayg, UsagePlanIdStandard, UsagePlanIdPremium, RestApiId, StageName',
  );
  await expect(stackOutputs('staging')).rejects.toThrow('--stage must be dev or prod, got "staging"');
  expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
});
