// Test helpers over DynamoDB Local: fresh usage tables, and the counters as the analytics would read them.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import {
  addEvent,
  countersFromItem,
  emptyCounters,
  routeCountersFromItem,
  type CounterValues,
} from '../../../../capabilities/usage/counters';
import type { UsageEvent } from '../../../../contracts/usage-event';
import { type CountedFields, counterId } from '../../../../capabilities/counting/counter-deltas';
import { createUsageTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../../local/resources';

let tables = 0;

export function dynamoClients(endpoint: string): { raw: DynamoDBClient; doc: DynamoDBDocumentClient } {
  const raw = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  return { raw, doc: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }) };
}

export async function freshTable(raw: DynamoDBClient, prefix = 'usage'): Promise<string> {
  const name = `${prefix}-${process.pid}-${++tables}`;
  await createUsageTable(raw, name);
  return name;
}

export async function scanAll(doc: DynamoDBDocumentClient, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out: ScanCommandOutput = await doc.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Stored counters by counterId, read from the plain clientId/day/route attributes (as readers do). */
export async function storedCounters(doc: DynamoDBDocumentClient, tableName: string): Promise<Map<string, CounterValues>> {
  const counters = new Map<string, CounterValues>();
  for (const item of await scanAll(doc, tableName)) {
    if (!String(item.pk).startsWith('USAGE#')) continue;
    const id = counterId({
      clientId: String(item.clientId),
      day: String(item.day),
      route: item.route === undefined ? undefined : String(item.route),
    });
    counters.set(id, countersFromItem(item));
    // A day item holds its routes' counters too (issue 23).
    for (const [route, values] of routeCountersFromItem(item))
      counters.set(counterId({ clientId: String(item.clientId), day: String(item.day), route }), values);
  }
  return counters;
}

/**
 * The test model of what events add up to, one event at a time: each adds itself to its route's counters and its
 * day's, keyed by counterId (the aggregator's own grouping, aggregateRoutes and dayDeltas, is what is tested).
 */
export function countersOf(events: Iterable<CountedFields>): Map<string, CounterValues> {
  const out = new Map<string, CounterValues>();
  const bump = (id: string, event: CountedFields) => {
    let values = out.get(id);
    if (!values) out.set(id, (values = emptyCounters()));
    addEvent(values, event);
  };
  for (const event of events) {
    bump(counterId(event), event);
    bump(counterId({ clientId: event.clientId, day: event.day }), event);
  }
  return out;
}

/** Ground truth: each distinct eventId counted once. */
export function truthOf(events: readonly UsageEvent[]): Map<string, CounterValues> {
  return countersOf(new Map(events.map((e) => [e.eventId, e])).values());
}

export function sortedEntries(map: Map<string, CounterValues>): [string, CounterValues][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
