// Sends threshold events (quota and low credit balance) to an EventBridge bus: PutEvents takes 10 entries per call; any failed entry
// fails the send, so the outbox items stay pending for the resend. What EventBridge accepted is tallied call by call,
// so the metrics `UsageAlertsSent` / `CreditAlertsSent` count every event that went out, also when a later call of
// the same send failed or the run that sent it failed afterwards.
import type { EventBridgeClient, PutEventsCommand, PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { putEvents } from '../aws/eventbridge-client';
import { ALERTS, CREDIT_ALERTS } from '../../contracts/billing';
import type { CreditBalanceLow } from './credit-alerts';
import type { ThresholdCrossed } from './threshold-crossings';

/** Alert events EventBridge accepted, by kind: every entry a PutEvents call answered without refusing it. */
export interface AcceptedAlerts {
  readonly quota: number;
  readonly credit: number;
}

export interface AlertSenders {
  readonly quota: (events: readonly ThresholdCrossed[]) => Promise<void>;
  readonly credit: (events: readonly CreditBalanceLow[]) => Promise<void>;
  /** What EventBridge accepted since the last call (a call that failed without an answer adds nothing). */
  takeAccepted(): AcceptedAlerts;
}

/** `client`, adding to `tally` the entries each PutEvents call's answer did not refuse. */
function tallied(client: EventBridgeClient, tally: (accepted: number) => void): EventBridgeClient {
  return {
    send: async (command: PutEventsCommand): Promise<PutEventsCommandOutput> => {
      const answer = await client.send(command);
      tally((command.input.Entries?.length ?? 0) - (answer.FailedEntryCount ?? 0));
      return answer;
    },
  } as EventBridgeClient;
}

/** The quota and low credit balance senders on `eventBusName`, and the tally of what they got accepted. */
export function alertSenders(client: EventBridgeClient, eventBusName = 'default'): AlertSenders {
  let quota = 0;
  let credit = 0;
  const quotaClient = tallied(client, (n) => {
    quota += n;
  });
  const creditClient = tallied(client, (n) => {
    credit += n;
  });
  return {
    quota: (events) => putEvents(quotaClient, eventBusName, ALERTS, events, 'threshold'),
    credit: (events) => putEvents(creditClient, eventBusName, CREDIT_ALERTS, events, 'low credit balance'),
    takeAccepted: () => {
      const taken = { quota, credit };
      quota = 0;
      credit = 0;
      return taken;
    },
  };
}
