// Table access by intent: a grant says which item families (contracts/table.ts) a principal reads, writes or
// deletes; this file turns that into statements scoped by IAM's dynamodb:LeadingKeys. No key literal lives in lib/.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { type ItemFamily, leadingKeyPattern } from '../../contracts/table';

/**
 * The actions of each intent. A transaction item is authorized as its own action (Put, Update, Delete), so
 * a transaction needs no action of its own. Never Scan, never BatchWriteItem, never ConditionCheckItem (no
 * code uses them).
 */
export const INTENT_ACTIONS = {
  /** Items by key and whole partitions: GetItem, BatchGetItem and Query. */
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  /** Items by key only (the caller knows each key; it cannot list a partition): GetItem. */
  get: ['dynamodb:GetItem'],
  /** PutItem and UpdateItem (conditional or not, alone or in a transaction). */
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  /** UpdateItem only (conditional or not): counters taken in place, never an item replaced. */
  update: ['dynamodb:UpdateItem'],
  delete: ['dynamodb:DeleteItem'],
  /** GetItem of named attributes only (a ProjectionExpression naming them is then required). */
  getAttributes: ['dynamodb:GetItem'],
} as const;

export interface TableIntents {
  readonly read?: readonly ItemFamily[];
  readonly get?: readonly ItemFamily[];
  readonly write?: readonly ItemFamily[];
  readonly update?: readonly ItemFamily[];
  readonly delete?: readonly ItemFamily[];
  /** Point reads of these attributes of these families, nothing else of them. */
  readonly getAttributes?: { readonly families: readonly ItemFamily[]; readonly attributes: readonly string[] };
}

/** One statement per intent: its actions on the table, every key of a request within the intent's families. */
export function tableStatements(tableArn: string, intents: TableIntents): iam.PolicyStatement[] {
  const statement = (actions: readonly string[], families: readonly ItemFamily[], extra: Record<string, unknown> = {}) => {
    if (families.length === 0) throw new Error('a table grant names at least one item family: got none');
    return new iam.PolicyStatement({
      actions: [...actions],
      resources: [tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': families.map(leadingKeyPattern) }, ...extra },
    });
  };
  const statements: iam.PolicyStatement[] = [];
  if (intents.read?.length) statements.push(statement(INTENT_ACTIONS.read, intents.read));
  if (intents.get?.length) statements.push(statement(INTENT_ACTIONS.get, intents.get));
  if (intents.getAttributes) {
    const { families, attributes } = intents.getAttributes;
    statements.push(
      statement(INTENT_ACTIONS.getAttributes, families, {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...attributes] },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      }),
    );
  }
  if (intents.write?.length) statements.push(statement(INTENT_ACTIONS.write, intents.write));
  if (intents.update?.length) statements.push(statement(INTENT_ACTIONS.update, intents.update));
  if (intents.delete?.length) statements.push(statement(INTENT_ACTIONS.delete, intents.delete));
  if (statements.length === 0) throw new Error('a table grant needs at least one intent: got none');
  return statements;
}

/** Adds the intents' statements to the grantee's policy, and the table's customer-managed key if it has one. */
export function grantTable(table: dynamodb.ITableV2, grantee: iam.IGrantable, intents: TableIntents): void {
  for (const statement of tableStatements(table.tableArn, intents)) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  table.encryptionKey?.grantEncryptDecrypt(grantee);
}
