// The twin's counterpart of CreateApiKey and DeleteApiKey for the keys CLI in another process (`keys create
// --local`): POST /_twin/api-keys registers a usage key, DELETE /_twin/api-keys undoes it (a create whose
// table write failed). API Gateway's refusals come back as 429 problem+json with its x-amzn-ErrorType.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../../contracts/gateway-responses';
import { SECURITY_HEADERS } from '../../contracts/security-headers';
import { type ApiKeys, isApiKeyLimitError } from './api-keys';
import { readManagementBody } from './revocations';

export const TWIN_API_KEYS_PATH = '/_twin/api-keys';

const apiKeyValue = z.object({ value: z.string().min(20).max(128) });

export async function handleApiKeyCreation(req: IncomingMessage, res: ServerResponse, apiKeys: ApiKeys): Promise<number> {
  const parsed = await readManagementBody(req, res, apiKeyValue, 'Expected { value }.');
  if (!parsed) return 400;
  try {
    apiKeys.create(parsed.value);
  } catch (error) {
    if (!isApiKeyLimitError(error)) throw error;
    const requestId = randomUUID();
    const throttled = error.name === 'TooManyRequestsException';
    const body = JSON.stringify({
      type: `${PROBLEM_TYPE_BASE}${throttled ? 'create-api-key-throttled' : 'api-key-limit-exceeded'}`,
      title: 'Too Many Requests',
      status: 429,
      detail: error.message,
      requestId,
    });
    res.writeHead(429, {
      ...SECURITY_HEADERS,
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'x-amzn-ErrorType': error.name,
      'x-amzn-RequestId': requestId,
      ...(error.retryAfterSeconds ? { 'Retry-After': error.retryAfterSeconds } : {}),
    });
    res.end(body);
    return 429;
  }
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ apiKeys: apiKeys.count }));
  return 201;
}

export async function handleApiKeyDeletion(req: IncomingMessage, res: ServerResponse, apiKeys: ApiKeys): Promise<number> {
  const parsed = await readManagementBody(req, res, apiKeyValue, 'Expected { value }.');
  if (!parsed) return 400;
  const deleted = apiKeys.delete(parsed.value);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ deleted, apiKeys: apiKeys.count }));
  return 200;
}
