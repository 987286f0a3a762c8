// The twin's stand-ins for IAM on its own routes: random tokens made at every start, printed by `npm start` and
// kept in the state file, sent as `Authorization: Bearer <token>`: the admin token (admin API, management
// routes) and the dashboard's read-only token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ADMIN_TOKEN_PREFIX = 'mtadm_';

export function generateAdminToken(): string {
  return `${ADMIN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The dashboard's read-only token: it shows clients and counts, and changes nothing. */
export function generateDashboardToken(): string {
  return `mtdash_${randomBytes(32).toString('base64url')}`;
}

export type TokenCheck = 'valid' | 'missing' | 'invalid';

/** Checks an Authorization header against the token in constant time (digests of equal length). */
export function checkAdminToken(authorization: string | undefined, token: string): TokenCheck {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return 'missing';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(token)) ? 'valid' : 'invalid';
}
