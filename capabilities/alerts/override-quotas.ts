// The daily quota an alert is measured against: a client's own override (`keys override`) where it has
// one, else its plan's. The aggregator reads the client record once per client per minute per container.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '../../contracts/table';
import type { UsageTable } from '../usage/usage-reader';
import type { AlertDeps } from './threshold-crossings';

type QuotaFor = NonNullable<AlertDeps['quotaFor']>;

export function overrideAwareQuota(table: UsageTable, planQuota: QuotaFor, cacheMs = 60_000, now = Date.now): QuotaFor {
  const cache = new Map<string, { readonly quota: number | undefined; readonly until: number }>();
  return async (clientId, plan) => {
    let entry = cache.get(clientId);
    if (!entry || entry.until <= now()) {
      const { Item } = await table.db.send(
        new GetCommand({
          TableName: table.tableName,
          Key: itemKey.client(clientId),
          ProjectionExpression: '#override.dailyQuota',
          ExpressionAttributeNames: { '#override': 'override' },
        }),
      );
      const quota = (Item?.override as { dailyQuota?: unknown } | undefined)?.dailyQuota;
      entry = { quota: typeof quota === 'number' && quota > 0 ? quota : undefined, until: now() + cacheMs };
      cache.set(clientId, entry);
    }
    return entry.quota ?? planQuota(clientId, plan);
  };
}
