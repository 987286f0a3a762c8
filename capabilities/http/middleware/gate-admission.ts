// Admission for clients on gate plans (docs/plans.md "Admission"): after validation, before the use case, one
// conditional write on the client's gate item takes the route's units or refuses — 429 (rate, daily, monthly) or 402
// (credits) problem+json, with the gate's RateLimit headers and a true Retry-After. Gateway plans pass untouched.
import { isGatePlan, type PlanName } from '../../../contracts/plans';
import type { RouteEndpoint } from '../../../contracts/routes/route';
import { gateLimitsInForce } from '../../customers/limits-in-force';
import type { GateAnswer } from '../../gate/admission';
import { admit, type GateStore } from '../../gate/gate';
import { problem } from '../problem';
import { gateRateLimitHeaders } from '../rate-limit';
import { type HttpMiddleware, stateOf } from './request-state';
import { requestUnits } from './request-units';

export interface GateAdmissionOptions {
  /** The table holding the gate items (the route function's table, contracts/function-env.ts `tableName`). */
  readonly store: () => GateStore;
  readonly now?: () => Date;
}

/** What the gate answered for a request, for the response headers and the usage event. */
export interface GateOutcome {
  readonly answer: GateAnswer;
  readonly policyName: string;
  readonly at: Date;
}

const outcomes = new WeakMap<object, GateOutcome>();

/** The gate's answer for the request in flight; undefined on gateway plans or before the gate ran. */
export function gateOutcomeOf(event: object): GateOutcome | undefined {
  return outcomes.get(event);
}

/** The limits the gate holds a client to (capabilities/customers/limits-in-force.ts). */
export { gateLimitsInForce as gateLimitsOf };

export function gateAdmission(route: RouteEndpoint, options: GateAdmissionOptions): HttpMiddleware {
  const now = options.now ?? (() => new Date());
  return {
    before: async (request) => {
      const state = stateOf(request.event);
      if (!isGatePlan(state.plan)) return;
      const plan = state.plan as PlanName;
      const at = now();
      const units = requestUnits(request.event, route);
      const answer = await admit(options.store(), {
        clientId: state.clientId,
        limits: gateLimitsInForce(plan, state.override),
        units,
        now: at,
      });
      const outcome: GateOutcome = { answer, policyName: state.override ? 'override' : plan, at };
      outcomes.set(request.event, outcome);
      if (answer.admitted) return;
      const headers = headersOf(outcome);
      const retryAfter = answer.retryAfterSeconds ?? 1;
      switch (answer.refusedBy) {
        case 'credits':
          throw problem.creditsExhausted(headers);
        case 'month':
          throw problem.monthlyQuotaExceeded(retryAfter, headers);
        case 'day':
          throw problem.quotaExceeded(retryAfter, headers);
        default:
          throw problem.rateLimited(retryAfter, headers);
      }
    },
  };
}

/** `RateLimit-Policy` and `RateLimit` from the gate's answer. */
export function headersOf(outcome: GateOutcome): Record<string, string> {
  const { policy, remaining } = gateRateLimitHeaders(outcome.policyName, outcome.answer, outcome.at);
  return { 'RateLimit-Policy': policy, RateLimit: remaining };
}
