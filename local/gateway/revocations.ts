// The twin's counterpart of `UpdateApiKey enabled=false` + `FlushStageAuthorizersCache`: a management route
// (twin-management.ts: loopback, admin token, JSON) the keys CLI calls on revoke, so a revoked key is refused at
// once instead of after the cache TTL. Without a usage key it only drops the client's cached results
// (`keys rotate --grace 0`, whose AWS counterpart is `FlushStageAuthorizersCache` alone).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../../contracts/gateway-responses';
import { SECURITY_HEADERS } from '../../contracts/security-headers';
import type { RequestAuthorizer } from './authorizer';
import type { UsagePlans } from './usage-plans';

export const TWIN_REVOCATIONS_PATH = '/_twin/revocations';

const revocation = z.object({ clientId: z.string().min(1).max(128), usageKey: z.string().min(1).max(128).optional() });

/** Applies one revocation: the client's cached authorizer results are dropped and its usage key disabled. */
export async function handleRevocation(
  req: IncomingMessage,
  res: ServerResponse,
  gateway: { readonly authorizer: RequestAuthorizer; readonly usagePlans: UsagePlans },
): Promise<number> {
  const parsed = await readManagementBody(req, res, revocation, 'Expected { clientId, usageKey? }.');
  if (!parsed) return 400;
  const { clientId, usageKey } = parsed;
  if (usageKey) gateway.usagePlans.disableKey(usageKey);
  const dropped = gateway.authorizer.forgetPrincipal(clientId);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ clientId, cacheEntriesDropped: dropped, usageKeyDisabled: usageKey !== undefined }));
  return 200;
}

/**
 * The JSON body of a twin management request (at most 4 KiB), parsed by `schema`; otherwise a 400 problem is
 * answered (saying what was expected, never echoing the body) and `undefined` returned.
 */
export async function readManagementBody<T>(
  req: IncomingMessage,
  res: ServerResponse,
  schema: z.ZodType<T>,
  expected: string,
): Promise<T | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= 4096) chunks.push(chunk);
  }
  let parsed: z.ZodSafeParseResult<T>;
  try {
    parsed = schema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  } catch {
    parsed = schema.safeParse(undefined);
  }
  if (size <= 4096 && parsed.success) return parsed.data;
  const requestId = randomUUID();
  res.writeHead(400, { ...SECURITY_HEADERS, 'Content-Type': PROBLEM_CONTENT_TYPE, 'x-amzn-RequestId': requestId });
  res.end(JSON.stringify({ type: `${PROBLEM_TYPE_BASE}invalid-request`, title: 'Bad Request', status: 400, detail: expected, requestId }));
  return undefined;
}
