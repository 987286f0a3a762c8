// POST /v1/quotes (strict class): an example metered route with a validated JSON body.
import { createHttpHandler } from '../../capabilities/http/http-handler';
import { quote } from '../../capabilities/examples/quote';
import { quotesRoute, type QuoteRequest } from '../../contracts/routes/quotes';

export const handler = createHttpHandler<Record<string, never>, QuoteRequest>(quotesRoute, ({ body }) => ({ body: quote(body) }));
