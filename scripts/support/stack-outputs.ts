// Reads the outputs of a deployed stage's stack (MeteredApi-<stage>), for the CLIs.
import { stackName } from '../../contracts/deployment';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

export async function stackOutputs(stage: string, client = new CloudFormationClient({})): Promise<Record<string, string>> {
  if (stage !== 'dev' && stage !== 'prod') throw new Error(`--stage must be dev or prod, got ${JSON.stringify(stage)}`);
  const result = await client.send(new DescribeStacksCommand({ StackName: stackName(stage) }));
  const outputs = result.Stacks?.[0]?.Outputs ?? [];
  return Object.fromEntries(outputs.map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}
