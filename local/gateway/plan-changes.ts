// The twin's counterpart of `FlushStageAuthorizersCache` after `keys set-plan`: a management route
// (twin-management.ts: loopback, admin token, JSON) that drops the client's cached authorizer results, so its new plan (limits, routes, analytics) applies from
// the next request instead of after the cache TTL.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { RequestAuthorizer } from './authorizer';
import { readManagementBody } from './revocations';

export const TWIN_PLAN_CHANGES_PATH = '/_twin/plan-changes';

const planChange = z.object({ clientId: z.string().min(1).max(128) });

export async function handlePlanChange(
  req: IncomingMessage,
  res: ServerResponse,
  gateway: { readonly authorizer: RequestAuthorizer },
): Promise<number> {
  const parsed = await readManagementBody(req, res, planChange, 'Expected { clientId }.');
  if (!parsed) return 400;
  const dropped = gateway.authorizer.forgetPrincipal(parsed.clientId);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ clientId: parsed.clientId, cacheEntriesDropped: dropped }));
  return 200;
}
