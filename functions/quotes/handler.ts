// POST /v1/quotes (strict class): an example metered route with a validated JSON body.
import { createHttpHandler } from '../../capabilities/http/http-handler';
import { quote } from '../../capabilities/examples/quote';
import type { QuoteRequest } from '../../contracts/routes/quotes';
import { quotesEndpoint } from '../../contracts/routes/endpoints';
import * as validator from '../../capabilities/http/validators/quotes';

export const handler = createHttpHandler<Record<string, never>, QuoteRequest>({ ...quotesEndpoint, validator }, ({ body }) => ({
  body: quote(body),
}));
