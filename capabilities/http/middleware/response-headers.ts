// Adds the security headers of a JSON API (OWASP REST cheat sheet), the RateLimit-Policy and
// RateLimit headers and the request id to every response, success or error.
import { SECURITY_HEADERS } from '../../../contracts/security-headers';
import { rateLimitPolicy, rateLimitRemaining } from '../rate-limit';
import { findState, type HttpMiddleware, type HttpRequest } from './request-state';

export function responseHeaders(): HttpMiddleware {
  const add = (request: HttpRequest) => {
    const state = findState(request.event);
    if (!request.response || !state) return;
    const headers: Record<string, string> = { ...SECURITY_HEADERS, ...(request.response.headers as Record<string, string> | undefined) };
    const policy = rateLimitPolicy(state.plan, state.route.routeClass, state.override);
    if (policy) headers['RateLimit-Policy'] = policy;
    const remaining = rateLimitRemaining(state.plan, state.usedToday, state.usageDay, new Date(), state.override);
    if (remaining) headers.RateLimit = remaining;
    headers['x-request-id'] = state.requestId;
    request.response.headers = headers;
  };
  return { after: add, onError: add };
}
