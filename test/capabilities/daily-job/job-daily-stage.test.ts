// `npm run job:daily -- --stage dev` invokes the deployed function named by the stack's output.
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { runOnStage } from '../../../scripts/job-daily';

const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const payload = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value))) as never;

beforeEach(() => {
  cloudFormation.reset();
  lambda.reset();
  cloudFormation.on(DescribeStacksCommand, { StackName: 'MeteredApi-dev' }).resolves({
    Stacks: [
      {
        StackName: 'MeteredApi-dev',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [{ OutputKey: 'DailyJobFunctionName', OutputValue: 'MeteredApi-dev-DailyJob-abc' }],
      },
    ],
  });
});

it("invokes the stack's daily job function with the day and returns its report", async () => {
  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ day: '2026-11-27', itemsDeleted: 5 }) });
  await expect(runOnStage('dev', '2026-11-27')).resolves.toEqual({ day: '2026-11-27', itemsDeleted: 5 });
  const call = lambda.commandCalls(InvokeCommand)[0].args[0].input;
  expect(call.FunctionName).toBe('MeteredApi-dev-DailyJob-abc');
  expect(call.InvocationType).toBe('RequestResponse');
  expect(JSON.parse(Buffer.from(call.Payload as Uint8Array).toString())).toEqual({ day: '2026-11-27' });
});

it('lets the function pick yesterday when no day is named', async () => {
  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ day: '2026-11-27' }) });
  await runOnStage('dev', undefined);
  expect(JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString())).toEqual({});
});

it("reports a failed invocation with the function's error", async () => {
  lambda.on(InvokeCommand).resolves({
    StatusCode: 200,
    FunctionError: 'Unhandled',
    Payload: payload({
      errorType: 'ArchiveVerificationError',
      errorMessage: 'archive object usage/dt=2026-08-29/part-00000.json.gz is missing or does not match its manifest',
    }),
  });
  await expect(runOnStage('dev', undefined)).rejects.toThrow(
    'MeteredApi-dev-DailyJob-abc failed: ArchiveVerificationError: archive object usage/dt=2026-08-29/part-00000.json.gz is missing',
  );
});

it('refuses a stage it does not know and a stack without the output', async () => {
  await expect(runOnStage('staging', undefined)).rejects.toThrow('--stage must be dev or prod, got "staging"');
  cloudFormation
    .on(DescribeStacksCommand)
    .resolves({ Stacks: [{ StackName: 'MeteredApi-dev', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: [] }] });
  await expect(runOnStage('dev', undefined)).rejects.toThrow('stack MeteredApi-dev has no DailyJobFunctionName output');
});
