// The billing push's ledger in the table: per client and day, the units the provider confirmed (`sent`), every
// record sent with the provider's answer, and at most one `pending` record whose outcome is not known yet. Each write
// is conditional on what was read, so two pushes at once cannot both send for the same client-day.
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../contracts/table';
import { queryPages } from '../aws/query-pages';
import type { UsageTable } from '../usage/usage-reader';

export interface LedgerRecord {
  readonly identifier: string;
  readonly value: number;
  /** ISO time the record was written as pending. */
  readonly at: string;
  /** How it ended: `accepted`, `duplicate` (the provider already had it), `found` (read back from the provider). */
  readonly answer?: string;
}

export interface LedgerDay {
  readonly clientId: string;
  readonly day: string;
  readonly customer: string;
  /** Units the provider has for this client-day, by the records confirmed. */
  readonly sent: number;
  /** Records started (identifiers are `<clientId>_<day>_<seq>`). */
  readonly seq: number;
  readonly records: readonly LedgerRecord[];
  readonly pending?: LedgerRecord;
}

/** Every ledger day of a client (one Query on its partition), keyed by day. */
export async function readLedger(table: UsageTable, clientId: string): Promise<Map<string, LedgerDay>> {
  const days = new Map<string, LedgerDay>();
  for await (const page of queryPages(table.db, {
    TableName: table.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': itemKey.billingDay(clientId, '').pk },
    ConsistentRead: true,
  })) {
    for (const item of page.Items ?? []) days.set(item.day as string, item as unknown as LedgerDay);
  }
  return days;
}

/**
 * Writes `record` as the day's pending record, if the day is still as read (`seq`) and nothing is pending, with the
 * customer it goes to.
 */
export async function startRecord(
  table: UsageTable,
  day: LedgerDay | undefined,
  entry: Omit<LedgerDay, 'sent' | 'seq' | 'records'>,
  record: LedgerRecord,
): Promise<void> {
  if (!day) {
    await table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...itemKey.billingDay(entry.clientId, entry.day), ...entry, sent: 0, seq: 1, records: [], pending: record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return;
  }
  await table.db.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: itemKey.billingDay(day.clientId, day.day),
      UpdateExpression: 'SET pending = :record, seq = :next, customer = :customer',
      ConditionExpression: 'seq = :seq AND attribute_not_exists(pending)',
      ExpressionAttributeValues: { ':record': record, ':seq': day.seq, ':next': day.seq + 1, ':customer': entry.customer },
    }),
  );
}

/** The pending record landed: add its value to `sent`, keep it with its answer, clear `pending`. */
export async function confirmRecord(table: UsageTable, clientId: string, day: string, record: LedgerRecord, answer: string): Promise<void> {
  await table.db.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: itemKey.billingDay(clientId, day),
      UpdateExpression: 'SET sent = sent + :value, records = list_append(records, :records) REMOVE pending',
      ConditionExpression: 'pending.identifier = :identifier',
      ExpressionAttributeValues: { ':value': record.value, ':records': [{ ...record, answer }], ':identifier': record.identifier },
    }),
  );
}

/** The pending record certainly did not land (refused, or read back as absent): clear it, keeping why. */
export async function dropRecord(table: UsageTable, clientId: string, day: string, record: LedgerRecord, answer: string): Promise<void> {
  await table.db.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: itemKey.billingDay(clientId, day),
      UpdateExpression: 'SET records = list_append(records, :records) REMOVE pending',
      ConditionExpression: 'pending.identifier = :identifier',
      ExpressionAttributeValues: { ':records': [{ ...record, answer }], ':identifier': record.identifier },
    }),
  );
}
