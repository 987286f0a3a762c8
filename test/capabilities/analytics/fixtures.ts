// Test fixtures for usage analytics and the daily job: counter items as the aggregator writes them,
// an in-memory reader with the same key semantics as the Query, and the table on DynamoDB Local.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { itemKey, TABLE_KEYS } from '../../../contracts/table';
import {
  COUNTER_ATTRIBUTES,
  emptyCounters,
  HISTOGRAM_SIZE,
  mergeCounters,
  unitsBeyond,
  type CounterValues,
} from '../../../capabilities/usage/counters';
import { counterSortKeyRange, usageFromItems, type UsageReader } from '../../../capabilities/usage/usage-reader';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const region = 'us-east-1';

export type Item = Record<string, unknown>;

/** Counter values from a few numbers; the histogram puts every request in `bucket`. */
export function counters(
  requests: number,
  options: {
    clientErrors?: number;
    serverErrors?: number;
    latencySumMs?: number;
    bucket?: number;
    histogram?: number[];
    /** Units of all requests; 1 a request unless given. */
    units?: number;
  } = {},
): CounterValues {
  const histogram =
    options.histogram ??
    (() => {
      const h = new Array(HISTOGRAM_SIZE).fill(0);
      h[options.bucket ?? 2] = requests;
      return h;
    })();
  return {
    requests,
    clientErrors: options.clientErrors ?? 0,
    serverErrors: options.serverErrors ?? 0,
    latencySumMs: options.latencySumMs ?? requests * 20,
    latencyHistogram: histogram,
    units: options.units ?? requests,
    clientErrorUnits: options.clientErrors ?? 0,
    serverErrorUnits: options.serverErrors ?? 0,
  };
}

/** A counter item as the aggregator writes it: key, plain attributes, numeric counters. */
export function counterItem(clientId: string, day: string, route: string | undefined, values: CounterValues): Item {
  const key = route === undefined ? itemKey.dayCounter(clientId, day) : itemKey.routeCounter(clientId, day, route);
  const item: Item = {
    ...key,
    clientId,
    day,
    ...(route === undefined ? {} : { route }),
    [COUNTER_ATTRIBUTES.requests]: values.requests,
    [COUNTER_ATTRIBUTES.clientErrors]: values.clientErrors,
    [COUNTER_ATTRIBUTES.serverErrors]: values.serverErrors,
    [COUNTER_ATTRIBUTES.latencySumMs]: values.latencySumMs,
  };
  const beyond = unitsBeyond(values);
  if (beyond.all !== 0) item[COUNTER_ATTRIBUTES.unitsBeyondRequests] = beyond.all;
  if (beyond.clientErrors !== 0) item[COUNTER_ATTRIBUTES.clientErrorUnitsBeyond] = beyond.clientErrors;
  if (beyond.serverErrors !== 0) item[COUNTER_ATTRIBUTES.serverErrorUnitsBeyond] = beyond.serverErrors;
  values.latencyHistogram.forEach((count, i) => {
    item[COUNTER_ATTRIBUTES.histogram(i)] = count;
  });
  return item;
}

/** The daily item plus one item per route of a day, the daily item being the sum of the routes. */
export function dayItems(clientId: string, day: string, perRoute: Record<string, CounterValues>): Item[] {
  const total = emptyCounters();
  const items: Item[] = [];
  for (const [route, values] of Object.entries(perRoute)) {
    mergeCounters(total, values);
    items.push(counterItem(clientId, day, route, values));
  }
  return [counterItem(clientId, day, undefined, total), ...items];
}

/** A reader over items in memory that selects exactly what the DynamoDB Query selects. */
export function memoryReader(items: readonly Item[]): UsageReader & { reads: number } {
  const reader = {
    reads: 0,
    async readRange(clientId: string, from: string, to: string) {
      reader.reads += 1;
      const { start, end } = counterSortKeyRange(from, to);
      const selected = items.filter((item) => item.pk === `USAGE#${clientId}` && String(item.sk) >= start && String(item.sk) <= end);
      return { days: usageFromItems(selected), cost: { pages: 1, items: selected.length, capacityUnits: 0 } };
    },
    async readDay(clientId: string, day: string) {
      reader.reads += 1;
      const key = itemKey.dayCounter(clientId, day);
      return usageFromItems(items.filter((item) => item.pk === key.pk && item.sk === key.sk)).get(day)?.total ?? emptyCounters();
    },
  };
  return reader;
}

export function documentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region, credentials }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function s3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region, credentials, forcePathStyle: true });
}

/** The usage table as the store construct declares it (pk/sk strings, on demand). */
export async function createUsageTable(db: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await db.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

export async function putItems(db: DynamoDBDocumentClient, tableName: string, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests: Record<string, unknown>[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests && requests.length > 0) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }));
      requests = result.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
    }
  }
}

/** A client registry item as the key store writes it. */
export function clientItem(clientId: string, plan = 'standard', status: 'active' | 'revoked' = 'active'): Item {
  return {
    ...itemKey.client(clientId),
    clientId,
    name: `name of ${clientId}`,
    plan,
    status,
    createdAt: '2025-01-01T00:00:00.000Z',
    usageKey: `musg${clientId}`.padEnd(44, '0'),
    keyHash: `hash-${clientId}`,
  };
}
