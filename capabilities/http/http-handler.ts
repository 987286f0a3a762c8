// The one handler factory every API Lambda uses: the Middy chain of docs/request-path.md around a use case
// that receives validated input and the caller's identity, and knows nothing of API Gateway.
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteDefinition, RouteEndpoint } from '../../contracts/routes/route';
import type { OverrideLimits } from '../../contracts/overrides';
import { logger, metrics } from '../aws/powertools';
import { functionEnv } from '../aws/resources';
import { sqs } from '../aws/sqs-client';
import { dynamo } from '../aws/dynamodb-client';
import { gateAdmission, type GateAdmissionOptions } from './middleware/gate-admission';
import { requestState, stateOf, type HttpMiddleware } from './middleware/request-state';
import { requestBody } from './middleware/request-body';
import { zodValidation, validatedInput } from './middleware/zod-validation';
import { compiledValidation, type CompiledRequestValidator } from './middleware/compiled-validation';
import { problemErrors } from './middleware/problem-errors';
import { responseHeaders } from './middleware/response-headers';
import { requestLogger, requestMetrics, usageTracker, type TelemetryOptions } from './middleware/request-telemetry';

export interface UseCaseRequest<Query = Record<string, unknown>, Body = unknown> {
  readonly query: Query;
  readonly body: Body;
  readonly path: Record<string, unknown>;
  /** From the authorizer's context, never from the request. */
  readonly clientId: string;
  readonly plan: string;
  /** The client's own limits from the authorizer's context (`keys override`), when it has any. */
  readonly override?: OverrideLimits;
  readonly requestId: string;
  readonly now: Date;
}

export interface UseCaseResult {
  readonly statusCode?: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export type UseCase<Query, Body> = (request: UseCaseRequest<Query, Body>) => Promise<UseCaseResult> | UseCaseResult;

export interface HttpHandlerOptions {
  /** Replaces the SQS client and queue (tests and benchmarks). */
  readonly telemetry?: Partial<TelemetryOptions>;
  /** Replaces the gate's table and clock (tests and benchmarks). */
  readonly gate?: Partial<GateAdmissionOptions>;
  /** Extra middlewares, run just before the use case. */
  readonly middlewares?: readonly HttpMiddleware[];
}

/** The route function's table, for the gate items: required once a gate-plan client calls. */
function gateTable() {
  const { tableName } = functionEnv('route');
  if (!tableName) throw new Error('a gate-plan request reached a route function without a table (function env tableName)');
  return { db: dynamo(), tableName };
}

/**
 * A deployed route: its identity (contracts/routes/endpoints.ts) and its validator compiled at build time
 * (capabilities/http/validators/), so its Lambda loads no zod. A route with zod schemas (tests, the twin's
 * handlers of ad hoc routes) is validated by zod with the same messages.
 */
export interface CompiledRoute extends RouteEndpoint {
  readonly validator: CompiledRequestValidator;
}

export function createHttpHandler<Query = Record<string, unknown>, Body = unknown>(
  route: RouteDefinition | CompiledRoute,
  useCase: UseCase<Query, Body>,
  options: HttpHandlerOptions = {},
) {
  const telemetry: TelemetryOptions = {
    logger,
    metrics,
    sqs,
    queueUrl: () => functionEnv('route').usageQueueUrl,
    sendBudgetMs: () => Number(functionEnv('route').usageSendBudgetMs) || undefined,
    requestLog: () => (functionEnv('route').requestLog === 'errors' ? 'errors' : 'all'),
    ...options.telemetry,
  };

  // Middy runs `before` in this order and `after`/`onError` in reverse: the error handler turns an
  // error into a response first, then headers are added, then the request is logged, measured and
  // counted with its final status.
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(requestState(route))
    .use(usageTracker(telemetry))
    .use(requestMetrics(telemetry))
    .use(requestLogger(telemetry))
    .use(httpHeaderNormalizer())
    .use(responseHeaders())
    .use(problemErrors())
    .use(requestBody(route))
    .use('validator' in route ? compiledValidation(route.validator) : zodValidation(route))
    // After validation (a route's units may depend on its input), before the use case: gate plans only.
    .use(gateAdmission(route, { store: gateTable, ...options.gate }));
  for (const middleware of options.middlewares ?? []) chain.use(middleware);

  return chain.handler(async (event) => {
    const state = stateOf(event);
    const input = validatedInput(event);
    const result = await useCase({
      query: input.query as Query,
      body: input.body as Body,
      path: input.path,
      clientId: state.clientId,
      plan: state.plan,
      override: state.override,
      requestId: state.requestId,
      now: new Date(),
    });
    return {
      statusCode: result.statusCode ?? 200,
      headers: { 'content-type': 'application/json', ...result.headers },
      body: JSON.stringify(result.body),
    };
  });
}
