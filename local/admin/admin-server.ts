// The twin's admin routes (`/admin/v1/…`) on the gateway's port: loopback callers addressing loopback from no
// other site (twin-guard.ts), the admin token in place of IAM, JSON bodies, then the same admin router the AWS
// Lambda runs, with the caller `twin-admin`. Refusals are problem+json and audited like the router's own.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ADMIN_ROUTES, type AdminRouteDefinition } from '../../contracts/admin/routes';
import { TWIN_ADMIN_CALLER, UNAUTHENTICATED_CALLER } from '../../contracts/admin/audit';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../../contracts/gateway-responses';
import { SECURITY_HEADERS } from '../../contracts/security-headers';
import type { AuditLog } from '../../capabilities/admin/audit-log';
import type { AdminHandler } from '../../capabilities/admin/router';
import { lambdaContext } from '../fake-aws';
import { sendGatewayResponse } from '../gateway/gateway-responses';
import { proxyEvent } from '../gateway/proxy-event';
import { bodyTypeRefusal, callerRefusal } from '../gateway/twin-guard';
import { checkAdminToken } from './admin-token';

export const ADMIN_PREFIX = '/admin/';

/** Largest admin request body read; larger gets API Gateway's 413. */
const MAX_ADMIN_BODY_BYTES = 1024 * 1024;
const ADMIN_TIMEOUT_MS = 10_000;

export interface AdminRoutesOptions {
  readonly token: string;
  readonly handler: AdminHandler;
  readonly audit: AuditLog;
  readonly stage: string;
  readonly functionName: string;
  /** Told of every admin request (the twin's access log). */
  readonly onAnswer?: (entry: { requestId: string; method: string; path: string; status: number; latencyMs: number }) => void;
}

/** The gateway's hook: answers and returns true for `/admin/…` paths, false for anything else. */
export function adminRoutes(options: AdminRoutesOptions) {
  const compiled = ADMIN_ROUTES.map((route) => ({ route: route as AdminRouteDefinition, pattern: templatePattern(route.path) }));

  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> => {
    if (!pathname.startsWith(ADMIN_PREFIX) && pathname !== '/admin') return false;
    const started = performance.now();
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    const matched = compiled.find((c) => c.route.method === method && c.pattern.test(path));
    const answered = (status: number) =>
      options.onAnswer?.({ requestId, method, path, status, latencyMs: Math.round(performance.now() - started) });
    const refuse = async (status: 401 | 403 | 415, reason: string, detail: string, headers: Record<string, string> = {}) => {
      req.resume();
      // Recorded before answering, as the router does: whoever sees the answer finds the record.
      await options.audit.write({
        v: 1,
        at: new Date().toISOString(),
        who: UNAUTHENTICATED_CALLER,
        action: matched ? `${method} ${matched.route.path}` : `${method.slice(0, 10)} (no admin route)`,
        outcome: 'refused',
        status,
        requestId,
        sourceIp: normalizeIp(req.socket.remoteAddress),
        reason,
      });
      sendProblem(res, status, reason, detail, requestId, headers);
      answered(status);
      return true;
    };

    // 1. IAM's stand-in: a loopback caller addressing loopback (DNS rebinding), from no other site, with the admin
    // token; a client API key is no credential here. A body must be JSON.
    const caller = callerRefusal(req, 'admin');
    if (caller) return refuse(caller.status, caller.slug, caller.detail);
    const token = checkAdminToken(req.headers.authorization, options.token);
    if (token === 'missing')
      return refuse(401, 'admin-token-missing', 'Admin routes need the admin token: Authorization: Bearer <token>.', {
        'WWW-Authenticate': 'Bearer realm="admin"',
      });
    if (token === 'invalid') return refuse(403, 'admin-token-invalid', 'The admin token is not valid.');
    const bodyType = bodyTypeRefusal(req, 'admin');
    if (bodyType) return refuse(bodyType.status, bodyType.slug, bodyType.detail);

    // 2. The resource, as API Gateway matches it: an unknown one is its "Missing Authentication Token".
    if (!matched) {
      req.resume();
      answered(sendGatewayResponse(res, 'MISSING_AUTHENTICATION_TOKEN', requestId));
      return true;
    }
    const body = await readBody(req, MAX_ADMIN_BODY_BYTES);
    if (!body) {
      answered(sendGatewayResponse(res, 'REQUEST_TOO_LARGE', requestId, { Connection: 'close' }));
      return true;
    }

    // 3. The admin function, with the proxy event an IAM-authorized method gets.
    const event = adminEvent(req, { requestId, path, route: matched.route, body, stage: options.stage });
    const context = lambdaContext(options.functionName, ADMIN_TIMEOUT_MS, requestId);
    const result = await options.handler(event, context);
    const payload = Buffer.from(result.body ?? '', 'utf8');
    res.writeHead(result.statusCode, {
      ...(result.headers as Record<string, string>),
      'x-amzn-RequestId': requestId,
      'Content-Length': String(payload.length),
    });
    res.end(payload);
    answered(result.statusCode);
    return true;
  };
}

function adminEvent(
  req: IncomingMessage,
  request: { requestId: string; path: string; route: AdminRouteDefinition; body: Buffer; stage: string },
): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://gateway.local');
  // The token is the twin's credential, not part of the request the function sees (IAM's signature is not either).
  const rawHeaders: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() !== 'authorization') rawHeaders.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  const event = proxyEvent(
    {
      requestId: request.requestId,
      extendedRequestId: request.requestId.replace(/-/g, '').slice(0, 16),
      method: request.route.method,
      path: request.path,
      resource: request.route.path,
      rawHeaders,
      query: url.searchParams,
      body: request.body,
      sourceIp: normalizeIp(req.socket.remoteAddress),
      host: req.headers.host ?? 'localhost',
      stage: request.stage,
      receivedAt: Date.now(),
      traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${request.requestId.replace(/-/g, '').slice(0, 24)}`,
      localPort: req.socket.localPort ?? 0,
    },
    { principalId: '', context: {}, integrationLatency: 0, apiKey: null },
  );
  const identity = { ...event.requestContext.identity, userArn: TWIN_ADMIN_CALLER, caller: TWIN_ADMIN_CALLER };
  return {
    ...event,
    pathParameters: pathParameters(request.route.path, request.path),
    requestContext: { ...event.requestContext, identity, authorizer: null } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

/** `{id}` segments of the template, read from the path (decoded, as API Gateway does). */
function pathParameters(template: string, path: string): Record<string, string> | null {
  const names = template.split('/');
  const values = path.split('/');
  const parameters: Record<string, string> = {};
  names.forEach((segment, i) => {
    const name = /^\{([^}+]+)\}$/.exec(segment)?.[1];
    if (name) parameters[name] = safeDecode(values[i] ?? '');
  });
  return Object.keys(parameters).length > 0 ? parameters : null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function templatePattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

function sendProblem(
  res: ServerResponse,
  status: number,
  slug: string,
  detail: string,
  requestId: string,
  headers: Record<string, string>,
) {
  const title = status === 401 ? 'Unauthorized' : status === 415 ? 'Unsupported Media Type' : 'Forbidden';
  const body = JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${slug}`, title, status, detail, requestId });
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'content-type': PROBLEM_CONTENT_TYPE,
    'x-amzn-RequestId': requestId,
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

function normalizeIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}
