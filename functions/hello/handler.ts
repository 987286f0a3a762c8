// GET /v1/hello (default class): an example metered route.
import { createHttpHandler } from '../../capabilities/http/http-handler';
import { hello } from '../../capabilities/examples/hello';
import { helloRoute, type HelloQuery } from '../../contracts/routes/hello';

export const handler = createHttpHandler<HelloQuery>(helloRoute, ({ query, clientId }) => ({ body: hello(query, clientId) }));
