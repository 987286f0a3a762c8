// The EventBridge client (quota alerts), created once per execution environment; see clients.ts for why
// it has its own module. The endpoint follows AWS_ENDPOINT_URL_EVENTBRIDGE, which the local twin sets.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

let client: EventBridgeClient | undefined;

export function eventBridge(): EventBridgeClient {
  // Short timeouts: the alert step runs inside the aggregator's batch budget, and the sweeper retries later.
  client ??= new EventBridgeClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 } });
  return client;
}

/** The same client, made on its first send instead of now (see dynamoOnFirstUse). Only `send` is offered. */
export function eventBridgeOnFirstUse(): EventBridgeClient {
  return { send: (command: PutEventsCommand) => eventBridge().send(command) } as EventBridgeClient;
}

/**
 * Puts `details` on `eventBusName` as events of one source and detail type, 10 entries per PutEvents call (its
 * limit). Any refused entry fails the whole send (`what` names the events in the error), so the caller's record of
 * what was sent stays behind and the next run sends the same events again.
 */
export async function putEvents(
  client: EventBridgeClient,
  eventBusName: string,
  kind: { readonly source: string; readonly detailType: string },
  details: readonly unknown[],
  what: string,
): Promise<void> {
  for (let i = 0; i < details.length; i += 10) {
    const result = await client.send(
      new PutEventsCommand({
        Entries: details.slice(i, i + 10).map((detail) => ({
          EventBusName: eventBusName,
          Source: kind.source,
          DetailType: kind.detailType,
          Detail: JSON.stringify(detail),
        })),
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) throw new Error(`EventBridge refused ${result.FailedEntryCount} ${what} event(s)`);
  }
}
