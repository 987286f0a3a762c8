// Who may call the twin's own routes (`/_twin/…`, `/admin/…`), whatever address the gateway listens on: a
// loopback peer, a Host that names loopback on the twin's port (a page that rebinds its DNS name to 127.0.0.1
// is refused), no other site's Origin or fetch metadata; a token where the route needs one; JSON bodies only.
// Each refusal is problem+json that echoes nothing of the request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../../contracts/gateway-responses';
import { SECURITY_HEADERS } from '../../contracts/security-headers';
import { checkAdminToken } from '../admin/admin-token';
import { isLoopbackHost } from '../services/loopback-guard.mjs';

export interface Refusal {
  readonly status: 401 | 403 | 415;
  /** Last segment of the problem `type`, and the audit log's reason. */
  readonly slug: string;
  readonly detail: string;
  readonly headers?: Record<string, string>;
}

const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Which routes refuse: problem types are `<scope>-loopback-only`, `<scope>-token-missing`, … */
export type GuardScope = 'twin' | 'admin';
const TITLES: Record<Refusal['status'], string> = { 401: 'Unauthorized', 403: 'Forbidden', 415: 'Unsupported Media Type' };

export function isLoopback(req: IncomingMessage): boolean {
  return LOOPBACK_PEERS.has(req.socket.remoteAddress ?? '');
}

/**
 * The caller checks every twin route makes: from this machine, addressed to loopback on this port, and not sent
 * by a page of another origin (a same-origin page, a link opened from the terminal, curl and the CLIs pass).
 */
export function callerRefusal(req: IncomingMessage, scope: GuardScope = 'twin'): Refusal | undefined {
  if (!isLoopback(req)) {
    return { status: 403, slug: `${scope}-loopback-only`, detail: "The twin's own routes accept requests from this machine only." };
  }
  const host = req.headers.host;
  if (!isLoopbackHost(host, req.socket.localPort)) {
    return {
      status: 403,
      slug: `${scope}-host-not-allowed`,
      detail: "The Host header must be 127.0.0.1, localhost or [::1] with the twin's port.",
    };
  }
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (
    (origin !== undefined && origin.toLowerCase() !== `http://${host?.toLowerCase()}`) ||
    (site !== undefined && site !== 'same-origin' && site !== 'none')
  ) {
    return { status: 403, slug: `${scope}-cross-origin`, detail: "The twin's own routes accept no request from another site." };
  }
  return undefined;
}

/** `Authorization: Bearer <token>` with one of `tokens` (the admin token, or a read-only one where it suffices). */
export function tokenRefusal(req: IncomingMessage, tokens: readonly (string | undefined)[], what = 'the admin token'): Refusal | undefined {
  const checks = tokens.filter((t): t is string => !!t).map((token) => checkAdminToken(req.headers.authorization, token));
  if (checks.includes('valid')) return undefined;
  if (checks.length === 0 || checks.includes('invalid'))
    return { status: 403, slug: 'twin-token-invalid', detail: 'The token is not valid.' };
  return {
    status: 401,
    slug: 'twin-token-missing',
    detail: `This route needs ${what}: Authorization: Bearer <token>.`,
    headers: { 'WWW-Authenticate': 'Bearer realm="twin"' },
  };
}

/** A request with a body must declare it JSON (a cross-site form or `text/plain` POST cannot). */
export function bodyTypeRefusal(req: IncomingMessage, scope: GuardScope = 'twin'): Refusal | undefined {
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type)) return undefined;
  return { status: 415, slug: `${scope}-json-only`, detail: 'Send the body as application/json.' };
}

/** GET, HEAD and OPTIONS read; anything else changes the twin's state. */
export function isStateChanging(method: string | undefined): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes((method ?? 'GET').toUpperCase());
}

/** Answers a refusal (the body is drained, never read). */
export function sendRefusal(req: IncomingMessage, res: ServerResponse, refusal: Refusal, requestId: string): number {
  req.resume();
  const body = JSON.stringify({
    type: `${PROBLEM_TYPE_BASE}${refusal.slug}`,
    title: TITLES[refusal.status],
    status: refusal.status,
    detail: refusal.detail,
    requestId,
  });
  res.writeHead(refusal.status, {
    ...SECURITY_HEADERS,
    ...refusal.headers,
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-RequestId': requestId,
  });
  res.end(body);
  return refusal.status;
}
