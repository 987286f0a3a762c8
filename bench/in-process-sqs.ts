// An SQS client whose SendMessage is answered in-process, with a correct MD5 of the body so the SDK's checksum
// validation runs as it does against AWS: the request-path benches use it so a usage send costs the same CPU on
// every side without a queue in the measurement.
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { SQSClient } from '@aws-sdk/client-sqs';

export function inProcessSqs(): SQSClient {
  return new SQSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: {
      handle: async (request: { body?: unknown }) => {
        const text = typeof request.body === 'string' ? request.body : Buffer.from(request.body as Uint8Array).toString('utf8');
        const md5 = createHash('md5')
          .update((JSON.parse(text) as { MessageBody?: string }).MessageBody ?? '')
          .digest('hex');
        const payload = JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: md5 });
        return {
          response: {
            statusCode: 200,
            reason: 'OK',
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from(payload)]),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    } as never,
  });
}
