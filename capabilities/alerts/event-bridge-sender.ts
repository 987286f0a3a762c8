// Sends threshold events to an EventBridge bus: PutEvents takes 10 entries per call; any failed entry
// fails the send, so the outbox items stay pending for the resend.
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { putEvents } from '../aws/eventbridge-client';
import { ALERTS } from '../../contracts/billing';
import type { ThresholdCrossed } from './threshold-crossings';

export function eventBridgeSender(client: EventBridgeClient, eventBusName = 'default') {
  return (events: readonly ThresholdCrossed[]): Promise<void> => putEvents(client, eventBusName, ALERTS, events, 'threshold');
}
