// GET /v1/hello (default class): an example metered route.
import { createHttpHandler } from '../../capabilities/http/http-handler';
import { hello } from '../../capabilities/examples/hello';
import type { HelloQuery } from '../../contracts/routes/hello';
import { helloEndpoint } from '../../contracts/routes/endpoints';
import * as validator from '../../capabilities/http/validators/hello';

export const handler = createHttpHandler<HelloQuery>({ ...helloEndpoint, validator }, ({ query, clientId }) => ({
  body: hello(query, clientId),
}));
