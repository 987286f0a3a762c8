import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { startDynamoDbLocal } from '../../local/services/dynamodb-local';
import { startFauxqs } from '../../local/services/fauxqs';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
// The emulators the tests and the twin rely on answer the real SDK protocols.
test('DynamoDB Local, fauxqs SQS and fauxqs S3 start on free ports and answer the AWS SDK', async () => {
  const [ddb, fq] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
  try {
    const d = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-east-1', credentials });
    expect((await d.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    const sqs = new SQSClient({ endpoint: fq.endpoint, region: 'us-east-1', credentials });
    const q = await sqs.send(new CreateQueueCommand({ QueueName: 'x' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl, MessageBody: 'hi' }));
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r.Messages?.[0]?.Body).toBe('hi');
    const s3 = new S3Client({ endpoint: fq.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'usage-archive' }));
    await s3.send(new PutObjectCommand({ Bucket: 'usage-archive', Key: 'usage/dt=2026-01-01/a.gz', Body: 'x' }));
    const o = await s3.send(new GetObjectCommand({ Bucket: 'usage-archive', Key: 'usage/dt=2026-01-01/a.gz' }));
    expect(await o.Body!.transformToString()).toBe('x');
  } finally {
    await Promise.all([ddb.stop(), fq.stop()]);
  }
});
