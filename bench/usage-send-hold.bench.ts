// `npm run bench -- usage-send-hold`: how long the usage send holds a request when the queue hangs — the
// publisher with the route functions' SQS client config against a local TCP server that accepts and never
// answers, many sends in a row (the first one cold) — and the concurrency an SQS slowdown then needs at the
// prod stage throttle. Writes results/usage-send-hold.json.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { STAGES } from '../contracts/stages';
import { USAGE_SEND } from '../contracts/usage-queue';
import type { UsageEvent } from '../contracts/usage-event';
import { USAGE_QUEUE_CLIENT_CONFIG } from '../capabilities/aws/sqs-client';
import { publishUsageEvent } from '../capabilities/usage/usage-publisher';
import { QUICK, round, summarize, writeResults } from './support';

const SENDS = QUICK ? 10 : 50;
const TARGET_MS = 300;

async function main(): Promise<void> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sqs = new SQSClient({
    ...USAGE_QUEUE_CLIENT_CONFIG,
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const publisher = {
    sqs,
    queueUrl: `${endpoint}/000000000000/usage`,
    logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Bench', serviceName: 'bench' }),
  };
  const event: UsageEvent = {
    v: 1,
    eventId: 'bench',
    clientId: 'c',
    plan: 'standard',
    route: 'GET /v1/hello',
    method: 'GET',
    status: 200,
    latencyMs: 1,
    requestTime: new Date().toISOString(),
    day: new Date().toISOString().slice(0, 10),
  };

  const held: number[] = [];
  for (let i = 0; i < SENDS; i++) {
    const started = performance.now();
    await publishUsageEvent(publisher, event);
    held.push(performance.now() - started);
  }
  sqs.destroy();
  for (const socket of sockets) socket.destroy();
  server.close();

  const stats = summarize(held);
  const max = Math.max(...held);
  // An SQS slowdown holds every route execution for the whole budget: executions = rate × hold. What the route
  // functions may use: the account's 1,000 minus reserved (authorizer, daily job) minus the aggregator's pollers.
  const prod = STAGES.prod;
  const available = 1_000 - (prod.authorizerReservedConcurrency ?? 0) - 1 - prod.aggregatorMaxConcurrency;
  const holdSeconds = TARGET_MS / 1000;
  const result = {
    budgetMs: USAGE_SEND.budgetMs,
    sends: SENDS,
    connections,
    firstMs: round(held[0]),
    p50Ms: round(stats.p50),
    p99Ms: round(stats.p99),
    maxMs: round(max),
    availableExecutions: available,
    exhaustedAtRequestsPerSecond: Math.floor(available / holdSeconds),
    prodStageThrottle: prod.stageThrottle.ratePerSecond,
    executionsAtThrottle: Math.ceil(prod.stageThrottle.ratePerSecond * holdSeconds),
  };
  console.log('usage send against a hung queue (ms)');
  console.log(`  budget ${USAGE_SEND.budgetMs}  first ${result.firstMs}  p50 ${result.p50Ms}  p99 ${result.p99Ms}  max ${result.maxMs}`);
  console.log(`  ${connections} connections for ${SENDS} sends (${connections / SENDS} attempts each; the SDK adds none)`);
  console.log(
    `  an SQS slowdown exhausts ${available} executions at ${result.exhaustedAtRequestsPerSecond} req/s (hold ${TARGET_MS} ms); ` +
      `prod's throttle ${result.prodStageThrottle} req/s needs ${result.executionsAtThrottle}`,
  );
  console.log(
    `target: usage send hold ≤ ${TARGET_MS} ms: max ${result.maxMs} ms over ${SENDS} sends ${max <= TARGET_MS ? 'met' : 'NOT met'}`,
  );
  console.log(`wrote ${writeResults('usage-send-hold', result)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
