// Each route's zod-free identity (contracts/routes/endpoints.ts, what handlers and the authorizer load) is the
// route definition without its schemas: ENDPOINTS and ROUTES list the same routes, in the same order.
import { ROUTES } from '../../contracts/routes';
import { ENDPOINTS } from '../../contracts/routes/endpoints';

test('ENDPOINTS is ROUTES without the schemas', () => {
  expect(ENDPOINTS.map((endpoint) => endpoint.id)).toEqual(ROUTES.map((route) => route.id));
  ROUTES.forEach((route, i) => {
    const { schemas, ...endpoint } = route;
    expect(schemas).toBeDefined();
    expect(endpoint).toEqual(ENDPOINTS[i]);
  });
});
