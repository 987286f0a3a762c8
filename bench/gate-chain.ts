// What the gate adds to a route function's chain: GET /v1/hello through the real handler factory, a gateway-plan
// caller (the gate passes untouched) and a gate-plan caller (one conditional write on DynamoDB Local) interleaved one
// call at a time, usage events answered in-process. Used by `npm run bench -- gate`.
import { inProcessSqs } from './in-process-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hello } from '../capabilities/examples/hello';
import { createHttpHandler } from '../capabilities/http/http-handler';
import * as validator from '../capabilities/http/validators/hello';
import { helloEndpoint } from '../contracts/routes/endpoints';
import type { HelloQuery } from '../contracts/routes/hello';
import { lambdaContext } from '../local/fake-aws';
import { createUsageTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/resources';
import { seededRandom } from '../sim/random';
import { apiEvent } from '../test/support/api-event';
import { zipfSampler } from '../test/capabilities/counting/support/workload';

const sqsInProcess = inProcessSqs();

export interface ChainSide {
  readonly latenciesMs: number[];
  readonly statuses: Record<number, number>;
}

export interface GateChainRun {
  readonly gateway: ChainSide;
  readonly gate: ChainSide;
}

export async function measureGateInChain(options: {
  readonly endpoint: string;
  readonly tableName: string;
  readonly pairs: number;
  readonly clients: number;
  readonly zipfS: number;
  readonly seed: number;
}): Promise<GateChainRun> {
  const raw = new DynamoDBClient({ endpoint: options.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  await createUsageTable(raw, options.tableName);
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const handler = createHttpHandler<HelloQuery>(
    { ...helloEndpoint, validator },
    ({ query, clientId }) => ({ body: hello(query, clientId) }),
    {
      // Request lines off on both sides alike (a refusal is logged as a warning; a line costs the same on either side).
      telemetry: {
        logger: new Logger({ logLevel: 'SILENT' }),
        sqs: () => sqsInProcess,
        queueUrl: () => 'https://sqs.us-east-1.amazonaws.com/000000000000/usage',
      },
      gate: { store: () => ({ db, tableName: options.tableName }) },
    },
  );
  const random = seededRandom(options.seed);
  const draw = zipfSampler(options.clients, options.zipfS, random);
  const context = lambdaContext('bench-hello', 10_000);
  const sides: GateChainRun = { gateway: { latenciesMs: [], statuses: {} }, gate: { latenciesMs: [], statuses: {} } };

  const call = async (side: keyof GateChainRun, plan: string) => {
    const clientId = `cl_chain_${draw().toString(36)}`;
    const event = apiEvent({ method: 'GET', path: '/v1/hello', query: { name: 'bench' }, clientId, plan });
    const started = performance.now();
    const response = await handler(event, context);
    sides[side].latenciesMs.push(performance.now() - started);
    sides[side].statuses[response.statusCode] = (sides[side].statuses[response.statusCode] ?? 0) + 1;
  };

  // The chain logs and emits metrics to stdout on every call, alike on both sides: kept off the bench's output.
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    for (let i = 0; i < options.pairs; i++) {
      // Alternate which side goes first, so neither always runs right after the other's write.
      if (i % 2 === 0) {
        await call('gateway', 'standard');
        await call('gate', 'free');
      } else {
        await call('gate', 'free');
        await call('gateway', 'standard');
      }
    }
  } finally {
    process.stdout.write = write;
  }
  return sides;
}
