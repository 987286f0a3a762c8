// Request body: size limit (413), JSON content type (415), JSON parsing (400). Bodies are parsed
// only on routes that declare a body schema; other routes ignore any body sent.
import { MAX_BODY_BYTES, type RouteDefinition } from '../../../contracts/routes/route';
import { problem } from '../problem';
import type { HttpMiddleware } from './request-state';

export interface ParsedBody {
  parsedBody?: unknown;
}

export function requestBody(route: Pick<RouteDefinition, 'schemas'>, options: { maxBytes?: number } = {}): HttpMiddleware {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  return {
    before: (request) => {
      if (!route.schemas.body) return;
      const { event } = request;
      const raw = event.body ?? '';
      const bytes = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw, 'utf8');
      if (bytes > maxBytes) {
        throw problem.payloadTooLarge(maxBytes);
      }
      const contentType = (event.headers?.['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!/^application\/([a-z0-9.+-]+\+)?json$/.test(contentType)) {
        throw problem.unsupportedMediaType();
      }
      const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (text.trim() === '') throw problem.badRequest([{ path: 'body', message: 'is required' }]);
      try {
        (event as typeof event & ParsedBody).parsedBody = JSON.parse(text);
      } catch {
        throw problem.badRequest([{ path: 'body', message: 'is not valid JSON' }], 'The request body is not valid JSON.');
      }
    },
  };
}
