// Runs inside the benchmark's child process, bundled by esbuild exactly like a Lambda (one CJS file,
// AWS SDK external): the full handler chain against a bare handler doing the same work, interleaved.
import { inProcessSqs } from './in-process-sqs';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { helloRoute } from '../contracts/routes/hello';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import { createHttpHandler } from '../capabilities/http/http-handler';
import { logger, metrics } from '../capabilities/aws/powertools';
import { requestState } from '../capabilities/http/middleware/request-state';
import { requestBody } from '../capabilities/http/middleware/request-body';
import { validatedInput, zodValidation } from '../capabilities/http/middleware/zod-validation';
import { problemErrors } from '../capabilities/http/middleware/problem-errors';
import { responseHeaders } from '../capabilities/http/middleware/response-headers';
import { requestLogger, requestMetrics, usageTracker, type TelemetryOptions } from '../capabilities/http/middleware/request-telemetry';
import { hello } from '../capabilities/examples/hello';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/usage';

const localSqs = inProcessSqs();

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

/** Middlewares the benchmark switches off one at a time (ABLATE=logger,metrics,…). */
const ABLATIONS = ['logger', 'metrics', 'validation', 'headers', 'normalizer', 'errors'] as const;
type Ablation = (typeof ABLATIONS)[number];

/** No-op Metrics, so switching metrics off does not make the usage tracker warn about an empty flush. */
const noMetrics = { addMetric() {}, addDimension() {}, addMetadata() {}, publishStoredMetrics() {} } as never;

/** The chain of capabilities/http/http-handler.ts, in the same order, with one middleware left out. */
function chainWithout(off: Ablation) {
  const telemetry: TelemetryOptions = {
    logger,
    metrics: off === 'metrics' ? noMetrics : metrics,
    sqs: () => localSqs,
    queueUrl: () => QUEUE_URL,
  };
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(requestState(helloRoute))
    .use(usageTracker(telemetry));
  if (off !== 'metrics') chain.use(requestMetrics(telemetry));
  if (off !== 'logger') chain.use(requestLogger(telemetry));
  if (off !== 'normalizer') chain.use(httpHeaderNormalizer());
  if (off !== 'headers') chain.use(responseHeaders());
  if (off !== 'errors') chain.use(problemErrors());
  chain.use(requestBody(helloRoute));
  if (off !== 'validation') chain.use(zodValidation(helloRoute));
  return chain.handler(async (event) => {
    const authorizer = event.requestContext.authorizer as Record<string, string>;
    const query = off === 'validation' ? { name: event.queryStringParameters?.name } : (validatedInput(event).query as { name?: string });
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(hello(query, authorizer.clientId)) };
  });
}

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
  const ablate = (process.env.ABLATE ?? '').split(',').filter((a): a is Ablation => (ABLATIONS as readonly string[]).includes(a));
  const handlers: Record<string, (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>> = {
    full: (event) => full(event, context),
    bare,
  };
  for (const off of ablate) {
    const h = chainWithout(off);
    handlers[`no-${off}`] = (event) => h(event, context);
  }
  const sides = Object.keys(handlers);
  const wall: Record<string, number[]> = Object.fromEntries(sides.map((side) => [side, []]));
  const cpu: Record<string, number> = Object.fromEntries(sides.map((side) => [side, 0]));
  const bytes: Record<string, number> = Object.fromEntries(sides.map((side) => [side, 0]));
  // CPU time per call (all threads of the process, so GC helpers count): unlike wall time it leaves
  // out the time the process waits for a core, which on a shared machine dominates the wall-time tail.
  const cpuPerCall: Record<string, number[]> = Object.fromEntries(sides.map((side) => [side, []]));
  // Logs and EMF metrics are serialised as in Lambda but written to a sink, not the terminal.
  const realWrite = process.stdout.write.bind(process.stdout);
  let sunk = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    sunk += chunk.length;
    return true;
  }) as typeof process.stdout.write;
  try {
    for (let i = 0; i < 1_000; i++) for (const side of sides) await handlers[side](helloEvent(i));
    sunk = 0;
    // Interleaved rounds: drift and noise from other processes hit both sides alike.
    for (let r = 0; r < rounds; r++) {
      for (const side of sides) {
        const cpuStart = process.cpuUsage();
        const sunkBefore = sunk;
        for (let i = 0; i < perRound; i++) {
          const event = helloEvent(i);
          const c = process.cpuUsage();
          const t = process.hrtime.bigint();
          const result = await handlers[side](event);
          wall[side].push(Number(process.hrtime.bigint() - t) / 1_000);
          const used = process.cpuUsage(c);
          cpuPerCall[side].push(used.user + used.system);
          if (result.statusCode !== 200) throw new Error(`unexpected status ${result.statusCode}`);
        }
        const used = process.cpuUsage(cpuStart);
        cpu[side] += used.user + used.system;
        bytes[side] += sunk - sunkBefore;
      }
    }
  } finally {
    process.stdout.write = realWrite;
  }
  const n = rounds * perRound;
  const cpuUsPerCall = Object.fromEntries(sides.map((side) => [side, cpu[side] / n]));
  realWrite(`${JSON.stringify({ wall, cpuPerCall, cpuUsPerCall, logBytesPerRequest: Math.round(bytes.full / n) })}\n`);
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
