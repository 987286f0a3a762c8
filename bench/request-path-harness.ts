// Runs inside the benchmark's child process, bundled by esbuild exactly like a Lambda (one CJS file,
// AWS SDK external): the full handler chain against a bare handler doing the same work, interleaved.
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { helloRoute } from '../contracts/routes/hello';
import { createHttpHandler } from '../lambdas/shared/http-handler';
import { hello } from '../lambdas/hello/hello';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/usage';

/** Answers SendMessage in-process, with a correct MD5 so the SDK's checksum validation runs as in AWS. */
const localSqs = new SQSClient({
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

function helloEvent(i: number): APIGatewayProxyEvent {
  return {
    resource: '/v1/hello',
    path: '/v1/hello',
    httpMethod: 'GET',
    headers: { 'X-Api-Key': 'mapiBENCHBENCHBENCHBENCHBENCHBENCHBENCHBENC', 'User-Agent': 'bench', Accept: 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: { name: `user${i % 100}` },
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      httpMethod: 'GET',
      path: '/dev/v1/hello',
      protocol: 'HTTP/1.1',
      stage: 'dev',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'r',
      resourcePath: '/v1/hello',
      authorizer: {
        principalId: 'cl_bench',
        clientId: 'cl_bench',
        plan: 'standard',
        usedToday: 10,
        usageDay: new Date().toISOString().slice(0, 10),
      },
      identity: { sourceIp: '203.0.113.9' } as never,
    },
  };
}

const context = {
  awsRequestId: 'bench',
  functionName: 'bench',
  functionVersion: '1',
  invokedFunctionArn: 'arn',
  memoryLimitInMB: '512',
  getRemainingTimeInMillis: () => 10_000,
} as never;

const full = createHttpHandler<{ name?: string }>(helloRoute, ({ query, clientId }) => ({ body: hello(query, clientId) }), {
  telemetry: { sqs: () => localSqs, queueUrl: () => QUEUE_URL },
});

/** The same work without the chain: read the query, run the use case, send the usage event, answer. */
async function bare(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const started = process.hrtime.bigint();
  const authorizer = event.requestContext.authorizer as Record<string, string>;
  const body = JSON.stringify(hello({ name: event.queryStringParameters?.name }, authorizer.clientId));
  const requestTime = new Date(event.requestContext.requestTimeEpoch);
  await localSqs.send(
    new SendMessageCommand({
      QueueUrl: QUEUE_URL,
      MessageBody: JSON.stringify({
        v: 1,
        eventId: event.requestContext.requestId,
        clientId: authorizer.clientId,
        plan: authorizer.plan,
        route: 'GET /v1/hello',
        method: 'GET',
        status: 200,
        latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
        requestTime: requestTime.toISOString(),
        day: requestTime.toISOString().slice(0, 10),
      }),
    }),
  );
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
}

async function run() {
  const rounds = Number(process.env.ROUNDS ?? 10);
  const perRound = Number(process.env.PER_ROUND ?? 2_000);
  const wall = { full: [] as number[], bare: [] as number[] };
  const cpu = { full: 0, bare: 0 };
  // Logs and EMF metrics are serialised as in Lambda but written to a sink, not the terminal.
  const realWrite = process.stdout.write.bind(process.stdout);
  let sunk = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    sunk += chunk.length;
    return true;
  }) as typeof process.stdout.write;
  try {
    for (let i = 0; i < 1_000; i++) {
      await full(helloEvent(i), context);
      await bare(helloEvent(i));
    }
    sunk = 0;
    // Interleaved rounds: drift and noise from other processes hit both sides alike.
    for (let r = 0; r < rounds; r++) {
      for (const side of ['full', 'bare'] as const) {
        const cpuStart = process.cpuUsage();
        for (let i = 0; i < perRound; i++) {
          const event = helloEvent(i);
          const t = process.hrtime.bigint();
          const result = side === 'full' ? await full(event, context) : await bare(event);
          wall[side].push(Number(process.hrtime.bigint() - t) / 1_000);
          if (result.statusCode !== 200) throw new Error(`unexpected status ${result.statusCode}`);
        }
        const used = process.cpuUsage(cpuStart);
        cpu[side] += used.user + used.system;
      }
    }
  } finally {
    process.stdout.write = realWrite;
  }
  const n = rounds * perRound;
  realWrite(
    `${JSON.stringify({ wall, cpuUsPerCall: { full: cpu.full / n, bare: cpu.bare / n }, logBytesPerRequest: Math.round(sunk / n) })}\n`,
  );
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
