// The twin's demo keys: one client per plan, kept in the persist folder so a restart prints the same keys.
import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PLAN_NAMES, type PlanName } from '../contracts/plans';
import { LOCAL_REGION, type LocalCredentials } from './fake-aws';

export interface DemoKey {
  readonly apiKey: string;
  readonly clientId: string;
  readonly plan: PlanName;
}

/** Reuses a kept key while its client is active with that key; creates a new client for every other plan. */
export async function seedDemoKeys(
  dynamoEndpoint: string,
  tableName: string,
  persist: string | undefined,
  credentials: LocalCredentials,
): Promise<Record<PlanName, DemoKey>> {
  const { createClient, getClient } = await import('../capabilities/customers/client-store');
  const { hashApiKey } = await import('../capabilities/customers/api-keys');
  const client = new DynamoDBClient({ endpoint: dynamoEndpoint, region: LOCAL_REGION, credentials });
  const store = { db: DynamoDBDocumentClient.from(client), tableName };
  const file = persist && path.join(persist, 'demo-keys.json');
  try {
    const kept: Partial<Record<PlanName, DemoKey>> = file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    const keys = {} as Record<PlanName, DemoKey>;
    for (const plan of PLAN_NAMES) {
      const previous = kept[plan];
      const record = previous && (await getClient(store, previous.clientId));
      if (previous && record?.status === 'active' && record.keyHash === hashApiKey(previous.apiKey)) {
        keys[plan] = previous;
      } else {
        keys[plan] = await createClient(store, { plan, name: `demo-${plan}` });
      }
    }
    if (file) fs.writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    return keys;
  } finally {
    client.destroy();
  }
}
