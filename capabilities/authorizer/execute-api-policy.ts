// How API Gateway evaluates a Lambda authorizer's policy for one request: IAM rules for `execute-api:Invoke`
// against the request's method ARN. Shared by the authorizer's policy builder (self-check) and the twin.

export interface PolicyStatement {
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement?: readonly unknown[];
}

/** An explicit Deny wins, else an Allow must match, else the request is denied (implicit deny). */
export function isAllowed(policy: PolicyDocument | undefined, methodArn: string): boolean {
  let allowed = false;
  for (const statement of policy?.Statement ?? []) {
    const s = statement as PolicyStatement;
    const actions = ([] as string[]).concat(s.Action ?? []);
    const resources = ([] as string[]).concat(s.Resource ?? []);
    const actionMatches = actions.some((a) => wildcardMatch(a, 'execute-api:Invoke'));
    const resourceMatches = resources.some((r) => wildcardMatch(r, methodArn));
    if (!actionMatches || !resourceMatches) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

/**
 * IAM wildcards: `*` is any run of characters, `/` included (so `GET/v1/items/*` also matches
 * `GET/v1/items/1/secret`), `?` is one character. Case-insensitive, as the twin always matched.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.split('?').map(escapeRegex).join('.'))
      .join('.*')}$`,
    'i',
  );
  return regex.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
