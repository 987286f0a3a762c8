// Clients one page at a time, for the admin API: one Query on the client registry per page, resumed from
// an opaque cursor (the last client id of the previous page, base64url-encoded).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CLIENTS_PK, itemKey } from '../../contracts/table';
import { type ClientRecord, type ClientStore, clientRecord, type MalformedRecord } from './client-store';

export interface ClientPage {
  readonly clients: ClientRecord[];
  /** Absent on the last page (a page may be empty when the previous one ended exactly on the last client). */
  readonly nextCursor?: string;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this route returned');
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(clientId: string): string {
  return Buffer.from(clientId, 'utf8').toString('base64url');
}

/** The client id a cursor resumes after; throws InvalidCursorError for anything this route did not make. */
export function decodeCursor(cursor: string): string {
  const clientId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[\x21-\x7e]{1,128}$/.test(clientId) || encodeCursor(clientId) !== cursor) throw new InvalidCursorError();
  return clientId;
}

/** Up to `limit` clients in id order after the cursor's; malformed records are skipped and reported, never fatal. */
export async function listClientPage(
  store: ClientStore,
  page: { readonly limit: number; readonly cursor?: string },
  onMalformed?: (record: MalformedRecord) => void,
): Promise<ClientPage> {
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const result = await store.db.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': CLIENTS_PK },
      Limit: page.limit,
      ExclusiveStartKey: after === undefined ? undefined : itemKey.client(after),
    }),
  );
  const clients: ClientRecord[] = [];
  for (const item of result.Items ?? []) {
    const parsed = clientRecord.safeParse(item);
    if (parsed.success) clients.push(parsed.data);
    else onMalformed?.({ pk: String(item.pk ?? ''), sk: String(item.sk ?? ''), fields: parsed.error.issues.map((i) => i.path.join('.')) });
  }
  const lastSk = result.LastEvaluatedKey?.sk;
  const lastId = typeof lastSk === 'string' ? lastSk.slice(itemKey.client('').sk.length) : undefined;
  return { clients, ...(lastId ? { nextCursor: encodeCursor(lastId) } : {}) };
}
