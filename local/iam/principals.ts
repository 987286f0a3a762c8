// Whom a resource-based statement's Principal or NotPrincipal names: everyone, this principal itself, or its account.
// Naming the account delegates to the account's own IAM policies (IAM User Guide, reference_policies_elements_principal:
// "This delegates authority to the account"); only naming the principal (or everyone) grants by itself.
import type { PrincipalBlock } from './policy-types';

/** `direct`: the block names this principal or everyone. `account`: it names only the principal's account. */
export type PrincipalMatch = 'direct' | 'account' | 'none';

/** The account of an IAM or STS ARN (`arn:aws:iam::123456789012:role/x` → `123456789012`), or undefined. */
export function accountOf(principal: string): string | undefined {
  const parts = principal.split(':');
  return parts.length >= 6 && parts[0] === 'arn' ? parts[4] : undefined;
}

/**
 * The ARNs a principal is known by: a role session (`arn:aws:sts::a:assumed-role/name/session`) is also its role
 * (`arn:aws:iam::a:role/name`), which is what resource policies and aws:PrincipalArn name.
 */
export function principalArns(principal: string): readonly string[] {
  const session = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/.+$/.exec(principal);
  return session ? [principal, `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`] : [principal];
}

/** The role ARN behind a role session, or the principal itself: the value AWS gives aws:PrincipalArn. */
export function principalArn(principal: string): string {
  return principalArns(principal).at(-1)!;
}

const asList = (value: string | readonly string[]): readonly string[] => (typeof value === 'string' ? [value] : value);

export function matchPrincipal(block: PrincipalBlock | undefined, principal: string): PrincipalMatch {
  if (block === undefined) return 'none';
  if (block === '*') return 'direct';
  const names = principalArns(principal);
  const account = accountOf(principal);
  const partition = principal.split(':')[1] ?? 'aws';
  let match: PrincipalMatch = 'none';
  for (const [type, values] of Object.entries(block)) {
    for (const value of asList(values)) {
      if (type === 'AWS') {
        if (value === '*' || names.includes(value)) return 'direct';
        if (account && (value === account || value === `arn:${partition}:iam::${account}:root`)) match = 'account';
      } else if (type === 'Service' && value === principal) {
        return 'direct';
      }
    }
  }
  return match;
}
