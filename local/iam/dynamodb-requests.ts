// DynamoDB calls (JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`) as the requests AWS authorizes, with the
// fine-grained keys of amazondynamodb/latest/developerguide/specifying-conditions.html:
// - dynamodb:LeadingKeys: the partition key value of every item the request touches (Key, Item, each batch or
//   transaction entry, a Query's `pk = :v`). "You must use the ForAllValues modifier when using LeadingKeys".
// - dynamodb:Attributes: the top-level attributes the request names, which "can be read, written, or evaluated in a
//   conditional write or scan filter": the key attributes (AWS: "you must specify the names of all of the primary key
//   … attributes"), a projection, a Put's item attributes, an update's, a condition's and a filter's.
// - dynamodb:Select on reads ("always has a value (ALL_ATTRIBUTES, unless otherwise specified)"; SPECIFIC_ATTRIBUTES
//   with a projection), dynamodb:ReturnValues on writes ("NONE unless otherwise specified"), and
//   dynamodb:ReturnConsumedCapacity when the request sets it.
// Per-operation rules: BatchGetItem and BatchWriteItem are authorized once per table with all that table's keys;
// TransactWriteItems and TransactGetItems once per item as PutItem/UpdateItem/DeleteItem/ConditionCheckItem/GetItem
// with dynamodb:EnclosingOperation (developerguide/transaction-apis-iam.html).
import type { AwsCall, AwsEnvironment, DraftOperation, DraftRequest } from './aws-call';
import { jsonBody, requestTagContext } from './aws-call';
import { attributeNames, partitionKeyValues, scalarOf, type WireAttributeValue } from './dynamodb-expressions';
import type { ConditionValue } from './policy-types';

type Body = Record<string, unknown>;
type Item = Readonly<Record<string, WireAttributeValue>>;
type Names = Readonly<Record<string, string>> | undefined;

const record = (value: unknown): Body => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

interface Table {
  readonly name: string;
  readonly arn: string;
}

/** A TableName is a name or (since 2024) the table's ARN. */
function tableOf(tableName: unknown, env: AwsEnvironment): Table {
  const given = text(tableName);
  if (!given) throw new Error('dynamodb: the request names no TableName');
  if (given.startsWith('arn:')) return { name: given.slice(given.indexOf(':table/') + ':table/'.length), arn: given };
  return { name: given, arn: `arn:${env.partition}:dynamodb:${env.region}:${env.account}:table/${given}` };
}

/**
 * An item's partition key value. Its absence is an error, not an empty dynamodb:LeadingKeys: ForAllValues is true on an
 * empty set, so a wrong partitionKeyOf would otherwise allow every item (DynamoDB itself rejects such a request).
 */
function leadingKey(table: Table, item: Item, env: AwsEnvironment): string[] {
  const partitionKey = env.partitionKeyOf(table.name);
  const value = scalarOf(item[partitionKey]);
  if (value === undefined)
    throw new Error(`dynamodb: no value for ${table.name}'s partition key ${partitionKey} in ${JSON.stringify(Object.keys(item))}`);
  return [value];
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

/** A projection and its legacy form, AttributesToGet. */
function projected(body: Body, names: Names): string[] {
  return [...attributeNames(text(body.ProjectionExpression), names), ...list(body.AttributesToGet).map(String)];
}

const hasProjection = (body: Body) => Boolean(text(body.ProjectionExpression)) || list(body.AttributesToGet).length > 0;

const returnConsumedCapacity = (body: Body) => text(body.ReturnConsumedCapacity);

/** The names a condition refers to: ConditionExpression, or the legacy Expected map. */
function conditioned(body: Body, names: Names): string[] {
  return [...attributeNames(text(body.ConditionExpression), names), ...Object.keys(record(body.Expected))];
}

interface ItemRequest {
  readonly leadingKeys: string[];
  readonly attributes: string[];
}

function getItem(table: Table, body: Body, env: AwsEnvironment): ItemRequest {
  const key = record(body.Key) as Item;
  const names = record(body.ExpressionAttributeNames) as Names;
  return { leadingKeys: leadingKey(table, key, env), attributes: [...Object.keys(key), ...projected(body, names)] };
}

function putItem(table: Table, body: Body, env: AwsEnvironment): ItemRequest {
  const item = record(body.Item) as Item;
  const names = record(body.ExpressionAttributeNames) as Names;
  return { leadingKeys: leadingKey(table, item, env), attributes: [...Object.keys(item), ...conditioned(body, names)] };
}

function updateItem(table: Table, body: Body, env: AwsEnvironment): ItemRequest {
  const key = record(body.Key) as Item;
  const names = record(body.ExpressionAttributeNames) as Names;
  return {
    leadingKeys: leadingKey(table, key, env),
    attributes: [
      ...Object.keys(key),
      ...attributeNames(text(body.UpdateExpression), names),
      ...Object.keys(record(body.AttributeUpdates)),
      ...conditioned(body, names),
    ],
  };
}

/** DeleteItem and ConditionCheck: a key and, perhaps, a condition. */
function keyedItem(table: Table, body: Body, env: AwsEnvironment): ItemRequest {
  const key = record(body.Key) as Item;
  const names = record(body.ExpressionAttributeNames) as Names;
  return { leadingKeys: leadingKey(table, key, env), attributes: [...Object.keys(key), ...conditioned(body, names)] };
}

function draft(action: string, resource: string, context: Record<string, ConditionValue | undefined>): DraftRequest {
  return { action: `dynamodb:${action}`, resource, context };
}

function itemContext(request: ItemRequest, extra: Record<string, ConditionValue | undefined>): Record<string, ConditionValue | undefined> {
  return { 'dynamodb:LeadingKeys': unique(request.leadingKeys), 'dynamodb:Attributes': unique(request.attributes), ...extra };
}

const SINGLE_ITEM: Readonly<Record<string, (table: Table, body: Body, env: AwsEnvironment) => ItemRequest>> = {
  GetItem: getItem,
  PutItem: putItem,
  UpdateItem: updateItem,
  DeleteItem: keyedItem,
  ConditionCheckItem: keyedItem,
};

function singleItem(operation: string, body: Body, env: AwsEnvironment): DraftRequest {
  const table = tableOf(body.TableName, env);
  const request = SINGLE_ITEM[operation](table, body, env);
  const isRead = operation === 'GetItem';
  return draft(
    operation,
    table.arn,
    itemContext(request, {
      'dynamodb:Select': isRead ? (hasProjection(body) ? 'SPECIFIC_ATTRIBUTES' : 'ALL_ATTRIBUTES') : undefined,
      'dynamodb:ReturnValues': isRead ? undefined : (text(body.ReturnValues) ?? 'NONE'),
      'dynamodb:ReturnConsumedCapacity': returnConsumedCapacity(body),
    }),
  );
}

/** Query and Scan, on a table or one of its indexes. */
function readMany(operation: 'Query' | 'Scan', body: Body, env: AwsEnvironment): DraftRequest {
  const table = tableOf(body.TableName, env);
  const indexName = text(body.IndexName);
  const names = record(body.ExpressionAttributeNames) as Names;
  const values = record(body.ExpressionAttributeValues) as Readonly<Record<string, WireAttributeValue>>;
  const keyConditions = record(body.KeyConditions);
  const partitionKey = env.partitionKeyOf(table.name, indexName);
  const legacyLeading = record(keyConditions[partitionKey]);
  const queried =
    operation === 'Query'
      ? [
          ...partitionKeyValues(text(body.KeyConditionExpression), partitionKey, names, values),
          ...(legacyLeading.ComparisonOperator === 'EQ'
            ? [scalarOf(list(legacyLeading.AttributeValueList)[0] as WireAttributeValue)].filter((v) => v !== undefined)
            : []),
        ]
      : undefined;
  // A Query always pins the partition key; finding no value means we read the wrong key (see leadingKey).
  if (queried?.length === 0) throw new Error(`dynamodb: no equality on the partition key ${partitionKey} in the Query's key condition`);
  const leadingKeys = queried;
  const attributes = [
    ...attributeNames(text(body.KeyConditionExpression), names),
    ...attributeNames(text(body.FilterExpression), names),
    ...projected(body, names),
    ...Object.keys(keyConditions),
    ...Object.keys(record(body.QueryFilter)),
    ...Object.keys(record(body.ScanFilter)),
  ];
  const defaultSelect = hasProjection(body) ? 'SPECIFIC_ATTRIBUTES' : indexName ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES';
  return draft(operation, indexName ? `${table.arn}/index/${indexName}` : table.arn, {
    'dynamodb:LeadingKeys': leadingKeys && unique(leadingKeys),
    'dynamodb:Attributes': unique(attributes),
    'dynamodb:Select': text(body.Select) ?? defaultSelect,
    'dynamodb:ReturnConsumedCapacity': returnConsumedCapacity(body),
  });
}

function batchGetItem(body: Body, env: AwsEnvironment): DraftRequest[] {
  return Object.entries(record(body.RequestItems)).map(([tableName, entry]) => {
    const table = tableOf(tableName, env);
    const keysAndAttributes = record(entry);
    const names = record(keysAndAttributes.ExpressionAttributeNames) as Names;
    const keys = list(keysAndAttributes.Keys).map((key) => record(key) as Item);
    return draft('BatchGetItem', table.arn, {
      'dynamodb:LeadingKeys': unique(keys.flatMap((key) => leadingKey(table, key, env))),
      'dynamodb:Attributes': unique([...keys.flatMap((key) => Object.keys(key)), ...projected(keysAndAttributes, names)]),
      'dynamodb:Select': hasProjection(keysAndAttributes) ? 'SPECIFIC_ATTRIBUTES' : 'ALL_ATTRIBUTES',
      'dynamodb:ReturnConsumedCapacity': returnConsumedCapacity(body),
    });
  });
}

function batchWriteItem(body: Body, env: AwsEnvironment): DraftRequest[] {
  return Object.entries(record(body.RequestItems)).map(([tableName, writes]) => {
    const table = tableOf(tableName, env);
    const items = list(writes).map((write) => {
      const request = record(write);
      return record(request.PutRequest).Item
        ? (record(record(request.PutRequest).Item) as Item)
        : (record(record(request.DeleteRequest).Key) as Item);
    });
    return draft('BatchWriteItem', table.arn, {
      'dynamodb:LeadingKeys': unique(items.flatMap((item) => leadingKey(table, item, env))),
      'dynamodb:Attributes': unique(items.flatMap((item) => Object.keys(item))),
      'dynamodb:ReturnConsumedCapacity': returnConsumedCapacity(body),
    });
  });
}

const TRANSACT_WRITE_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

function transactWriteItems(body: Body, env: AwsEnvironment): DraftRequest[] {
  return list(body.TransactItems).map((entry) => {
    const [kind, operationBody] = Object.entries(record(entry))[0] ?? [];
    const action = kind ? TRANSACT_WRITE_ACTIONS[kind] : undefined;
    if (!action) throw new Error(`dynamodb: unknown TransactWriteItems entry ${kind}`);
    const itemBody = record(operationBody);
    const table = tableOf(itemBody.TableName, env);
    return draft(
      action,
      table.arn,
      itemContext(SINGLE_ITEM[action](table, itemBody, env), {
        'dynamodb:EnclosingOperation': 'TransactWriteItems',
        'dynamodb:ReturnConsumedCapacity': returnConsumedCapacity(body),
      }),
    );
  });
}

function transactGetItems(body: Body, env: AwsEnvironment): DraftRequest[] {
  return list(body.TransactItems).map((entry) => {
    const get = record(record(entry).Get);
    const table = tableOf(get.TableName, env);
    return draft(
      'GetItem',
      table.arn,
      itemContext(getItem(table, get, env), {
        'dynamodb:Select': hasProjection(get) ? 'SPECIFIC_ATTRIBUTES' : 'ALL_ATTRIBUTES',
        'dynamodb:EnclosingOperation': 'TransactGetItems',
        'dynamodb:ReturnConsumedCapacity': returnConsumedCapacity(body),
      }),
    );
  });
}

/** Table management and everything else: the operation's own action on the table (or `*` for account-wide calls). */
function tableOperation(operation: string, body: Body, env: AwsEnvironment): DraftRequest {
  const tags = Object.fromEntries(list(body.Tags).map((tag) => [String(record(tag).Key), String(record(tag).Value)]));
  const resource = body.TableName !== undefined ? tableOf(body.TableName, env).arn : (text(body.ResourceArn) ?? '*');
  return draft(operation, resource, requestTagContext(tags));
}

export function dynamodbRequests(call: AwsCall, env: AwsEnvironment): DraftOperation {
  const target = call.headers['x-amz-target'] ?? '';
  const operation = target.startsWith('DynamoDB_20120810.') ? target.slice('DynamoDB_20120810.'.length) : '';
  if (!operation) throw new Error(`dynamodb: not a DynamoDB JSON call (X-Amz-Target: ${target || 'none'})`);
  const body = jsonBody(call);
  if (operation in SINGLE_ITEM) return { operation, drafts: [singleItem(operation, body, env)] };
  if (operation === 'Query' || operation === 'Scan') return { operation, drafts: [readMany(operation, body, env)] };
  if (operation === 'BatchGetItem') return { operation, drafts: batchGetItem(body, env) };
  if (operation === 'BatchWriteItem') return { operation, drafts: batchWriteItem(body, env) };
  if (operation === 'TransactWriteItems') return { operation, drafts: transactWriteItems(body, env) };
  if (operation === 'TransactGetItems') return { operation, drafts: transactGetItems(body, env) };
  return { operation, drafts: [tableOperation(operation, body, env)] };
}
