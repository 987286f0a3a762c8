// An HTTP proxy in front of DynamoDB Local that speaks its JSON protocol and injects faults into writes:
// throttles before a write reaches the table, ambiguous writes (applied, then answered 500 or a cut
// connection) and stalls. Point a twin at it with `--dynamodb-endpoint` to load-test exactly-once counting.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultPlan {
  /** Share of writes refused with ProvisionedThroughputExceededException before they reach the table. */
  readonly throttle: number;
  /** Share of writes applied, then answered with a 500 or a cut connection. */
  readonly ambiguous: number;
  /** Share of writes held this long before they are forwarded. */
  readonly stall: number;
  readonly stallMs: number;
}

export interface FaultProxy {
  readonly endpoint: string;
  plan: FaultPlan;
  readonly injected: { throttle: number; ambiguous: number; stall: number; forwarded: number };
  close(): Promise<void>;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);
const NONE: FaultPlan = { throttle: 0, ambiguous: 0, stall: 0, stallMs: 0 };

function dynamoError(res: http.ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `fault-${Date.now()}` });
  res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));
}

export async function startDynamoFaultProxy(target: string, random: () => number = Math.random): Promise<FaultProxy> {
  const upstream = new URL(target);
  const injected = { throttle: 0, ambiguous: 0, stall: 0, forwarded: 0 };
  const proxy: { plan: FaultPlan } = { plan: NONE };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      const write = WRITES.has(operation);
      const plan = proxy.plan;
      const roll = random();
      if (write && roll < plan.throttle) {
        injected.throttle += 1;
        dynamoError(res, 400, 'ProvisionedThroughputExceededException', 'injected: throughput exceeded');
        return;
      }
      if (write && random() < plan.stall) {
        injected.stall += 1;
        await new Promise((resolve) => setTimeout(resolve, plan.stallMs));
      }
      const ambiguous = write && random() < plan.ambiguous;
      const forward = http.request(
        { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          const out: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => out.push(chunk));
          answer.on('end', () => {
            injected.forwarded += 1;
            if (ambiguous) {
              injected.ambiguous += 1;
              // Applied by DynamoDB; the client never learns it.
              if (random() < 0.5) dynamoError(res, 500, 'InternalServerError', 'injected: answer lost');
              else res.socket?.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            res.end(Buffer.concat(out));
          });
        },
      );
      forward.on('error', () => dynamoError(res, 500, 'InternalServerError', 'proxy: upstream unreachable'));
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get plan() {
      return proxy.plan;
    },
    set plan(plan: FaultPlan) {
      proxy.plan = plan;
    },
    injected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
