// SQS calls as the requests AWS authorizes. @aws-sdk/client-sqs (3.1175) sends AWS JSON 1.0 (`X-Amz-Target:
// AmazonSQS.<Operation>`, with `x-amzn-query-mode: true`); the query protocol (form-encoded `Action=…`) that older
// clients send is read too. A batch is authorized as its single-message action: "You cannot set permissions
// explicitly for SendMessageBatch, DeleteMessageBatch, or ChangeMessageVisibilityBatch. Instead, setting permissions
// for SendMessage, DeleteMessage, or ChangeMessageVisibility sets permissions for the corresponding batch versions"
// (SQSDeveloperGuide/sqs-batch-api.html). The queue ARN comes from the QueueUrl's path (`/<account>/<name>`).
import type { AwsCall, AwsEnvironment, DraftOperation } from './aws-call';
import { jsonBody, requestTagContext } from './aws-call';

const BATCH_ACTIONS: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

interface SqsParameters {
  readonly operation: string;
  readonly queueUrl?: string;
  readonly queueName?: string;
  readonly ownerAccount?: string;
  readonly tags?: Record<string, string>;
}

function parameters(call: AwsCall): SqsParameters {
  const target = call.headers['x-amz-target'];
  if (target?.startsWith('AmazonSQS.')) {
    const body = jsonBody(call);
    return {
      operation: target.slice('AmazonSQS.'.length),
      queueUrl: body.QueueUrl as string | undefined,
      queueName: body.QueueName as string | undefined,
      ownerAccount: body.QueueOwnerAWSAccountId as string | undefined,
      tags: body.tags as Record<string, string> | undefined,
    };
  }
  const form = new URLSearchParams(call.body.toString('utf8'));
  for (const [key, value] of call.query) if (!form.has(key)) form.set(key, value);
  const operation = form.get('Action');
  if (!operation) throw new Error('sqs: neither an X-Amz-Target header nor an Action parameter');
  const tags: Record<string, string> = {};
  for (let i = 1; form.has(`Tag.${i}.Key`); i++) tags[form.get(`Tag.${i}.Key`)!] = form.get(`Tag.${i}.Value`) ?? '';
  // The query protocol may also put the queue in the path (`POST /<account>/<name>`).
  const inPath = call.path.split('/').filter(Boolean).length === 2 ? `http://queue${call.path}` : undefined;
  return {
    operation,
    queueUrl: form.get('QueueUrl') ?? inPath,
    queueName: form.get('QueueName') ?? undefined,
    ownerAccount: form.get('QueueOwnerAWSAccountId') ?? undefined,
    tags,
  };
}

function queueArn(parameters: SqsParameters, env: AwsEnvironment): string {
  const arn = (account: string, name: string) => `arn:${env.partition}:sqs:${env.region}:${account}:${name}`;
  if (parameters.queueUrl) {
    const [account, name] = new URL(parameters.queueUrl).pathname.split('/').filter(Boolean);
    if (!account || !name) throw new Error(`sqs: cannot read a queue from QueueUrl ${parameters.queueUrl}`);
    return arn(account, decodeURIComponent(name));
  }
  if (parameters.queueName) return arn(parameters.ownerAccount ?? env.account, parameters.queueName);
  return '*';
}

export function sqsRequests(call: AwsCall, env: AwsEnvironment): DraftOperation {
  const parsed = parameters(call);
  const action = BATCH_ACTIONS[parsed.operation] ?? parsed.operation;
  const context = parsed.operation === 'CreateQueue' ? requestTagContext(parsed.tags) : {};
  return { operation: parsed.operation, drafts: [{ action: `sqs:${action}`, resource: queueArn(parsed, env), context }] };
}
