// POST /v1/quotes (strict class): an example metered route with a validated JSON body.
import { createHttpHandler } from '../shared/http-handler';
import { quote } from './quote';
import { quotesRoute, type QuoteRequest } from '../../contracts/routes/quotes';

export const handler = createHttpHandler<Record<string, never>, QuoteRequest>(quotesRoute, ({ body }) => ({ body: quote(body) }));
