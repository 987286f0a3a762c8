// Turns any error into a problem+json response. Client errors (HttpProblem) say what is wrong;
// anything else is a generic 500 with the requestId, its stack only in DEBUG logs.
import { HttpProblem, problemResponse } from '../problem';
import { logger } from '../../aws/powertools';
import { findState, type HttpMiddleware } from './request-state';

export function problemErrors(): HttpMiddleware {
  return {
    onError: (request) => {
      const error = request.error;
      const requestId = findState(request.event)?.requestId ?? request.context.awsRequestId;
      if (!(error instanceof HttpProblem)) {
        logger.error('request failed', {
          requestId,
          errorName: error instanceof Error ? error.name : typeof error,
          errorMessage: error instanceof Error ? error.message : String(error),
          route: findState(request.event)?.routeKey,
        });
        logger.debug('request failed: stack', { requestId, stack: error instanceof Error ? error.stack : undefined });
      }
      request.response = problemResponse(error, requestId);
    },
  };
}
