// The twin's management routes, its stand-ins for API Gateway's control plane that the keys CLI calls from
// another process: revocations, plan changes (authorizer cache flushes) and API keys. Each changes the twin's
// state, so each takes the caller checks of every twin route, the admin token and a JSON body (a page the
// developer visits can send a cross-site `text/plain` POST, never a token or JSON).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKeys } from './api-keys';
import { handleApiKeyCreation, handleApiKeyDeletion, TWIN_API_KEYS_PATH } from './api-key-route';
import type { RequestAuthorizer } from './authorizer';
import { handlePlanChange, TWIN_PLAN_CHANGES_PATH } from './plan-changes';
import { handleRevocation, TWIN_REVOCATIONS_PATH } from './revocations';
import { bodyTypeRefusal, callerRefusal, sendRefusal, tokenRefusal } from './twin-guard';
import type { UsagePlans } from './usage-plans';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../../contracts/gateway-responses';
import { SECURITY_HEADERS } from '../../contracts/security-headers';

export interface TwinManagementOptions {
  readonly authorizer: RequestAuthorizer;
  readonly usagePlans: UsagePlans;
  /** The account's API keys; without it, the API key routes are 404. */
  readonly apiKeys?: ApiKeys;
  /** The admin token; without it every management request is refused (fail closed). */
  readonly adminToken?: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<number>;

export const TWIN_MANAGEMENT_PATHS: readonly string[] = [TWIN_REVOCATIONS_PATH, TWIN_PLAN_CHANGES_PATH, TWIN_API_KEYS_PATH];

/** Answers a request on one of TWIN_MANAGEMENT_PATHS (trailing slash removed) and returns the status sent. */
export function twinManagementRoutes(options: TwinManagementOptions) {
  const routes: Record<string, Partial<Record<string, Handler>>> = {
    [TWIN_REVOCATIONS_PATH]: { POST: (req, res) => handleRevocation(req, res, options) },
    [TWIN_PLAN_CHANGES_PATH]: { POST: (req, res) => handlePlanChange(req, res, options) },
    [TWIN_API_KEYS_PATH]: options.apiKeys
      ? {
          POST: (req, res) => handleApiKeyCreation(req, res, options.apiKeys!),
          DELETE: (req, res) => handleApiKeyDeletion(req, res, options.apiKeys!),
        }
      : {},
  };
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<number> => {
    const requestId = randomUUID();
    const refusal = callerRefusal(req) ?? tokenRefusal(req, [options.adminToken]) ?? bodyTypeRefusal(req);
    if (refusal) return sendRefusal(req, res, refusal, requestId);
    const methods = routes[path] ?? {};
    const handler = methods[(req.method ?? '').toUpperCase()];
    if (handler) return handler(req, res);
    req.resume();
    const allowed = Object.keys(methods);
    const status = allowed.length > 0 ? 405 : 404;
    const body = JSON.stringify({
      type: `${PROBLEM_TYPE_BASE}${status === 405 ? 'method-not-allowed' : 'not-found'}`,
      title: status === 405 ? 'Method Not Allowed' : 'Not Found',
      status,
      detail: status === 405 ? `This route accepts ${allowed.join(', ')}.` : 'No such twin route.',
      requestId,
    });
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'x-amzn-RequestId': requestId,
      ...(status === 405 ? { Allow: allowed.join(', ') } : {}),
    });
    res.end(body);
    return status;
  };
}
