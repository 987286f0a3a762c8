// The daily quota an alert is measured against: a client's own override (`keys override`) where it has
// one, else its plan's (capabilities/customers/limits-in-force.ts). The aggregator reads the client record's
// override once per client per minute per container.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OverrideLimits } from '../../contracts/overrides';
import { itemKey } from '../../contracts/table';
import { clientOverride } from '../customers/client-store';
import { dailyQuotaInForce } from '../customers/limits-in-force';
import type { UsageTable } from '../usage/usage-reader';
import type { AlertDeps } from './threshold-crossings';

type QuotaFor = NonNullable<AlertDeps['quotaFor']>;

export function overrideAwareQuota(table: UsageTable, cacheMs = 60_000, now = Date.now): QuotaFor {
  const cache = new Map<string, { readonly override: OverrideLimits | undefined; readonly until: number }>();
  return async (total) => {
    let entry = cache.get(total.clientId);
    if (!entry || entry.until <= now()) {
      const { Item } = await table.db.send(
        new GetCommand({
          TableName: table.tableName,
          Key: itemKey.client(total.clientId),
          ProjectionExpression: '#override',
          ExpressionAttributeNames: { '#override': 'override' },
        }),
      );
      const stored = clientOverride.safeParse(Item?.override);
      entry = { override: stored.success ? stored.data : undefined, until: now() + cacheMs };
      cache.set(total.clientId, entry);
    }
    return dailyQuotaInForce({ plan: total.plan, override: total.override ?? entry.override });
  };
}
