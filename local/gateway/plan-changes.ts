// The twin's counterpart of `FlushStageAuthorizersCache` after `keys set-plan`: a loopback-only route that
// drops the client's cached authorizer results, so its new plan (limits, routes, analytics) applies from
// the next request instead of after the cache TTL.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { RequestAuthorizer } from './authorizer';

export const TWIN_PLAN_CHANGES_PATH = '/_twin/plan-changes';

const planChange = z.object({ clientId: z.string().min(1).max(128) });

export async function handlePlanChange(
  req: IncomingMessage,
  res: ServerResponse,
  gateway: { readonly authorizer: RequestAuthorizer },
): Promise<number> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= 4096) chunks.push(chunk);
  }
  let parsed: z.ZodSafeParseResult<z.infer<typeof planChange>>;
  try {
    parsed = planChange.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  } catch {
    parsed = planChange.safeParse(undefined);
  }
  if (size > 4096 || !parsed.success) {
    res.writeHead(400, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'Expected { clientId }.' }));
    return 400;
  }
  const dropped = gateway.authorizer.forgetPrincipal(parsed.data.clientId);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ clientId: parsed.data.clientId, cacheEntriesDropped: dropped }));
  return 200;
}
