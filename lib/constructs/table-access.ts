// Least-privilege table grants: each function gets only the actions it uses, on only the item
// types (partition key prefixes) it touches, through IAM's dynamodb:LeadingKeys condition.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'] as const;
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;

export interface ItemAccess {
  readonly actions: readonly string[];
  /** Partition key patterns (`USAGE#*`, `CLIENTS`): every key a request touches must match one. */
  readonly leadingKeys: readonly string[];
  /** Only these attributes may be read (a ProjectionExpression naming them is then required). */
  readonly attributes?: readonly string[];
}

/** Adds one statement per access to the grantee's policy; never Scan, never the whole table. */
export function grantItems(table: dynamodb.ITableV2, grantee: iam.IGrantable, ...accesses: readonly ItemAccess[]): void {
  for (const access of accesses) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...access.actions],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.leadingKeys] },
          ...(access.attributes
            ? {
                'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...access.attributes] },
                StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
              }
            : {}),
        },
      }),
    );
  }
  // Customer-managed key, if any (the SDK needs it for every item call).
  table.encryptionKey?.grantEncryptDecrypt(grantee);
}
