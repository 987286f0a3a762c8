// Sends threshold events to an EventBridge bus: PutEvents takes 10 entries per call; any failed entry
// fails the send, so the outbox items stay pending for the resend.
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ALERTS } from '../../contracts/billing';
import type { ThresholdCrossed } from './threshold-crossings';

export function eventBridgeSender(client: EventBridgeClient, eventBusName = 'default') {
  return async (events: readonly ThresholdCrossed[]): Promise<void> => {
    for (let i = 0; i < events.length; i += 10) {
      const result = await client.send(
        new PutEventsCommand({
          Entries: events.slice(i, i + 10).map((event) => ({
            EventBusName: eventBusName,
            Source: ALERTS.source,
            DetailType: ALERTS.detailType,
            Detail: JSON.stringify(event),
          })),
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) throw new Error(`EventBridge refused ${result.FailedEntryCount} threshold event(s)`);
    }
  };
}
