// Request body: size limit (413), JSON content type (415), JSON parsing (400). Bodies are parsed
// only on routes that declare a body schema; other routes ignore any body sent.
import { MAX_BODY_BYTES, type RouteDefinition } from '../../../contracts/routes/route';
import { problem } from '../problem';
import type { HttpMiddleware } from './request-state';

export interface ParsedBody {
  parsedBody?: unknown;
}

/** Whether a route takes a body: its zod schemas name one, or its compiled validator checks one. */
function takesBody(route: Pick<RouteDefinition, 'schemas'> | { readonly validator: { readonly parts: readonly string[] } }): boolean {
  return 'validator' in route ? route.validator.parts.includes('body') : route.schemas.body !== undefined;
}

export function requestBody(
  route: Pick<RouteDefinition, 'schemas'> | { readonly validator: { readonly parts: readonly string[] } },
  options: { maxBytes?: number } = {},
): HttpMiddleware {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const hasBody = takesBody(route);
  return {
    before: (request) => {
      if (!hasBody) return;
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
