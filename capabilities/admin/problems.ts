// The admin API's own client errors (problem+json, never echoing input), beside problem.ts's shared ones.
import { HttpProblem } from '../http/problem';

export const adminProblem = {
  clientNotFound: () =>
    new HttpProblem({ statusCode: 404, slug: 'client-not-found', title: 'Not Found', detail: 'No client has this id.' }),
  clientRevoked: () =>
    new HttpProblem({
      statusCode: 409,
      slug: 'client-revoked',
      title: 'Conflict',
      detail: 'The client is revoked: its plan and keys cannot change.',
    }),
  tooManyKeysInGrace: () =>
    new HttpProblem({
      statusCode: 409,
      slug: 'too-many-keys',
      title: 'Conflict',
      detail: 'The client has too many keys still in their grace period; wait for one to end or rotate with graceSeconds 0.',
    }),
  notAGatePlan: () =>
    new HttpProblem({
      statusCode: 409,
      slug: 'not-a-gate-plan',
      title: 'Conflict',
      detail: 'The client is on a plan admitted by API Gateway, which cannot take prepaid credits: only gate-plan clients hold them.',
    }),
  shardedGateCredits: () =>
    new HttpProblem({
      statusCode: 409,
      slug: 'sharded-gate-credits',
      title: 'Conflict',
      detail:
        'Prepaid credits and a sharded gate do not mix: the client holds credits and the limits would shard its gate, or its gate is sharded and cannot take credits.',
    }),
  invalidCursor: () =>
    new HttpProblem({
      statusCode: 400,
      slug: 'invalid-request',
      title: 'Bad Request',
      detail: 'The request is invalid; see errors for each field.',
      errors: [{ path: 'query.cursor', message: 'must be a nextCursor returned by this route' }],
    }),
} as const;
