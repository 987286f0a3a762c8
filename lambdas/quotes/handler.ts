// POST /v1/quotes (strict class): an example metered route with a validated JSON body.
import { createHttpHandler } from '../shared/http-handler';
import { quote } from './quote';
import type { QuoteRequest } from './schemas';

export const handler = createHttpHandler<Record<string, never>, QuoteRequest>('quotes', ({ body }) => ({ body: quote(body) }));
