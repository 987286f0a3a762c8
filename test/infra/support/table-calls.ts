// A recording stand-in for the DynamoDB document client: it answers reads from a few seeded items (and the items
// written since), and records every item call as IAM sees it (the action and the partition key each item
// touches, a transaction item by item), so a test can check the calls against a role's statements in the template.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Statement } from './template';

type Item = Record<string, unknown> & { pk: string; sk: string };

/** One item access as IAM authorizes it: `dynamodb:<Action>` on one partition key, with the attributes it projects. */
export interface TableCall {
  readonly action: string;
  readonly pk: string;
  /** Top-level attribute names of a ProjectionExpression; undefined when the call reads whole items. */
  readonly attributes?: readonly string[];
}

export interface RecordingTable {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly calls: TableCall[];
}

const keyOf = (key: { pk: unknown; sk: unknown }) => `${String(key.pk)}\u0000${String(key.sk)}`;

function projected(input: { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }): string[] | undefined {
  if (!input.ProjectionExpression) return undefined;
  return input.ProjectionExpression.split(',').map((path) => {
    const top = path.trim().split(/[.[]/)[0];
    return input.ExpressionAttributeNames?.[top] ?? top;
  });
}

/** A table holding `seed`; Put, Delete and transaction Puts change it, Updates answer ALL_NEW with the stored item. */
export function recordingTable(seed: readonly Item[], tableName = 'usage'): RecordingTable {
  const items = new Map(seed.map((item) => [keyOf(item), { ...item }]));
  const calls: TableCall[] = [];
  const record = (action: string, pk: unknown, attributes?: string[]) =>
    calls.push({ action: `dynamodb:${action}`, pk: String(pk), attributes });
  const send = async (command: { constructor: { name: string }; input: any }) => {
    const input = command.input;
    switch (command.constructor.name) {
      case 'GetCommand':
        record('GetItem', input.Key.pk, projected(input));
        return { Item: items.get(keyOf(input.Key)) };
      case 'BatchGetCommand': {
        const keys = input.RequestItems[tableName].Keys as Item[];
        for (const key of keys) record('BatchGetItem', key.pk);
        return { Responses: { [tableName]: keys.map((key) => items.get(keyOf(key))).filter(Boolean) } };
      }
      case 'QueryCommand': {
        const values = input.ExpressionAttributeValues as Record<string, unknown>;
        const pk = values[':pk'];
        record('Query', pk, projected(input));
        const [start, end] = [values[':start'], values[':end']] as (string | undefined)[];
        const found = [...items.values()]
          .filter((item) => item.pk === pk && (start === undefined || (item.sk >= start && item.sk <= (end ?? '\uffff'))))
          .sort((a, b) => (a.sk < b.sk ? -1 : 1));
        return { Items: found };
      }
      case 'PutCommand':
        record('PutItem', input.Item.pk);
        items.set(keyOf(input.Item), { ...input.Item });
        return {};
      case 'UpdateCommand':
        record('UpdateItem', input.Key.pk);
        return { Attributes: { ...items.get(keyOf(input.Key)), ...input.Key } };
      case 'DeleteCommand':
        record('DeleteItem', input.Key.pk);
        items.delete(keyOf(input.Key));
        return {};
      case 'TransactWriteCommand':
        for (const entry of input.TransactItems) {
          if (entry.Put) {
            record('PutItem', entry.Put.Item.pk);
            items.set(keyOf(entry.Put.Item), { ...entry.Put.Item });
          }
          if (entry.Update) record('UpdateItem', entry.Update.Key.pk);
          if (entry.Delete) record('DeleteItem', entry.Delete.Key.pk);
          if (entry.ConditionCheck) record('ConditionCheckItem', entry.ConditionCheck.Key.pk);
        }
        return {};
      default:
        throw new Error(`the recording table does not know ${command.constructor.name}`);
    }
  };
  return { db: { send } as unknown as DynamoDBDocumentClient, tableName, calls };
}

const like = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);

/**
 * Whether an Allow statement on the table grants the call: its action, every condition this stack's table
 * statements use (LeadingKeys, Attributes, Select), and nothing else (an unknown condition never matches).
 */
export function grants(statement: Statement, tableLogicalId: string, call: TableCall): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (!([] as string[]).concat(statement.Action).includes(call.action)) return false;
  if (!JSON.stringify(statement.Resource).includes(`"${tableLogicalId}"`)) return false;
  for (const [operator, keys] of Object.entries((statement.Condition ?? {}) as Record<string, Record<string, string | string[]>>)) {
    for (const [key, expected] of Object.entries(keys)) {
      const allowed = ([] as string[]).concat(expected);
      if (operator === 'ForAllValues:StringLike' && key === 'dynamodb:LeadingKeys') {
        if (!allowed.some((pattern) => like(pattern, call.pk))) return false;
      } else if (operator === 'ForAllValues:StringEquals' && key === 'dynamodb:Attributes') {
        // A read of whole items is refused here (conservative): only a projection within the list passes.
        if (!call.attributes?.every((a) => allowed.includes(a))) return false;
      } else if (operator === 'StringEqualsIfExists' && key === 'dynamodb:Select') {
        if (call.attributes === undefined && !allowed.includes('ALL_ATTRIBUTES')) return false;
      } else {
        return false;
      }
    }
  }
  return true;
}

/** The calls no statement grants, as `action pk-family` lines (empty when everything is covered). */
export function ungranted(calls: readonly TableCall[], statements: readonly Statement[], tableLogicalId: string): string[] {
  const missing = calls
    .filter((call) => !statements.some((s) => grants(s, tableLogicalId, call)))
    .map((call) => `${call.action} ${call.pk.replace(/#.*/, '#…')}${call.attributes ? ` [${call.attributes.join(', ')}]` : ''}`);
  return [...new Set(missing)].sort();
}
