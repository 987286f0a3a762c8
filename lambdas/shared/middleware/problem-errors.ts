// Turns any error into a problem+json response. Client errors (HttpProblem) say what is wrong;
// anything else is a generic 500 with the requestId, its stack only in DEBUG logs.
import { HttpProblem, PROBLEM_CONTENT_TYPE, problemBody } from '../problem';
import { logger } from '../powertools';
import { findState, type HttpMiddleware } from './request-state';

export function problemErrors(): HttpMiddleware {
  return {
    onError: (request) => {
      const error = request.error;
      const requestId = findState(request.event)?.requestId ?? request.context.awsRequestId;
      if (error instanceof HttpProblem) {
        request.response = {
          statusCode: error.statusCode,
          headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...error.headers },
          body: JSON.stringify(problemBody(error.statusCode, error.slug, error.title, error.detail, requestId, error.errors)),
        };
        return;
      }
      const name = error instanceof Error ? error.name : typeof error;
      logger.error('request failed', {
        requestId,
        errorName: name,
        errorMessage: error instanceof Error ? error.message : String(error),
        route: findState(request.event)?.routeKey,
      });
      logger.debug('request failed: stack', { requestId, stack: error instanceof Error ? error.stack : undefined });
      request.response = {
        statusCode: 500,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE },
        body: JSON.stringify(
          problemBody(
            500,
            'internal-error',
            'Internal Server Error',
            'The request could not be completed; quote the requestId when reporting it.',
            requestId,
          ),
        ),
      };
    },
  };
}
