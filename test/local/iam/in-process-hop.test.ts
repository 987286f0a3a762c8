// The in-process hop (local/iam/in-process-hop.ts) is as strict as the loopback one: a real SQS client, run as a
// function's role, reaches the IAM check without a socket; an allowed call reaches the emulator with the emulators'
// key and no caller stamp, a denied one gets AWS's AccessDenied and never reaches it, an unknown key is refused, and
// the same denied call sent over loopback HTTP gets the same answer.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CALLER_HEADER, CallerStamps, runAs } from '../../../local/iam/caller-identity';
import { type IamProxy, startIamProxy } from '../../../local/iam/iam-proxy';
import { connectInProcess, inProcessCalls } from '../../../local/iam/in-process-hop';
import type { StackAccess } from '../../../local/iam/stack-policies';
import { type RecordingEndpoint, recordingEndpoint } from './recording-endpoint';

const ACCOUNT = '000000000000';
const ALLOWED_QUEUE = `http://127.0.0.1:1/${ACCOUNT}/usage`;
const OTHER_QUEUE = `http://127.0.0.1:1/${ACCOUNT}/other`;

const access = {
  account: ACCOUNT,
  region: 'us-east-1',
  stage: 'dev',
  functions: {
    hello: {
      roleName: 'HelloRole',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/HelloRole`,
      policies: [
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:usage` }],
        },
      ],
    },
  },
  resourcePolicies: {},
  operators: {},
} as unknown as StackAccess;

let upstream: RecordingEndpoint;
let proxy: IamProxy;
let disconnect: () => void;
const stamps = new CallerStamps();

const client = () =>
  new SQSClient({
    endpoint: proxy.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAFUNCTIONS0000000', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
const send = (queueUrl: string) => client().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{}' }));

beforeAll(async () => {
  upstream = await recordingEndpoint();
  upstream.reply = () => ({
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify({ MessageId: 'm1', MD5OfMessageBody: '99914b932bd37a50b983c5e7c90ae93b' }),
  });
  proxy = await startIamProxy({
    mode: 'enforce',
    access,
    stamps,
    credentials: { operator: 'AKIAOPERATOR00000000', upstream: 'AKIAUPSTREAM00000000' },
    upstreams: { dynamodb: upstream.url, sqs: upstream.url, s3: upstream.url, events: upstream.url },
    partitionKeyOf: () => 'pk',
    log: () => undefined,
  });
  stamps.addHosts(Object.values(proxy.endpoints).map((url) => new URL(url).host));
  stamps.install();
  disconnect = connectInProcess(proxy.inProcess);
});

afterAll(async () => {
  disconnect?.();
  stamps.uninstall();
  await proxy?.stop();
  await upstream?.close();
});

test("an allowed call goes on in process, with the emulators' key and no caller stamp", async () => {
  const before = inProcessCalls.count;
  const calls = upstream.calls.length;
  await expect(runAs('hello', () => send(ALLOWED_QUEUE))).resolves.toMatchObject({ MessageId: 'm1' });
  expect(inProcessCalls.count).toBe(before + 1);
  expect(upstream.calls).toHaveLength(calls + 1);
  const forwarded = upstream.calls.at(-1);
  expect(forwarded?.headers.authorization).toContain('Credential=AKIAUPSTREAM00000000/');
  expect(forwarded?.headers[CALLER_HEADER]).toBeUndefined();
});

test("a denied call gets AWS's AccessDenied in process and never reaches the emulator", async () => {
  const calls = upstream.calls.length;
  await expect(runAs('hello', () => send(OTHER_QUEUE))).rejects.toMatchObject({ name: 'AccessDenied' });
  expect(upstream.calls).toHaveLength(calls);
  expect(proxy.denials.at(-1)).toMatchObject({
    principal: 'HelloRole',
    action: 'sqs:SendMessage',
    resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:other`,
  });
});

test('a call with no known caller is refused in process', async () => {
  await expect(send(ALLOWED_QUEUE)).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
});

test('over loopback HTTP the same calls get the same answers', async () => {
  disconnect();
  try {
    const before = inProcessCalls.count;
    await expect(runAs('hello', () => send(ALLOWED_QUEUE))).resolves.toMatchObject({ MessageId: 'm1' });
    await expect(runAs('hello', () => send(OTHER_QUEUE))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(send(ALLOWED_QUEUE)).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    expect(inProcessCalls.count).toBe(before);
  } finally {
    disconnect = connectInProcess(proxy.inProcess);
  }
});
