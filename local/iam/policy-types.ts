// The shapes the twin's IAM check works with: IAM policy documents as CloudFormation writes them, one
// authorization request (what AWS evaluates for one action on one resource), and the decision. Shared by the
// policy engine (policy-engine.ts), the request reader (aws-requests.ts) and the template reader (stack-policies.ts).

export type OneOrMany<T> = T | readonly T[];

export type ConditionValue = string | number | boolean | readonly string[];

/** `{ Operator: { ConditionKey: value(s) } }`, e.g. `{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USAGE#*'] } }`. */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, OneOrMany<string | number | boolean>>>>>;

export type PrincipalBlock = '*' | Readonly<Record<string, OneOrMany<string>>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: OneOrMany<string>;
  readonly NotAction?: OneOrMany<string>;
  readonly Resource?: OneOrMany<string>;
  readonly NotResource?: OneOrMany<string>;
  /** Resource policies only. */
  readonly Principal?: PrincipalBlock;
  readonly NotPrincipal?: PrincipalBlock;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: OneOrMany<PolicyStatement>;
}

/** One thing AWS authorizes: a principal doing one action on one resource, with the request's condition keys. */
export interface AuthorizationRequest {
  /** The caller's ARN, e.g. `arn:aws:iam::000000000000:role/metered-api-dev-aggregator` (the role, not the session). */
  readonly principal: string;
  /** `service:Action`, e.g. `dynamodb:Query`. */
  readonly action: string;
  /** The resource's ARN, e.g. `arn:aws:dynamodb:us-east-1:000000000000:table/metered-api-usage`. */
  readonly resource: string;
  /** Condition keys the request carries (names as AWS spells them; matched case-insensitively). */
  readonly context: Readonly<Record<string, ConditionValue>>;
}

/** The policies that apply to one request. */
export interface ApplicablePolicies {
  /** The principal's identity policies (inline and managed). */
  readonly identity: readonly PolicyDocument[];
  /** The resource's own policy (queue, bucket, bus, KMS key), if it has one. */
  readonly resource?: PolicyDocument;
  /** KMS: the key policy, which must allow (directly, or by delegating to the account's IAM). */
  readonly keyPolicy?: PolicyDocument;
}

export type DecisionKind = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Decision {
  readonly decision: DecisionKind;
  /** One line a developer can act on: which statement allowed or denied, or that none allowed. */
  readonly reason: string;
  /**
   * For a denial, the kind of policy AWS names in its AccessDenied message: where the explicit Deny was, or which
   * kind of policy failed to allow (`identity-based`, or `resource-based` for a KMS key policy).
   */
  readonly policyType?: 'identity-based' | 'resource-based';
}
