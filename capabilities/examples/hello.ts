// Example use case of GET /v1/hello: greets the caller. Replace with your own routes.
import type { HelloQuery } from '../../contracts/routes/hello';

export function hello(query: HelloQuery, clientId: string): { message: string; clientId: string } {
  return { message: `Hello, ${query.name ?? 'world'}!`, clientId };
}
