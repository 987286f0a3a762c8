// API key values: generation and hashing. Only the SHA-256 hash of a key is ever stored.
import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PATTERN, API_KEY_PREFIX, API_KEY_SECRET_LENGTH as SECRET_LENGTH } from '../../contracts/api-key-format';

export { API_KEY_PATTERN, API_KEY_PREFIX };
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Prefix of usage identifiers: API Gateway key values that are not client secrets. */
export const USAGE_IDENTIFIER_PREFIX = 'musg';

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(64)) {
      // Rejection sampling keeps every character equally likely (248 = 4 × 62).
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBase62(SECRET_LENGTH)}`;
}

/**
 * The value of the client's API Gateway key (the authorizer's `usageIdentifierKey`): independent of the
 * client's secret, so API Gateway never holds a credential; it only ties requests to a usage plan.
 */
export function generateUsageIdentifier(): string {
  return `${USAGE_IDENTIFIER_PREFIX}${randomBase62(SECRET_LENGTH)}`;
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** Cheap shape check before any lookup: rejects garbage without touching the table. */
export function looksLikeApiKey(value: unknown): value is string {
  return typeof value === 'string' && API_KEY_PATTERN.test(value);
}
