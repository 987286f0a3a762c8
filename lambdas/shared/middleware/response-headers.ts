// Adds the security headers of a JSON API (OWASP REST cheat sheet), the RateLimit-Policy and
// RateLimit headers and the request id to every response, success or error.
import { rateLimitPolicy, rateLimitRemaining } from '../rate-limit';
import { findState, type HttpMiddleware, type HttpRequest } from './request-state';

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

export function responseHeaders(): HttpMiddleware {
  const add = (request: HttpRequest) => {
    const state = findState(request.event);
    if (!request.response || !state) return;
    const headers: Record<string, string> = { ...SECURITY_HEADERS, ...(request.response.headers as Record<string, string> | undefined) };
    const policy = rateLimitPolicy(state.plan, state.route.routeClass);
    if (policy) headers['RateLimit-Policy'] = policy;
    const remaining = rateLimitRemaining(state.plan, state.usedToday, state.usageDay, new Date());
    if (remaining) headers.RateLimit = remaining;
    headers['x-request-id'] = state.requestId;
    request.response.headers = headers;
  };
  return { after: add, onError: add };
}
