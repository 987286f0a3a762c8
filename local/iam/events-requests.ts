// EventBridge calls (JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`) as the requests AWS authorizes. PutEvents is
// authorized per entry: each entry names its own bus (EventBusName, a name or an ARN; `default` when absent) and carries
// the per-entry keys events:source and events:detail-type (Service Authorization Reference for events:PutEvents).
import type { AwsCall, AwsEnvironment, DraftOperation, DraftRequest } from './aws-call';
import { jsonBody } from './aws-call';

function busArn(name: unknown, env: AwsEnvironment): string {
  const bus = typeof name === 'string' && name !== '' ? name : 'default';
  return bus.startsWith('arn:') ? bus : `arn:${env.partition}:events:${env.region}:${env.account}:event-bus/${bus}`;
}

export function eventsRequests(call: AwsCall, env: AwsEnvironment): DraftOperation {
  const target = call.headers['x-amz-target'] ?? '';
  if (!target.startsWith('AWSEvents.')) throw new Error(`events: not an EventBridge JSON call (X-Amz-Target: ${target || 'none'})`);
  const operation = target.slice('AWSEvents.'.length);
  const body = jsonBody(call);
  if (operation === 'PutEvents') {
    const entries = Array.isArray(body.Entries) ? (body.Entries as Record<string, unknown>[]) : [];
    const drafts: DraftRequest[] = entries.map((entry) => ({
      action: 'events:PutEvents',
      resource: busArn(entry.EventBusName, env),
      context: { 'events:source': entry.Source as string | undefined, 'events:detail-type': entry.DetailType as string | undefined },
    }));
    return { operation, drafts };
  }
  // Bus management names the bus in `Name` or `EventBusName`; rules and the rest are not used by the stack's code.
  const named = body.EventBusName ?? (operation.endsWith('EventBus') ? body.Name : undefined);
  return { operation, drafts: [{ action: `events:${operation}`, resource: named === undefined ? '*' : busArn(named, env), context: {} }] };
}
