// GET /v1/hello (default class): an example metered route.
import { createHttpHandler } from '../shared/http-handler';
import { hello } from './hello';
import type { HelloQuery } from './schemas';

export const handler = createHttpHandler<HelloQuery>('hello', ({ query, clientId }) => ({ body: hello(query, clientId) }));
