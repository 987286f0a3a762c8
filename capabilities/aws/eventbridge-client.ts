// The EventBridge client (quota alerts), created once per execution environment; see clients.ts for why
// it has its own module. The endpoint follows AWS_ENDPOINT_URL_EVENTBRIDGE, which the local twin sets.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

let client: EventBridgeClient | undefined;

export function eventBridge(): EventBridgeClient {
  // Short timeouts: the alert step runs inside the aggregator's batch budget, and the sweeper retries later.
  client ??= new EventBridgeClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 } });
  return client;
}
