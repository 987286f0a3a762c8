// The functions' AWS calls reach the twin's IAM check without the kernel. Every AWS SDK client in this process sends
// through the SDK's Node HTTP handler; for a request to one of the check's endpoints, that handler here hands the
// request (built, signed, its body serialized, as it would go on the wire) to the check directly, and the check
// judges it exactly as it judges one that came over loopback (iam-proxy.ts: the same judge, the same denials, AWS's
// own errors), then forwards it to the emulator. The caller is the function whose invocation runs (runAs), as the
// caller stamp names it on the wire. What is saved: an HTTP client request, a server parse and answer, and two
// loopback socket round trips per AWS call, all on the twin's one thread. Every other request (the CLIs in their own
// processes, the twin's own clients to the emulators) goes over HTTP as before.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { SQSClient } from '@aws-sdk/client-sqs';
import { currentCaller } from './caller-identity';
import type { InProcessCheck, RawCall } from './iam-proxy';

/** What the SDK gives its HTTP handler (@smithy/protocol-http HttpRequest). */
interface SdkRequest {
  readonly protocol?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | string[] | null | undefined>;
  readonly fragment?: string;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

interface SdkHandlerOptions {
  readonly abortSignal?: AbortSignal;
  readonly requestTimeout?: number;
}

interface SdkResponse {
  readonly statusCode: number;
  readonly reason?: string;
  readonly headers: Record<string, string>;
  readonly body: Readable;
}

type Handle = (this: SdkHandler, request: SdkRequest, options?: SdkHandlerOptions) => Promise<{ response: SdkResponse }>;
interface SdkHandler {
  handle: Handle;
  configProvider?: Promise<{ requestTimeout?: number }>;
}

/** The checks of the running twins, by `host:port` (tests run several twins in one process, one after another). */
const checks = new Map<string, InProcessCheck>();
let original: Handle | undefined;
let prototype: SdkHandler | undefined;

/** Routes the SDK's requests to these checks in process, until the returned function is called. */
export function connectInProcess(endpoints: ReadonlyMap<string, InProcessCheck>): () => void {
  patchSdkHandler();
  for (const [host, check] of endpoints) checks.set(host, check);
  return () => {
    for (const [host, check] of endpoints) if (checks.get(host) === check) checks.delete(host);
  };
}

/** How many calls took the in-process hop since start (tests check it is the one used). */
export const inProcessCalls = { count: 0 };

function patchSdkHandler(): void {
  if (original) return;
  // The one Node HTTP handler class every SDK client here builds (one copy of @smithy/node-http-handler): found
  // through a client, since the project does not depend on the package by name.
  const client = new SQSClient({ region: 'us-east-1' });
  prototype = Object.getPrototypeOf(client.config.requestHandler) as SdkHandler;
  client.destroy();
  const sdkHandle = prototype.handle;
  original = sdkHandle;
  prototype.handle = function handle(this: SdkHandler, request, options = {}) {
    const check = request.protocol === 'http:' ? checks.get(`${request.hostname}:${request.port}`) : undefined;
    return check ? sendInProcess(this, check, request, options) : sdkHandle.call(this, request, options);
  };
}

async function sendInProcess(
  handler: SdkHandler,
  check: InProcessCheck,
  request: SdkRequest,
  { abortSignal, requestTimeout }: SdkHandlerOptions,
): Promise<{ response: SdkResponse }> {
  if (abortSignal?.aborted) throw abortError();
  inProcessCalls.count += 1;
  const caller = currentCaller();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const call: RawCall = { method: request.method, url: pathOf(request), headers, body: await bodyOf(request.body) };
  const verdict = await check(call, caller);
  if (!('forward' in verdict)) {
    return { response: { statusCode: verdict.status, headers: { ...verdict.headers }, body: Readable.from([Buffer.from(verdict.body)]) } };
  }
  const timeout = requestTimeout ?? (await handler.configProvider)?.requestTimeout;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(timer);
      abortSignal?.removeEventListener('abort', onAbort);
    };
    const upstream: ClientRequest = verdict.forward((answer: IncomingMessage) => {
      settle();
      resolve({
        response: { statusCode: answer.statusCode ?? -1, reason: answer.statusMessage, headers: joined(answer.headers), body: answer },
      });
    });
    const fail = (error: Error) => {
      settle();
      upstream.destroy();
      reject(error);
    };
    const onAbort = () => fail(abortError());
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    if (timeout) {
      timer = setTimeout(() => fail(Object.assign(new Error(`request timed out after ${timeout} ms`), { name: 'TimeoutError' })), timeout);
    }
    upstream.on('error', (error) => {
      settle();
      reject(error);
    });
  });
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

/** The path and query string exactly as the SDK's handler writes them (@smithy's buildQueryString). */
function pathOf(request: SdkRequest): string {
  const parts: string[] = [];
  for (const key of Object.keys(request.query ?? {}).sort()) {
    const value = request.query?.[key];
    if (Array.isArray(value)) for (const item of value) parts.push(`${escapeUri(key)}=${escapeUri(item)}`);
    else parts.push(value || typeof value === 'string' ? `${escapeUri(key)}=${escapeUri(value)}` : escapeUri(key));
  }
  const query = parts.join('&');
  return `${request.path}${query ? `?${query}` : ''}${request.fragment ? `#${request.fragment}` : ''}`;
}

const escapeUri = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

async function bodyOf(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function joined(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : value;
  return out;
}
