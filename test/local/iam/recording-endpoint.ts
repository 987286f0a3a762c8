// A throwaway HTTP endpoint on 127.0.0.1 for the request-reader tests: it records the bytes a real AWS SDK client sends
// and answers what the test says (a minimal success body, or an AccessDenied response).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsCall, AwsServiceName } from '../../../local/iam/aws-call';

export interface RecordedCall extends Omit<AwsCall, 'service'> {}

export interface Reply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface RecordingEndpoint {
  url: string;
  readonly calls: RecordedCall[];
  /** What the endpoint answers; the default is 200 with an empty JSON object. */
  reply: (call: RecordedCall) => Reply;
  /** The last call, as the reader takes it. */
  last(service: AwsServiceName): AwsCall;
  close(): Promise<void>;
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : (value ?? '')]));
}

export async function recordingEndpoint(): Promise<RecordingEndpoint> {
  const calls: RecordedCall[] = [];
  const endpoint: RecordingEndpoint = {
    url: '',
    calls,
    reply: (_call: RecordedCall): Reply => ({}),
    last(service: AwsServiceName): AwsCall {
      const call = calls.at(-1);
      if (!call) throw new Error('no call recorded');
      return { ...call, service };
    },
    close: async () => {},
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const rawPath = (request.url ?? '/').split('?')[0];
      const call: RecordedCall = {
        method: request.method ?? 'GET',
        path: rawPath,
        query: url.searchParams,
        headers: flatten(request.headers),
        body: Buffer.concat(chunks),
      };
      calls.push(call);
      const reply = endpoint.reply(call);
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      response.end(request.method === 'HEAD' ? undefined : (reply.body ?? '{}'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  endpoint.close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return endpoint;
}
