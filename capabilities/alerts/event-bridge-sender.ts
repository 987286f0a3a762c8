// Sends threshold events (quota and low credit balance) to an EventBridge bus: PutEvents takes 10 entries per call; any failed entry
// fails the send, so the outbox items stay pending for the resend.
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { putEvents } from '../aws/eventbridge-client';
import { ALERTS, CREDIT_ALERTS } from '../../contracts/billing';
import type { CreditBalanceLow } from './credit-alerts';
import type { ThresholdCrossed } from './threshold-crossings';

export function eventBridgeSender(client: EventBridgeClient, eventBusName = 'default') {
  return (events: readonly ThresholdCrossed[]): Promise<void> => putEvents(client, eventBusName, ALERTS, events, 'threshold');
}

/** Sends low credit balance events (capabilities/alerts/credit-alerts.ts) to the same bus. */
export function creditEventBridgeSender(client: EventBridgeClient, eventBusName = 'default') {
  return (events: readonly CreditBalanceLow[]): Promise<void> =>
    putEvents(client, eventBusName, CREDIT_ALERTS, events, 'low credit balance');
}
