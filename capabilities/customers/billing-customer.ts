// Links a client to its Stripe customer (the attribute the `stripe` statement export reads), on the
// key and client records together.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { STRIPE_CUSTOMER_ID } from '../../contracts/admin/client-fields';
import { BILLING } from '../../contracts/billing';
import { itemKey } from '../../contracts/table';
import { clientKeyHashes, getClient, UnknownClientError, type ClientStore } from './client-store';

export class BadCustomerIdError extends Error {
  constructor() {
    super('the Stripe customer id must look like cus_ followed by letters and digits');
    this.name = 'BadCustomerIdError';
  }
}

export async function setBillingCustomer(store: ClientStore, clientId: string, customerId: string): Promise<void> {
  if (!STRIPE_CUSTOMER_ID.test(customerId)) throw new BadCustomerIdError();
  const client = await getClient(store, clientId);
  if (!client) throw new UnknownClientError(clientId);
  const update = {
    TableName: store.tableName,
    UpdateExpression: 'SET #customer = :customer',
    ExpressionAttributeNames: { '#customer': BILLING.stripe.customerAttribute },
    ExpressionAttributeValues: { ':customer': customerId },
  };
  await store.db.send(
    new TransactWriteCommand({
      TransactItems: [
        // Every key of the client, so a key still in its grace period (`keys rotate`) follows too.
        ...clientKeyHashes(client).map((hash) => ({ Update: { ...update, Key: itemKey.apiKey(hash) } })),
        { Update: { ...update, Key: itemKey.client(clientId) } },
      ],
    }),
  );
}
