// The admin API as one Lambda handler: picks the route by method and resource, validates its input with the
// route's validator compiled from its zod schemas (capabilities/admin/validators/, as the client routes'), runs its
// action, checks its answer against the compiled response schema, and writes one audit record per request, accepted
// or refused. It loads no zod. Admin requests emit no usage events: they are not metered.
// Adding a route: one entry in contracts/admin/endpoints.ts and routes.ts, one line in ACTIONS below, `npm run validators`.
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ADMIN_ENDPOINTS, type AdminRouteId } from '../../contracts/admin/endpoints';
import type { AdminEndpoint } from '../../contracts/admin/route';
import type { AuditRecord } from '../../contracts/admin/audit';
import { CLIENT_ID_PATTERN } from '../../contracts/admin/client-fields';
import { SECURITY_HEADERS } from '../../contracts/security-headers';
import { routeKey } from '../../contracts/routes/route';
import { requestBody } from '../http/middleware/request-body';
import type { HttpMiddleware, HttpRequest } from '../http/middleware/request-state';
import { validatedInput } from '../http/middleware/zod-validation';
import { compiledValidation, type CompiledRequestValidator } from '../http/middleware/compiled-validation';
import { type CompiledRecordValidator, compiledRecord } from '../records/compiled-record';
import { HttpProblem, problem, problemResponse } from '../http/problem';
import {
  type AdminAction,
  type AdminOutcome,
  type AdminPorts,
  clientUsageAction,
  createClientAction,
  getClientAction,
  listClientsAction,
  revokeClientAction,
  rotateKeyAction,
  setOverrideAction,
  setPlanAction,
  setStripeCustomerAction,
  topUpCreditsAction,
} from './actions';
import type { AuditLog } from './audit-log';
import { ADMIN_VALIDATORS } from './validators';

/** A route's compiled validators: its request's and its response's. */
interface AdminValidators {
  readonly request: CompiledRequestValidator;
  readonly response: CompiledRecordValidator;
}

const VALIDATORS = ADMIN_VALIDATORS as unknown as Readonly<Record<string, AdminValidators | undefined>>;

/** Route id → action. */
export const ACTIONS: Record<AdminRouteId, AdminAction> = {
  'create-client': createClientAction,
  'list-clients': listClientsAction,
  'get-client': getClientAction,
  'revoke-client': revokeClientAction,
  'rotate-key': rotateKeyAction,
  'set-override': setOverrideAction,
  'set-plan': setPlanAction,
  'top-up-credits': topUpCreditsAction,
  'set-stripe-customer': setStripeCustomerAction,
  'client-usage': clientUsageAction,
};

/** Where failures are reported (Powertools' logger on AWS); never given input values or key material. */
export interface AdminLogger {
  error(message: string, fields: Record<string, unknown>): void;
}

export interface AdminHandlerOptions extends AdminPorts {
  readonly audit: AuditLog;
  readonly logger: AdminLogger;
  /** Routes and actions; the contract's by default. A route needs its generated validators (`npm run validators`). */
  readonly routes?: readonly AdminEndpoint[];
  readonly actions?: Readonly<Record<string, AdminAction>>;
}

export type AdminHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface AdminState {
  readonly requestId: string;
  readonly who: string;
  readonly sourceIp?: string;
  readonly action: string;
  outcome?: AdminOutcome;
}

const states = new WeakMap<object, AdminState>();

/** The caller as IAM authenticated it (SigV4): API Gateway puts its ARN in requestContext.identity. */
export function callerOf(event: APIGatewayProxyEvent): string {
  return event.requestContext?.identity?.userArn || event.requestContext?.identity?.caller || 'unknown';
}

export function createAdminHandler(options: AdminHandlerOptions): AdminHandler {
  const actions: Readonly<Record<string, AdminAction | undefined>> = options.actions ?? ACTIONS;
  const chains = new Map<string, AdminHandler>();
  for (const route of options.routes ?? ADMIN_ENDPOINTS) {
    const action = actions[route.id];
    if (!action) throw new Error(`admin route ${route.id} has no action`);
    const validators = VALIDATORS[route.id];
    if (!validators) throw new Error(`admin route ${route.id} has no compiled validators (npm run validators)`);
    chains.set(routeKey(route), adminChain(route, action, options, validators));
  }
  const unknownRoute = adminChain(undefined, undefined, options);
  return (event, context) => (chains.get(`${event.httpMethod?.toUpperCase()} ${event.resource}`) ?? unknownRoute)(event, context);
}

function adminChain(
  route: AdminEndpoint | undefined,
  action: AdminAction | undefined,
  options: AdminHandlerOptions,
  validators?: AdminValidators,
): AdminHandler {
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(adminState(route))
    .use(auditTrail(options.audit, options.logger))
    .use(httpHeaderNormalizer())
    .use(adminHeaders())
    .use(adminErrors(options.logger));
  if (route && validators) chain.use(requestBody({ validator: validators.request })).use(compiledValidation(validators.request));
  const response = validators && compiledRecord<unknown>(validators.response, `${route?.id} response`);
  return chain.handler(async (event) => {
    if (!route || !action || !response) throw problem.notFound();
    const input = validatedInput(event);
    const caller = stateOf(event).who;
    const outcome = await action({ path: input.path, query: input.query, body: input.body, now: new Date(), caller }, options);
    stateOf(event).outcome = outcome;
    // The contract's response schema guards what leaves: an unexpected field is a bug (500), never a leak. Its compiled
    // check gives zod's parse (fields in declaration order) or throws, as zod's parse did.
    const body = response.parse(outcome.body);
    return { statusCode: route.successStatus ?? 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  });
}

function stateOf(event: object): AdminState {
  const state = states.get(event);
  if (!state) throw new Error('admin state missing: adminState() must be the first middleware');
  return state;
}

function adminState(route: AdminEndpoint | undefined): HttpMiddleware {
  return {
    before: ({ event, context }) => {
      states.set(event, {
        requestId: event.requestContext?.requestId ?? context.awsRequestId,
        who: callerOf(event),
        sourceIp: event.requestContext?.identity?.sourceIp ?? undefined,
        action: route ? routeKey(route) : `${String(event.httpMethod ?? '').slice(0, 10)} (no admin route)`,
      });
    },
  };
}

/** One audit record per request, once its answer is known; a record that cannot be stored is logged instead. */
function auditTrail(audit: AuditLog, logger: AdminLogger): HttpMiddleware {
  const write = async (request: HttpRequest) => {
    const state = states.get(request.event);
    if (!state) return;
    const status = request.response?.statusCode ?? 500;
    const error = request.error;
    const outcome = state.outcome;
    const pathId = request.event.pathParameters?.id;
    const clientId = outcome?.clientId ?? (typeof pathId === 'string' && CLIENT_ID_PATTERN.test(pathId) ? pathId : undefined);
    const record: AuditRecord = {
      v: 1,
      at: new Date().toISOString(),
      who: state.who,
      action: state.action,
      outcome: status < 400 ? 'accepted' : status < 500 ? 'refused' : 'failed',
      status,
      requestId: state.requestId,
      ...(state.sourceIp ? { sourceIp: state.sourceIp } : {}),
      ...(clientId ? { clientId } : {}),
      ...(status >= 400 ? { reason: error instanceof HttpProblem ? error.slug : 'internal-error' } : {}),
      ...(outcome?.before ? { before: outcome.before } : {}),
      ...(outcome?.after ? { after: outcome.after } : {}),
    };
    try {
      await audit.write(record);
    } catch (failure) {
      logger.error('audit record not stored', { record, errorName: (failure as Error)?.name, errorMessage: (failure as Error)?.message });
    }
  };
  return { after: write, onError: write };
}

function adminHeaders(): HttpMiddleware {
  const add = (request: HttpRequest) => {
    if (!request.response) return;
    const state = states.get(request.event);
    request.response.headers = {
      ...SECURITY_HEADERS,
      ...(request.response.headers as Record<string, string> | undefined),
      ...(state ? { 'x-request-id': state.requestId } : {}),
    };
  };
  return { after: add, onError: add };
}

/** Any error as problem+json: client errors say what is wrong; anything else is a generic 500, logged. */
function adminErrors(logger: AdminLogger): HttpMiddleware {
  return {
    onError: (request) => {
      const error = request.error;
      const requestId = states.get(request.event)?.requestId ?? request.context.awsRequestId;
      if (!(error instanceof HttpProblem)) {
        logger.error('admin request failed', {
          requestId,
          action: states.get(request.event)?.action,
          errorName: error instanceof Error ? error.name : typeof error,
          errorMessage: error instanceof Error ? error.message : String(error),
        });
      }
      request.response = problemResponse(error, requestId);
    },
  };
}
