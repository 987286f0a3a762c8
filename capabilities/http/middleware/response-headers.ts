// Adds the security headers of a JSON API (OWASP REST cheat sheet), the RateLimit-Policy and
// RateLimit headers and the request id to every response, success or error.
import { SECURITY_HEADERS } from '../../../contracts/security-headers';
import { rateLimitPolicy, rateLimitRemaining } from '../rate-limit';
import { isGatePlan } from '../../../contracts/plans';
import { findState, type HttpMiddleware, type HttpRequest } from './request-state';
import { gateOutcomeOf, headersOf } from './gate-admission';

export function responseHeaders(): HttpMiddleware {
  const add = (request: HttpRequest) => {
    const state = findState(request.event);
    if (!request.response || !state) return;
    const headers: Record<string, string> = { ...SECURITY_HEADERS, ...(request.response.headers as Record<string, string> | undefined) };
    const gate = gateOutcomeOf(request.event);
    if (gate) {
      // A gate plan's request the gate answered: its exact windows, on the 429/402 as on the 200.
      Object.assign(headers, headersOf(gate));
    } else {
      const policy = rateLimitPolicy(state.plan, state.route.routeClass, state.override);
      if (policy) headers['RateLimit-Policy'] = policy;
      // On a gate plan the authorizer's count is not what limits the client: no stale RateLimit beside the gate's.
      const remaining = isGatePlan(state.plan)
        ? undefined
        : rateLimitRemaining(state.plan, state.usedToday, state.usageDay, new Date(), state.override);
      if (remaining) headers.RateLimit = remaining;
    }
    headers['x-request-id'] = state.requestId;
    request.response.headers = headers;
  };
  return { after: add, onError: add };
}
