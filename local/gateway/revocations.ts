// The twin's counterpart of `UpdateApiKey enabled=false` + `FlushStageAuthorizersCache`: a loopback-only
// route the keys CLI calls on revoke, so a revoked key is refused at once instead of after the cache TTL.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { RequestAuthorizer } from './authorizer';
import type { UsagePlans } from './usage-plans';

export const TWIN_REVOCATIONS_PATH = '/_twin/revocations';

const revocation = z.object({ clientId: z.string().min(1).max(128), usageKey: z.string().min(1).max(128) });

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopback(req: IncomingMessage): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? '');
}

/** Applies one revocation: the client's cached authorizer results are dropped and its usage key disabled. */
export async function handleRevocation(
  req: IncomingMessage,
  res: ServerResponse,
  gateway: { readonly authorizer: RequestAuthorizer; readonly usagePlans: UsagePlans },
): Promise<number> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= 4096) chunks.push(chunk);
  }
  let parsed: z.ZodSafeParseResult<z.infer<typeof revocation>>;
  try {
    parsed = revocation.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  } catch {
    parsed = revocation.safeParse(undefined);
  }
  if (size > 4096 || !parsed.success) {
    res.writeHead(400, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'Expected { clientId, usageKey }.' }));
    return 400;
  }
  gateway.usagePlans.disableKey(parsed.data.usageKey);
  const dropped = gateway.authorizer.forgetPrincipal(parsed.data.clientId);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ clientId: parsed.data.clientId, cacheEntriesDropped: dropped, usageKeyDisabled: true }));
  return 200;
}
