// The twin's Stripe: the emulator with a test key generated per start and held in memory only, served to the push
// (`npm run billing:push -- --local`) by the twin's Secrets Manager shim under TWIN_STRIPE_SECRET_ID, the way a stage
// serves its key from Secrets Manager. It creates the meter (`BILLING.stripe.eventName`) and one customer per demo
// client, and maps each demo client to its customer, so a push on the twin has somewhere to go.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BILLING } from '../../contracts/billing';
import { itemKey } from '../../contracts/table';
import { LOCAL_REGION, type LocalCredentials } from '../fake-aws';
import { startSecretsShim } from '../secrets/secrets-manager-shim';
import { startStripeEmulator, type StripeEmulator } from './stripe-emulator';

/** The secret's name on the twin (what a stage's `billingPush.stripeSecret` names on AWS). */
export const TWIN_STRIPE_SECRET_ID = 'metered-api-local/stripe-key';

export interface TwinStripe {
  readonly emulator: StripeEmulator;
  /** What the state file records: endpoints and the secret's name, never the key. */
  readonly state: { readonly endpoint: string; readonly secretsEndpoint: string; readonly secretId: string };
  /** One emulator customer per client, recorded on the client (as `npm run keys -- set-customer` would). */
  mapClients(dynamoEndpoint: string, tableName: string, credentials: LocalCredentials, clients: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

/** `sk_test_` and 32 random letters and digits: a Stripe-shaped test key that exists only in this process. */
function generateTestKey(): string {
  return `sk_test_${randomBytes(24)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 32)}`;
}

export async function startTwinStripe(options: {
  /** Access key ids whose Secrets Manager calls are answered (the twin's and the operator's). */
  readonly accessKeyIds: readonly string[];
}): Promise<TwinStripe> {
  const secret = generateTestKey();
  const emulator = await startStripeEmulator({ secret });
  const shim = await startSecretsShim({ secrets: new Map([[TWIN_STRIPE_SECRET_ID, secret]]), accessKeyIds: options.accessKeyIds }).catch(
    async (error: unknown) => {
      await emulator.stop();
      throw error;
    },
  );
  const post = async (path: string, form: Record<string, string>) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    if (!response.ok) throw new Error(`the Stripe emulator refused ${path}: ${response.status}`);
    return (await response.json()) as { id: string };
  };
  await post('/v1/billing/meters', {
    display_name: 'API units',
    event_name: BILLING.stripe.eventName,
    'default_aggregation[formula]': 'sum',
  });
  return {
    emulator,
    state: { endpoint: emulator.url, secretsEndpoint: shim.endpoint, secretId: TWIN_STRIPE_SECRET_ID },
    async mapClients(dynamoEndpoint: string, tableName: string, credentials: LocalCredentials, clients: readonly string[]) {
      const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamoEndpoint, region: LOCAL_REGION, credentials }));
      try {
        for (const clientId of clients) {
          const customer = await post('/v1/customers', { name: clientId });
          await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: itemKey.client(clientId),
              UpdateExpression: 'SET #customer = :customer',
              ExpressionAttributeNames: { '#customer': BILLING.stripe.customerAttribute },
              ExpressionAttributeValues: { ':customer': customer.id },
              ConditionExpression: 'attribute_exists(pk)',
            }),
          );
        }
      } finally {
        db.destroy();
      }
    },
    stop: async () => {
      await Promise.all([emulator.stop(), shim.stop()]);
    },
  };
}
