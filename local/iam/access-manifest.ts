// The access manifest: every (principal, action, resource, condition values) the code was seen to use on the
// twin with the IAM check on, merged from the twins' records (TWIN_IAM_RECORD) into docs/access-manifest.json,
// and its comparison with the template's grants both ways (test/local/iam/access-manifest.test.ts).
import type { GrantUse } from './iam-proxy';
import { evaluate } from './policy-engine';
import type { ConditionValue, PolicyStatement } from './policy-types';
import type { StackAccess } from './stack-policies';

export interface ManifestEntry {
  /** A twin function id, or `operator`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The table's item family (`PLANS#`, or a whole key like `CLIENTS`), for DynamoDB calls. */
  readonly keyFamily?: string;
  /** The request's other condition keys (`dynamodb:Select`, `events:source`…) as first seen. */
  readonly context?: Readonly<Record<string, ConditionValue>>;
}

const KEY = (entry: ManifestEntry) => `${entry.principal} ${entry.action} ${entry.resource} ${entry.keyFamily ?? ''}`;

/** Merges uses into a sorted list without duplicates. */
export function mergeUses(uses: Iterable<GrantUse | ManifestEntry>): ManifestEntry[] {
  const byKey = new Map<string, ManifestEntry>();
  for (const use of uses) {
    const entry: ManifestEntry = {
      principal: use.principal,
      action: use.action,
      resource: use.resource,
      ...(use.keyFamily ? { keyFamily: use.keyFamily } : {}),
      ...(use.context ? { context: use.context } : {}),
    };
    if (!byKey.has(KEY(entry))) byKey.set(KEY(entry), entry);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
}

function principalOf(access: StackAccess, principal: string) {
  if (principal === 'operator') {
    return {
      arn: `arn:aws:iam::${access.account}:role/metered-api-${access.stage}-operator`,
      policies: Object.values(access.operators).flat(),
    };
  }
  const fn = access.functions[principal];
  if (!fn) throw new Error(`the manifest names ${principal}, which is not a function of the stack`);
  return { arn: fn.roleArn, policies: fn.policies };
}

/**
 * Whether the template still allows a recorded use. The request is rebuilt with the recorded key family
 * (`FAMILY#…`) and the other condition keys as they were recorded.
 */
export function isAllowed(access: StackAccess, entry: ManifestEntry): { allowed: boolean; reason: string } {
  const { arn, policies } = principalOf(access, entry.principal);
  const decision = evaluate(
    {
      principal: arn,
      action: entry.action,
      resource: entry.resource,
      context: {
        'aws:SecureTransport': true,
        'aws:RequestedRegion': access.region,
        ...(entry.keyFamily ? { 'dynamodb:LeadingKeys': [sampleKey(entry.keyFamily)] } : {}),
        ...entry.context,
      },
    },
    {
      identity: policies,
      resource: access.resourcePolicies[entry.resource] ?? access.resourcePolicies[entry.resource.replace(/\/.*$/, '')],
    },
  );
  return { allowed: decision.decision === 'Allow', reason: decision.reason };
}

/** A key of the family: `PLANS#` → `PLANS#manifest`; a whole key stays itself. */
const sampleKey = (family: string) => (family.endsWith('#') ? `${family}manifest` : family);

const list = <T>(value: T | readonly T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? [...value] : [value as T]);

/** One grant of the template, as fine as the manifest: a principal's action, with a key pattern for the table. */
export interface Grant {
  readonly principal: string;
  readonly action: string;
  readonly keyPattern?: string;
  readonly sid?: string;
}

/** Every Allow (principal, action, leading-key pattern) of the functions' and the operators' identity policies. */
export function grantsOf(access: StackAccess): Grant[] {
  const principals: Array<[string, readonly { Statement: PolicyStatement | readonly PolicyStatement[] }[]]> = [
    ...Object.entries(access.functions).map(([id, fn]) => [id, fn.policies] as [string, typeof fn.policies]),
    ['operator', Object.values(access.operators).flat()],
  ];
  const grants: Grant[] = [];
  for (const [principal, policies] of principals) {
    for (const policy of policies) {
      for (const statement of list(policy.Statement)) {
        if (statement.Effect !== 'Allow') continue;
        const patterns = Object.values(statement.Condition ?? {}).flatMap((keys) =>
          Object.entries(keys)
            .filter(([key]) => key.toLowerCase() === 'dynamodb:leadingkeys')
            .flatMap(([, values]) => list(values as string | readonly string[]).map(String)),
        );
        for (const action of list(statement.Action)) {
          if (patterns.length === 0) grants.push({ principal, action, sid: statement.Sid });
          for (const keyPattern of patterns) grants.push({ principal, action, keyPattern, sid: statement.Sid });
        }
      }
    }
  }
  return grants;
}

const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );

/** The grants no manifest entry uses: each needs a stated reason, or it should go. */
export function unusedGrants(access: StackAccess, manifest: readonly ManifestEntry[]): Grant[] {
  return grantsOf(access).filter(
    (grant) =>
      !manifest.some(
        (entry) =>
          entry.principal === grant.principal &&
          wildcard(grant.action).test(entry.action) &&
          (grant.keyPattern === undefined ||
            (entry.keyFamily !== undefined && wildcard(grant.keyPattern).test(sampleKey(entry.keyFamily)))),
      ),
  );
}

export const grantKey = (grant: Grant) => `${grant.principal} ${grant.action}${grant.keyPattern ? ` ${grant.keyPattern}` : ''}`;
