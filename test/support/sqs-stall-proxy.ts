// An HTTP proxy in front of an SQS emulator (fauxqs) that stalls SendMessage on demand: `hang` accepts the
// request and never answers (it never reaches the queue), `late` answers nothing either but forwards the
// request after a delay (it lands after the sender gave up). Every other action passes through, so a twin
// pointed at it with `--sqs-endpoint` starts, polls and replays normally.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type SendStall = { readonly mode: 'none' } | { readonly mode: 'hang' } | { readonly mode: 'late'; readonly afterMs: number };

export interface SqsStallProxy {
  readonly endpoint: string;
  stall: SendStall;
  /** SendMessage requests held so far, and those of them forwarded late. */
  readonly held: { hung: number; late: number };
  close(): Promise<void>;
}

export async function startSqsStallProxy(target: string): Promise<SqsStallProxy> {
  const upstream = new URL(target);
  const held = { hung: 0, late: 0 };
  const state: { stall: SendStall } = { stall: { mode: 'none' } };

  function forward(req: http.IncomingMessage, body: Buffer, res?: http.ServerResponse): void {
    const out = http.request(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        if (!res || res.destroyed) {
          answer.resume();
          return;
        }
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res?.destroy());
    out.end(body);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const stall = state.stall;
      if (req.headers['x-amz-target'] !== 'AmazonSQS.SendMessage' || stall.mode === 'none') {
        forward(req, body, res);
        return;
      }
      if (stall.mode === 'hang') {
        held.hung += 1;
        return; // accepted, read, never answered
      }
      held.late += 1;
      setTimeout(() => forward(req, body), stall.afterMs); // lands; its answer goes nowhere
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get stall() {
      return state.stall;
    },
    set stall(stall: SendStall) {
      state.stall = stall;
    },
    held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
