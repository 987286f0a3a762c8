// The twin's IAM evaluator against the examples of AWS's own documentation (each group cites its page), the stack's
// own resource policies (the usage queue's deny, the alarm key's delegation), and properties that must hold for any
// policy set (a Deny never grants, statement order never matters, ForAllValues is a subset test).
import fc from 'fast-check';
import { evaluate } from '../../../local/iam/policy-engine';
import type {
  ApplicablePolicies,
  ConditionBlock,
  ConditionValue,
  DecisionKind,
  PolicyDocument,
  PolicyStatement,
} from '../../../local/iam/policy-types';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;

interface Case {
  readonly name: string;
  readonly action: string;
  readonly resource: string;
  readonly principal?: string;
  readonly context?: Readonly<Record<string, ConditionValue>>;
  readonly policies: ApplicablePolicies;
  readonly expected: DecisionKind;
  /** Part of the one-line reason a developer reads. */
  readonly reason?: RegExp;
}

const doc = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });
const allowAll: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*' };

function check(c: Case) {
  const decision = evaluate(
    { principal: c.principal ?? ROLE, action: c.action, resource: c.resource, context: c.context ?? {} },
    c.policies,
  );
  expect(decision.decision).toBe(c.expected);
  if (c.reason) expect(decision.reason).toMatch(c.reason);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
// ("Example identity-based and resource-based policy evaluation": Carlos and his buckets).
describe('identity and resource policies in one account (policy-eval-basics)', () => {
  const CARLOS = `arn:aws:iam::${ACCOUNT}:user/carlossalazar`;
  const identity = doc(
    {
      Sid: 'AllowS3ListRead',
      Effect: 'Allow',
      Action: ['s3:GetBucketLocation', 's3:GetAccountPublicAccessBlock', 's3:ListAccessPoints', 's3:ListAllMyBuckets'],
      Resource: 'arn:aws:s3:::*',
    },
    { Sid: 'AllowS3Self', Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'] },
    { Sid: 'DenyS3Logs', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*log*' },
  );
  const bucketPolicy = doc({
    Effect: 'Allow',
    Principal: { AWS: CARLOS },
    Action: 's3:*',
    Resource: ['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'],
  });
  test.each<Case>([
    {
      name: 'saving to the logs bucket: the identity policy explicitly denies it',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::carlossalazar-logs/file.txt',
      principal: CARLOS,
      policies: { identity: [identity], resource: bucketPolicy },
      expected: 'ExplicitDeny',
      reason: /identity policy 0 statement 2 "DenyS3Logs"/,
    },
    {
      name: 'saving to his own bucket: both policies allow it',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::carlossalazar/file.txt',
      principal: CARLOS,
      policies: { identity: [identity], resource: bucketPolicy },
      expected: 'Allow',
    },
    {
      name: 'only the bucket policy allows it: still allowed ("if one of the policy types allows the request")',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::carlossalazar/file.txt',
      principal: CARLOS,
      policies: { identity: [], resource: bucketPolicy },
      expected: 'Allow',
      reason: /resource policy statement 0, which names the principal/,
    },
    {
      name: 'only the identity policy allows it: still allowed',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::carlossalazar/file.txt',
      principal: CARLOS,
      policies: { identity: [identity] },
      expected: 'Allow',
    },
    {
      name: 'the bucket policy names Carlos, so another user of the account is not allowed by it',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::carlossalazar/file.txt',
      principal: `arn:aws:iam::${ACCOUNT}:user/someone-else`,
      policies: { identity: [], resource: bucketPolicy },
      expected: 'ImplicitDeny',
      reason: /^no statement allows s3:GetObject on arn:aws:s3:::carlossalazar\/file.txt/,
    },
    {
      name: 'an action no statement mentions is implicitly denied',
      action: 's3:DeleteBucket',
      resource: 'arn:aws:s3:::another-bucket',
      principal: CARLOS,
      policies: { identity: [identity], resource: bucketPolicy },
      expected: 'ImplicitDeny',
    },
  ])('$name', check);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
describe('explicit and implicit denies (AccessPolicyLanguage_Interplay)', () => {
  const policy = doc(
    { Sid: 'AllowGetList', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
    { Sid: 'DenyReports', Effect: 'Deny', Action: 'iam:*Report', Resource: '*' },
  );
  const grantsReports = doc({ Effect: 'Allow', Action: 'iam:GenerateCredentialReport', Resource: '*' });
  test.each<Case>([
    { name: 'iam:GetUser is allowed', action: 'iam:GetUser', resource: '*', policies: { identity: [policy] }, expected: 'Allow' },
    {
      name: 'iam:CreatePolicy is implicitly denied',
      action: 'iam:CreatePolicy',
      resource: '*',
      policies: { identity: [policy] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'iam:GetOrganizationsAccessReport is explicitly denied',
      action: 'iam:GetOrganizationsAccessReport',
      resource: '*',
      policies: { identity: [policy] },
      expected: 'ExplicitDeny',
      reason: /"DenyReports"/,
    },
    {
      name: 'another policy granting a report does not lift the explicit deny',
      action: 'iam:GenerateCredentialReport',
      resource: '*',
      policies: { identity: [grantsReports, policy] },
      expected: 'ExplicitDeny',
      reason: /identity policy 1 statement 1 "DenyReports"/,
    },
  ])('$name', check);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html ("The prefix and the action
// name are case insensitive"), reference_policies_elements_resource.html (wildcards within ARN segments) and
// reference_policies_elements_condition.html ("Condition key names are not case-sensitive").
describe('case and wildcards in Action, Resource and condition keys', () => {
  test.each<Case>([
    {
      name: 'IAM:listaccesskeys matches iam:ListAccessKeys',
      action: 'IAM:listaccesskeys',
      resource: '*',
      policies: { identity: [doc({ Effect: 'Allow', Action: 'iam:ListAccessKeys', Resource: '*' })] },
      expected: 'Allow',
    },
    {
      name: 'an action wildcard matches case-insensitively (iam:*AccessKey* matches iam:createaccesskey)',
      action: 'iam:createaccesskey',
      resource: '*',
      policies: { identity: [doc({ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: '*' })] },
      expected: 'Allow',
    },
    {
      name: '? stands for exactly one character',
      action: 'sqs:GetQueueUrl',
      resource: '*',
      policies: { identity: [doc({ Effect: 'Allow', Action: 'sqs:GetQueue???', Resource: '*' })] },
      expected: 'Allow',
    },
    {
      name: 'resource ARNs are case-sensitive',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::bucket/key',
      policies: { identity: [doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::Bucket/*' })] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'a * in the resource segment spans colons (a log group ARN covers its streams)',
      action: 'logs:PutLogEvents',
      resource: 'arn:aws:logs:eu-west-1:123456789012:log-group:audit:log-stream:2026/01/01',
      policies: {
        identity: [
          doc({ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:eu-west-1:123456789012:log-group:audit:*' }),
        ],
      },
      expected: 'Allow',
    },
    {
      name: 'a * in the region segment does not reach into the account',
      action: 'sqs:SendMessage',
      resource: 'arn:aws:sqs:eu-west-1:999999999999:queue',
      policies: { identity: [doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*123456789012:queue' })] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'AWS:SecureTransport in a policy reads aws:securetransport from the request',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      context: { 'aws:securetransport': false },
      policies: {
        identity: [
          doc(allowAll, { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'AWS:SecureTransport': 'false' } } }),
        ],
      },
      expected: 'ExplicitDeny',
    },
  ])('$name', check);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
describe('NotAction (reference_policies_elements_notaction)', () => {
  const allButIam = doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
  const s3ButDeleteBucket = doc({ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: 'arn:aws:s3:::*' });
  const denyWithoutMfa = doc(allowAll, {
    Sid: 'DenyAllUsersNotUsingMFA',
    Effect: 'Deny',
    NotAction: 'iam:*',
    Resource: '*',
    Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  });
  test.each<Case>([
    {
      name: 'Allow NotAction iam:* allows an S3 action',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      policies: { identity: [allButIam] },
      expected: 'Allow',
    },
    {
      name: 'Allow NotAction iam:* does not allow an IAM action',
      action: 'iam:CreateUser',
      resource: '*',
      policies: { identity: [allButIam] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'Allow NotAction s3:DeleteBucket does not allow deleting a bucket',
      action: 's3:DeleteBucket',
      resource: 'arn:aws:s3:::b',
      policies: { identity: [s3ButDeleteBucket] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'Allow NotAction s3:DeleteBucket on arn:aws:s3:::* allows other S3 actions on S3 resources',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::b/k',
      policies: { identity: [s3ButDeleteBucket] },
      expected: 'Allow',
    },
    {
      name: '… but no other service, whose resources are not S3 ARNs',
      action: 'sqs:SendMessage',
      resource: 'arn:aws:sqs:eu-west-1:123456789012:q',
      policies: { identity: [s3ButDeleteBucket] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'Deny NotAction iam:* without MFA denies a non-IAM action',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      context: { 'aws:MultiFactorAuthPresent': false },
      policies: { identity: [denyWithoutMfa] },
      expected: 'ExplicitDeny',
      reason: /"DenyAllUsersNotUsingMFA"/,
    },
    {
      name: 'Deny NotAction iam:* leaves IAM actions alone',
      action: 'iam:GetUser',
      resource: '*',
      context: { 'aws:MultiFactorAuthPresent': false },
      policies: { identity: [denyWithoutMfa] },
      expected: 'Allow',
    },
    {
      name: 'BoolIfExists: a request without the MFA key is denied too',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      policies: { identity: [denyWithoutMfa] },
      expected: 'ExplicitDeny',
    },
    {
      name: 'with MFA the Deny condition fails and the request is allowed',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      context: { 'aws:MultiFactorAuthPresent': true },
      policies: { identity: [denyWithoutMfa] },
      expected: 'Allow',
    },
  ])('$name', check);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
describe('condition operators (reference_policies_elements_condition_operators)', () => {
  const onKey = (operator: string, key: string, value: string | string[], action = 'svc:Act', resource = '*') =>
    doc({ Effect: 'Allow', Action: action, Resource: resource, Condition: { [operator]: { [key]: value } } });
  const tagged = onKey(
    'StringEquals',
    'aws:PrincipalTag/job-category',
    'iamuser-admin',
    'iam:*AccessKey*',
    `arn:aws:iam::${ACCOUNT}:user/*`,
  );
  const maxKeys = onKey('NumericLessThanEquals', 's3:max-keys', '10', 's3:ListBucket', 'arn:aws:s3:::example_bucket');
  const sslOnly = doc(allowAll, {
    Sid: 'BooleanExample',
    Effect: 'Deny',
    Action: 's3:*',
    Resource: ['arn:aws:s3:::DOC-EXAMPLE-BUCKET', 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/*'],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
  // The page's queue policy lets SNS send on behalf of one topic; a service principal stands in for the account.
  const queuePolicy = doc({
    Effect: 'Allow',
    Principal: { Service: 'sns.amazonaws.com' },
    Action: 'SQS:SendMessage',
    Resource: `arn:aws:sqs:us-east-2:${ACCOUNT}:QUEUE-ID`,
    Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-2:${ACCOUNT}:TOPIC-ID` } },
  });
  const instanceTypes = doc({
    Sid: 'RunInstance',
    Effect: 'Allow',
    Action: 'ec2:RunInstances',
    Resource: '*',
    Condition: { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } },
  });
  const longTermOnly = onKey('Null', 'aws:TokenIssueTime', 'true', 'ec2:*');
  const arnPattern = `arn:aws:someservice:*:111122223333:finance/*`;
  const arnValue = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
  test.each<Case>([
    {
      name: 'StringEquals: the tagged admin may create access keys',
      action: 'iam:CreateAccessKey',
      resource: `arn:aws:iam::${ACCOUNT}:user/bob`,
      context: { 'aws:PrincipalTag/job-category': 'iamuser-admin' },
      policies: { identity: [tagged] },
      expected: 'Allow',
    },
    {
      name: 'StringEquals: another tag value is not enough',
      action: 'iam:CreateAccessKey',
      resource: `arn:aws:iam::${ACCOUNT}:user/bob`,
      context: { 'aws:PrincipalTag/job-category': 'IAMUSER-ADMIN' },
      policies: { identity: [tagged] },
      expected: 'ImplicitDeny',
      reason: /nearest: identity policy 0 statement 0 failed StringEquals aws:PrincipalTag\/job-category/,
    },
    {
      name: 'StringEquals: a principal without the tag "returns false"',
      action: 'iam:CreateAccessKey',
      resource: `arn:aws:iam::${ACCOUNT}:user/bob`,
      policies: { identity: [tagged] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'NumericLessThanEquals: max-keys 10 is allowed',
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::example_bucket',
      context: { 's3:max-keys': 10 },
      policies: { identity: [maxKeys] },
      expected: 'Allow',
    },
    {
      name: 'NumericLessThanEquals: max-keys 11 is not',
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::example_bucket',
      context: { 's3:max-keys': '11' },
      policies: { identity: [maxKeys] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'Bool: a request not over TLS is denied',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/k',
      context: { 'aws:SecureTransport': false },
      policies: { identity: [sslOnly] },
      expected: 'ExplicitDeny',
      reason: /"BooleanExample".*Bool aws:SecureTransport/,
    },
    {
      name: 'Bool: a request over TLS is not',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/k',
      context: { 'aws:SecureTransport': true },
      policies: { identity: [sslOnly] },
      expected: 'Allow',
    },
    {
      name: 'ArnEquals: SNS sending for the named topic is allowed',
      action: 'sqs:SendMessage',
      resource: `arn:aws:sqs:us-east-2:${ACCOUNT}:QUEUE-ID`,
      principal: 'sns.amazonaws.com',
      context: { 'aws:SourceArn': `arn:aws:sns:us-east-2:${ACCOUNT}:TOPIC-ID` },
      policies: { identity: [], resource: queuePolicy },
      expected: 'Allow',
    },
    {
      name: 'ArnEquals: "If an IAM user attempts to perform this operation directly, the condition returns false"',
      action: 'sqs:SendMessage',
      resource: `arn:aws:sqs:us-east-2:${ACCOUNT}:QUEUE-ID`,
      principal: 'sns.amazonaws.com',
      policies: { identity: [], resource: queuePolicy },
      expected: 'ImplicitDeny',
    },
    {
      name: 'StringLike matches across colons where ArnLike does not',
      action: 'svc:Act',
      resource: '*',
      context: { 'aws:SourceArn': arnValue },
      policies: { identity: [onKey('StringLike', 'aws:SourceArn', arnPattern)] },
      expected: 'Allow',
    },
    {
      name: 'ArnLike checks each of the six segments separately',
      action: 'svc:Act',
      resource: '*',
      context: { 'aws:SourceArn': arnValue },
      policies: { identity: [onKey('ArnLike', 'aws:SourceArn', arnPattern)] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'StringLikeIfExists: t2.micro is allowed',
      action: 'ec2:RunInstances',
      resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*',
      context: { 'ec2:InstanceType': 't2.micro' },
      policies: { identity: [instanceTypes] },
      expected: 'Allow',
    },
    {
      name: 'StringLikeIfExists: m5.large is not',
      action: 'ec2:RunInstances',
      resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*',
      context: { 'ec2:InstanceType': 'm5.large' },
      policies: { identity: [instanceTypes] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'StringLikeIfExists: a resource without the key (the image) passes',
      action: 'ec2:RunInstances',
      resource: 'arn:aws:ec2:us-east-1::image/ami-1',
      policies: { identity: [instanceTypes] },
      expected: 'Allow',
    },
    {
      name: 'Null true: long-term credentials (no aws:TokenIssueTime) pass',
      action: 'ec2:DescribeInstances',
      resource: '*',
      policies: { identity: [longTermOnly] },
      expected: 'Allow',
    },
    {
      name: 'Null true: temporary credentials do not',
      action: 'ec2:DescribeInstances',
      resource: '*',
      context: { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' },
      policies: { identity: [longTermOnly] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'a missing key fails a positive operator',
      action: 'svc:Act',
      resource: '*',
      policies: { identity: [onKey('StringLike', 'aws:SourceArn', '*')] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'a missing key passes a negated operator ("the condition is true")',
      action: 'svc:Act',
      resource: '*',
      policies: { identity: [onKey('StringNotLike', 'aws:SourceArn', 'arn:*')] },
      expected: 'Allow',
    },
    {
      name: 'StringEqualsIgnoreCase matches JohnDoe and johndoe',
      action: 'svc:Act',
      resource: '*',
      context: { 'aws:username': 'JohnDoe' },
      policies: { identity: [onKey('StringEqualsIgnoreCase', 'aws:username', 'johndoe')] },
      expected: 'Allow',
    },
    {
      name: 'StringEquals does not',
      action: 'svc:Act',
      resource: '*',
      context: { 'aws:username': 'JohnDoe' },
      policies: { identity: [onKey('StringEquals', 'aws:username', 'johndoe')] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'DateGreaterThan on aws:TokenIssueTime',
      action: 'svc:Act',
      resource: '*',
      context: { 'aws:TokenIssueTime': '2020-06-01T00:00:00Z' },
      policies: { identity: [onKey('DateGreaterThan', 'aws:TokenIssueTime', '2020-01-01T00:00:01Z')] },
      expected: 'Allow',
    },
  ])('$name', check);

  test('an operator AWS does not know is an error, not a silently false condition', () => {
    const policy = onKey('StringEqualz', 'aws:username', 'x');
    expect(() => evaluate({ principal: ROLE, action: 'svc:Act', resource: '*', context: {} }, { identity: [policy] })).toThrow(
      /StringEqualz/,
    );
  });
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html (the Thread table).
describe('several keys and values, ForAllValues and ForAnyValue (reference_policies_multi-value-conditions)', () => {
  const THREAD = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Thread`;
  const readSome = doc({
    Effect: 'Allow',
    Action: 'dynamodb:GetItem',
    Resource: 'arn:aws:dynamodb:*:*:table/Thread',
    Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['PostDateTime', 'Message', 'Tags'] } },
  });
  const denyIdAndDate = doc(allowAll, {
    Effect: 'Deny',
    Action: 'dynamodb:PutItem',
    Resource: 'arn:aws:dynamodb:*:*:table/Thread',
    Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['ID', 'PostDateTime'] } },
  });
  const departments = doc({
    Effect: 'Allow',
    Action: 'svc:Act',
    Resource: '*',
    Condition: {
      StringEqualsIgnoreCase: { 'aws:PrincipalTag/department': ['finance', 'hr', 'legal'], 'aws:PrincipalTag/role': ['audit', 'security'] },
      StringEquals: { 'aws:PrincipalAccount': ACCOUNT },
    },
  });
  const notTheseAccounts = doc({
    Effect: 'Allow',
    Action: 'svc:Act',
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:PrincipalAccount': [ACCOUNT, '555555555555'] } },
  });
  test.each<Case>([
    {
      name: 'ForAllValues: Message and Tags are all in the list',
      action: 'dynamodb:GetItem',
      resource: THREAD,
      context: { 'dynamodb:Attributes': ['Message', 'Tags'] },
      policies: { identity: [readSome] },
      expected: 'Allow',
    },
    {
      name: 'ForAllValues: UserName is not, so PostDateTime + UserName is refused',
      action: 'dynamodb:GetItem',
      resource: THREAD,
      context: { 'dynamodb:Attributes': ['PostDateTime', 'UserName'] },
      policies: { identity: [readSome] },
      expected: 'ImplicitDeny',
      reason: /failed ForAllValues:StringEquals dynamodb:Attributes/,
    },
    {
      name: 'ForAllValues trap: an empty set is true',
      action: 'dynamodb:GetItem',
      resource: THREAD,
      context: { 'dynamodb:Attributes': [] },
      policies: { identity: [readSome] },
      expected: 'Allow',
    },
    {
      name: 'ForAllValues trap: a missing key is true',
      action: 'dynamodb:GetItem',
      resource: THREAD,
      policies: { identity: [readSome] },
      expected: 'Allow',
    },
    {
      name: 'ForAllValues trap: an empty string is a null data set',
      action: 'dynamodb:GetItem',
      resource: THREAD,
      context: { 'dynamodb:Attributes': '' },
      policies: { identity: [readSome] },
      expected: 'Allow',
    },
    {
      name: 'ForAnyValue Deny: updating PostDateTime and Message is denied',
      action: 'dynamodb:PutItem',
      resource: THREAD,
      context: { 'dynamodb:Attributes': ['PostDateTime', 'Message'] },
      policies: { identity: [denyIdAndDate] },
      expected: 'ExplicitDeny',
    },
    {
      name: 'ForAnyValue Deny: UserName alone is not denied',
      action: 'dynamodb:PutItem',
      resource: THREAD,
      context: { 'dynamodb:Attributes': ['UserName'] },
      policies: { identity: [denyIdAndDate] },
      expected: 'Allow',
    },
    {
      name: 'ForAnyValue: a missing key is false, so the Deny does not apply',
      action: 'dynamodb:PutItem',
      resource: THREAD,
      policies: { identity: [denyIdAndDate] },
      expected: 'Allow',
    },
    {
      name: 'keys AND, values OR: HR auditor in the account',
      action: 'svc:Act',
      resource: '*',
      context: { 'aws:PrincipalTag/department': 'HR', 'aws:PrincipalTag/role': 'audit' },
      policies: { identity: [departments] },
      expected: 'Allow',
    },
    {
      name: 'keys AND: without the role tag the condition fails',
      action: 'svc:Act',
      resource: '*',
      context: { 'aws:PrincipalTag/department': 'hr' },
      policies: { identity: [departments] },
      expected: 'ImplicitDeny',
      reason: /aws:PrincipalTag\/role/,
    },
    {
      name: 'operators AND: aws:PrincipalAccount comes from the principal and must match too',
      action: 'svc:Act',
      resource: '*',
      principal: 'arn:aws:iam::999999999999:role/app',
      context: { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalTag/role': 'audit' },
      policies: { identity: [departments] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'negated operator with several values is a NOR: one of the listed accounts fails it',
      action: 'svc:Act',
      resource: '*',
      policies: { identity: [notTheseAccounts] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'negated operator with several values: an unlisted account passes',
      action: 'svc:Act',
      resource: '*',
      principal: 'arn:aws:iam::999999999999:role/app',
      policies: { identity: [notTheseAccounts] },
      expected: 'Allow',
    },
  ])('$name', check);
});

// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html (GameScores; the policy
// variable ${www.amazon.com:user_id} written out as the user's id) and the stack's own LeadingKeys grants.
describe('DynamoDB fine-grained access (specifying-conditions)', () => {
  const GAME_SCORES = `arn:aws:dynamodb:us-west-2:${ACCOUNT}:table/GameScores`;
  const gameScores = doc({
    Sid: 'AllowAccessToOnlyItemsMatchingUserID',
    Effect: 'Allow',
    Action: [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ],
    Resource: [GAME_SCORES],
    Condition: {
      'ForAllValues:StringEquals': {
        'dynamodb:LeadingKeys': ['user-123'],
        'dynamodb:Attributes': ['UserId', 'GameTitle', 'Wins', 'Losses', 'TopScore', 'TopScoreDateTime'],
      },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    },
  });
  const aggregator = doc({
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/metered-api-usage',
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USAGE#*', 'CLAIM#*', 'JOURNAL#*'] } },
  });
  const TABLE = 'arn:aws:dynamodb:eu-west-1:123456789012:table/metered-api-usage';
  test.each<Case>([
    {
      name: 'own items, listed attributes, specific attributes',
      action: 'dynamodb:GetItem',
      resource: GAME_SCORES,
      context: {
        'dynamodb:LeadingKeys': ['user-123'],
        'dynamodb:Attributes': ['UserId', 'GameTitle', 'TopScore'],
        'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
      },
      policies: { identity: [gameScores] },
      expected: 'Allow',
    },
    {
      name: "another user's items",
      action: 'dynamodb:GetItem',
      resource: GAME_SCORES,
      context: { 'dynamodb:LeadingKeys': ['user-999'], 'dynamodb:Attributes': ['UserId'], 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      policies: { identity: [gameScores] },
      expected: 'ImplicitDeny',
      reason: /dynamodb:LeadingKeys/,
    },
    {
      name: 'a batch with one foreign key among own keys',
      action: 'dynamodb:BatchGetItem',
      resource: GAME_SCORES,
      context: { 'dynamodb:LeadingKeys': ['user-123', 'user-999'], 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      policies: { identity: [gameScores] },
      expected: 'ImplicitDeny',
    },
    {
      name: 'asking for all attributes',
      action: 'dynamodb:Query',
      resource: GAME_SCORES,
      context: { 'dynamodb:LeadingKeys': ['user-123'], 'dynamodb:Select': 'ALL_ATTRIBUTES' },
      policies: { identity: [gameScores] },
      expected: 'ImplicitDeny',
      reason: /StringEqualsIfExists dynamodb:Select/,
    },
    {
      name: 'an update without Select passes StringEqualsIfExists',
      action: 'dynamodb:UpdateItem',
      resource: GAME_SCORES,
      context: { 'dynamodb:LeadingKeys': ['user-123'], 'dynamodb:Attributes': ['UserId', 'GameTitle', 'Wins'] },
      policies: { identity: [gameScores] },
      expected: 'Allow',
    },
    {
      name: 'the aggregator may update a usage counter',
      action: 'dynamodb:UpdateItem',
      resource: TABLE,
      context: { 'dynamodb:LeadingKeys': ['USAGE#cl_1'] },
      policies: { identity: [aggregator] },
      expected: 'Allow',
    },
    {
      name: 'the aggregator may not read an API key record',
      action: 'dynamodb:GetItem',
      resource: TABLE,
      context: { 'dynamodb:LeadingKeys': ['KEY#abc'] },
      policies: { identity: [aggregator] },
      expected: 'ImplicitDeny',
    },
  ])('$name', check);
});

// The stack's usage queue policy (lib/: OnlyRouteFunctionsSendUsage), shaped like the IAM User Guide's pattern of a
// Deny with Principal "*" and aws:PrincipalArn (reference_policies_elements_principal, "IAM role principals").
describe('an explicit deny in a resource policy: only the route functions send usage events', () => {
  const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:metered-api-usage-events';
  const HELLO = 'arn:aws:iam::123456789012:role/RoutesHelloRole';
  const AGGREGATOR = 'arn:aws:iam::123456789012:role/PipelineAggregatorRole';
  const queuePolicy = doc(
    { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:*', Resource: QUEUE, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    {
      Sid: 'OnlyRouteFunctionsSendUsage',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sqs:SendMessage',
      Resource: QUEUE,
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [HELLO, 'arn:aws:iam::123456789012:role/RoutesQuotesRole'] } },
    },
  );
  const sendsUsage = doc({ Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: QUEUE });
  test.each<Case>([
    {
      name: 'a route function sends',
      action: 'sqs:SendMessage',
      resource: QUEUE,
      principal: HELLO,
      context: { 'aws:SecureTransport': true },
      policies: { identity: [sendsUsage], resource: queuePolicy },
      expected: 'Allow',
    },
    {
      name: 'its role session is the role (aws:PrincipalArn is the role ARN)',
      action: 'sqs:SendMessage',
      resource: QUEUE,
      principal: 'arn:aws:sts::123456789012:assumed-role/RoutesHelloRole/metered-api-dev-hello',
      context: { 'aws:SecureTransport': true },
      policies: { identity: [sendsUsage], resource: queuePolicy },
      expected: 'Allow',
    },
    {
      name: 'another role is denied even with an identity policy that allows it',
      action: 'sqs:SendMessage',
      resource: QUEUE,
      principal: AGGREGATOR,
      context: { 'aws:SecureTransport': true },
      policies: { identity: [sendsUsage], resource: queuePolicy },
      expected: 'ExplicitDeny',
      reason: /resource policy statement 1 "OnlyRouteFunctionsSendUsage".*ArnNotEquals aws:PrincipalArn/,
    },
    {
      name: 'the deny is about SendMessage only',
      action: 'sqs:GetQueueAttributes',
      resource: QUEUE,
      principal: AGGREGATOR,
      context: { 'aws:SecureTransport': true },
      policies: { identity: [sendsUsage], resource: queuePolicy },
      expected: 'Allow',
    },
    {
      name: 'a route function over plain HTTP is denied by the TLS statement',
      action: 'sqs:SendMessage',
      resource: QUEUE,
      principal: HELLO,
      context: { 'aws:SecureTransport': false },
      policies: { identity: [sendsUsage], resource: queuePolicy },
      expected: 'ExplicitDeny',
      reason: /resource policy statement 0 denies/,
    },
  ])('$name', check);

  test('the decision names the policy type AWS puts in its AccessDenied message', () => {
    const denied = evaluate(
      { principal: AGGREGATOR, action: 'sqs:SendMessage', resource: QUEUE, context: {} },
      { identity: [sendsUsage], resource: queuePolicy },
    );
    expect(denied.policyType).toBe('resource-based');
    const notAllowed = evaluate(
      { principal: AGGREGATOR, action: 'sqs:DeleteQueue', resource: QUEUE, context: {} },
      { identity: [sendsUsage] },
    );
    expect(notAllowed).toMatchObject({ decision: 'ImplicitDeny', policyType: 'identity-based' });
  });
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html ("AWS account principals":
// naming the account "delegates authority to the account") and reference_policies_elements_notprincipal.html.
describe('Principal and NotPrincipal in resource policies', () => {
  const BUCKET = 'arn:aws:s3:::shared/*';
  const byAccount = (effect: 'Allow' | 'Deny', name: string) =>
    doc({ Effect: effect, Principal: { AWS: name }, Action: 's3:GetObject', Resource: BUCKET });
  const readObjects = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: BUCKET });
  test.each<Case>([
    {
      name: 'naming the account (root ARN) does not allow a role by itself',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::shared/k',
      policies: { identity: [], resource: byAccount('Allow', `arn:aws:iam::${ACCOUNT}:root`) },
      expected: 'ImplicitDeny',
      reason: /names only the account/,
    },
    {
      name: 'naming the account (bare id) is the same',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::shared/k',
      policies: { identity: [], resource: byAccount('Allow', ACCOUNT) },
      expected: 'ImplicitDeny',
    },
    {
      name: '… an identity policy then allows it',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::shared/k',
      policies: { identity: [readObjects], resource: byAccount('Allow', ACCOUNT) },
      expected: 'Allow',
    },
    {
      name: 'naming the role allows it',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::shared/k',
      policies: { identity: [], resource: byAccount('Allow', ROLE) },
      expected: 'Allow',
    },
    {
      name: 'Principal "*" allows everyone',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::shared/k',
      policies: { identity: [], resource: doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: BUCKET }) },
      expected: 'Allow',
    },
    {
      name: 'a Deny naming the account applies to its roles',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::shared/k',
      policies: { identity: [readObjects], resource: byAccount('Deny', ACCOUNT) },
      expected: 'ExplicitDeny',
    },
    {
      name: 'a Deny naming another account does not',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::shared/k',
      policies: { identity: [readObjects], resource: byAccount('Deny', '999999999999') },
      expected: 'Allow',
    },
    {
      name: 'Deny with NotPrincipal spares the listed principal',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::shared/k',
      policies: {
        identity: [readObjects],
        resource: doc({ Effect: 'Deny', NotPrincipal: { AWS: [ROLE] }, Action: 's3:*', Resource: BUCKET }),
      },
      expected: 'Allow',
    },
    {
      name: 'Deny with NotPrincipal denies everyone else',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::shared/k',
      policies: {
        identity: [readObjects],
        resource: doc({
          Effect: 'Deny',
          NotPrincipal: { AWS: ['arn:aws:iam::123456789012:role/other'] },
          Action: 's3:*',
          Resource: BUCKET,
        }),
      },
      expected: 'ExplicitDeny',
    },
  ])('$name', check);
});

// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html ("Unless the key policy explicitly allows it,
// you cannot use IAM policies to allow access to a KMS key"; "You can use an IAM policy to deny a permission to a KMS
// key without permission from a key policy") and key-policy-default.html (the statement that enables IAM policies).
describe('KMS: the key policy must allow, by naming the principal or delegating to the account', () => {
  const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const enableIam = (principal: string) =>
    doc({ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' });
  const namesRole = doc({ Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' });
  const servicesOnly = doc({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'kms:Decrypt', Resource: '*' });
  const decrypts = doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY });
  const deniesDecrypt = doc({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' });
  test.each<Case>([
    {
      name: 'delegation (root ARN) plus an identity allow',
      action: 'kms:Decrypt',
      resource: KEY,
      policies: { identity: [decrypts], keyPolicy: enableIam(`arn:aws:iam::${ACCOUNT}:root`) },
      expected: 'Allow',
      reason: /"Enable IAM User Permissions" delegates/,
    },
    {
      name: 'delegation (account id) plus an identity allow',
      action: 'kms:Decrypt',
      resource: KEY,
      policies: { identity: [decrypts], keyPolicy: enableIam(ACCOUNT) },
      expected: 'Allow',
    },
    {
      name: 'delegation without an identity allow',
      action: 'kms:Decrypt',
      resource: KEY,
      policies: { identity: [], keyPolicy: enableIam(ACCOUNT) },
      expected: 'ImplicitDeny',
      reason: /delegates to the account, but no identity policy allows kms:Decrypt/,
    },
    {
      name: 'an identity allow without the key policy allowing has no effect',
      action: 'kms:Decrypt',
      resource: KEY,
      policies: { identity: [decrypts], keyPolicy: servicesOnly },
      expected: 'ImplicitDeny',
      reason: /key policy neither names/,
    },
    {
      name: 'a key policy naming the role needs no identity policy',
      action: 'kms:GenerateDataKey',
      resource: KEY,
      policies: { identity: [], keyPolicy: namesRole },
      expected: 'Allow',
    },
    {
      name: 'an identity Deny wins over a key policy naming the role',
      action: 'kms:Decrypt',
      resource: KEY,
      policies: { identity: [deniesDecrypt], keyPolicy: namesRole },
      expected: 'ExplicitDeny',
    },
    {
      name: "delegation to another account does not cover this one's roles",
      action: 'kms:Decrypt',
      resource: KEY,
      policies: { identity: [decrypts], keyPolicy: enableIam('999999999999') },
      expected: 'ImplicitDeny',
    },
  ])('$name', check);

  test('a key-policy denial names the resource-based policy, a missing IAM allow the identity-based one', () => {
    const context = {};
    expect(
      evaluate({ principal: ROLE, action: 'kms:Decrypt', resource: KEY, context }, { identity: [decrypts], keyPolicy: servicesOnly })
        .policyType,
    ).toBe('resource-based');
    expect(
      evaluate({ principal: ROLE, action: 'kms:Decrypt', resource: KEY, context }, { identity: [], keyPolicy: enableIam(ACCOUNT) })
        .policyType,
    ).toBe('identity-based');
  });
});

describe('properties that hold for any policies', () => {
  const ACTIONS = ['s3:GetObject', 's3:PutObject', 'sqs:SendMessage', 'dynamodb:GetItem', 'dynamodb:Query'];
  const RESOURCES = [
    'arn:aws:s3:::b/k',
    'arn:aws:s3:::logs/k',
    'arn:aws:sqs:eu-west-1:123456789012:q',
    'arn:aws:dynamodb:eu-west-1:123456789012:table/t',
  ];
  const action = fc.oneof(fc.constantFrom(...ACTIONS), fc.constantFrom('*', 's3:*', '*Item', 'sqs:Send*', 'dynamodb:?etItem'));
  const resource = fc.oneof(
    fc.constantFrom(...RESOURCES),
    fc.constantFrom('*', 'arn:aws:s3:::*', 'arn:aws:*:*:123456789012:*', 'arn:aws:s3:::*log*'),
  );
  const condition: fc.Arbitrary<ConditionBlock | undefined> = fc.option(
    fc
      .record({
        op: fc.constantFrom(
          'StringEquals',
          'StringNotEquals',
          'StringLike',
          'ForAllValues:StringLike',
          'ForAnyValue:StringEquals',
          'Null',
          'BoolIfExists',
        ),
        key: fc.constantFrom('dynamodb:LeadingKeys', 'aws:SecureTransport', 'aws:PrincipalTag/team'),
        values: fc.array(fc.constantFrom('USAGE#*', 'a', 'b', 'true', 'false'), { minLength: 1, maxLength: 3 }),
      })
      .map(({ op, key, values }) => ({ [op]: { [key]: values } })),
    { nil: undefined },
  );
  const statement = (effect: fc.Arbitrary<'Allow' | 'Deny'>): fc.Arbitrary<PolicyStatement> =>
    fc
      .record({
        Effect: effect,
        Action: fc.array(action, { minLength: 1, maxLength: 2 }),
        Resource: fc.array(resource, { minLength: 1, maxLength: 2 }),
        Condition: condition,
      })
      .map(({ Condition, ...rest }) => (Condition ? { ...rest, Condition } : rest));
  const anyEffect = fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Deny');
  const policies = fc.record({
    identity: fc.array(fc.array(statement(anyEffect), { maxLength: 4 }), { maxLength: 3 }),
    resource: fc.option(
      fc.array(
        statement(anyEffect).map((s) => ({ ...s, Principal: '*' as const })),
        { maxLength: 3 },
      ),
      { nil: undefined },
    ),
  });
  const request = fc.record({
    action: fc.constantFrom(...ACTIONS),
    resource: fc.constantFrom(...RESOURCES),
    context: fc.record(
      {
        'dynamodb:LeadingKeys': fc.array(fc.constantFrom('USAGE#1', 'a', 'KEY#2')),
        'aws:SecureTransport': fc.boolean(),
        'aws:PrincipalTag/team': fc.constantFrom('a', 'b'),
      },
      { requiredKeys: [] },
    ),
  });
  const toPolicies = (p: { identity: PolicyStatement[][]; resource?: PolicyStatement[] }): ApplicablePolicies => ({
    identity: p.identity.map((statements) => doc(...statements)),
    resource: p.resource ? doc(...p.resource) : undefined,
  });
  const decide = (r: { action: string; resource: string; context: Record<string, ConditionValue> }, p: ApplicablePolicies) =>
    evaluate({ principal: ROLE, ...r }, p).decision;

  test('adding a Deny statement never turns a denial into an allow, and never lifts an explicit deny', () => {
    fc.assert(
      fc.property(policies, request, statement(fc.constant<'Deny'>('Deny')), fc.nat(), (p, r, deny, at) => {
        const before = decide(r, toPolicies(p));
        const identity =
          p.identity.length === 0
            ? [[deny]]
            : p.identity.map((statements, i) => (i === at % p.identity.length ? [...statements, deny] : statements));
        const after = decide(r, toPolicies({ ...p, identity }));
        if (before !== 'Allow') expect(after).not.toBe('Allow');
        if (before === 'ExplicitDeny') expect(after).toBe('ExplicitDeny');
      }),
      { numRuns: 500 },
    );
  });

  test('adding an Allow statement never turns an allow into a denial, nor an explicit deny into anything else', () => {
    fc.assert(
      fc.property(policies, request, statement(fc.constant<'Allow'>('Allow')), (p, r, allow) => {
        const before = decide(r, toPolicies(p));
        const after = decide(r, toPolicies({ ...p, identity: [...p.identity, [allow]] }));
        if (before === 'Allow') expect(after).toBe('Allow');
        if (before === 'ExplicitDeny') expect(after).toBe('ExplicitDeny');
      }),
      { numRuns: 500 },
    );
  });

  test('the order of statements and policies does not change the decision', () => {
    fc.assert(
      fc.property(policies, request, (p, r) => {
        const reversed = {
          identity: [...p.identity].reverse().map((statements) => [...statements].reverse()),
          resource: p.resource && [...p.resource].reverse(),
        };
        expect(decide(r, toPolicies(reversed))).toBe(decide(r, toPolicies(p)));
      }),
      { numRuns: 300 },
    );
  });

  test('ForAllValues:StringEquals allows exactly when the request values are a subset of the policy values', () => {
    const names = fc.uniqueArray(fc.constantFrom('pk', 'sk', 'override', 'requests', 'name'), { maxLength: 5 });
    fc.assert(
      fc.property(names, names, (allowed, requested) => {
        const policy = doc({
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: '*',
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': allowed } },
        });
        const subset = requested.every((name) => allowed.includes(name));
        expect(
          decide(
            { action: 'dynamodb:GetItem', resource: RESOURCES[3], context: { 'dynamodb:Attributes': requested } },
            { identity: [policy] },
          ),
        ).toBe(subset ? 'Allow' : 'ImplicitDeny');
      }),
    );
  });
});
