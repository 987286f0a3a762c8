// The twin's IAM view of a stage, read from that stage's synthesized template: each twin function's role and
// identity policies, the resource policies (queues, buckets, buses, KMS keys, topics) and the operators'
// managed policies, every ARN resolved into the twin's account, region and resource names. Cached per input hash.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alertBusName } from '../../contracts/billing';
import { stackName as stackNameOf } from '../../contracts/deployment';
import type { StageName } from '../../contracts/stages';
import { LOCAL_API_ID, localFunctionName } from '../fake-aws';
import { LOCAL_NAMES } from '../resources';
import { type CfnTemplate, type IntrinsicScope, resolveValue } from './cfn-intrinsics';
import type { PolicyDocument, PolicyStatement } from './policy-types';
import { PROJECT_ROOT, stageInputsHash, synthesizeStageTemplate } from './stage-template';
import { TWIN_ENV, twinScope } from './template-resources';
import {
  type FunctionCounterpart,
  functionCounterparts,
  type ResourceCounterparts,
  referencedIds,
  resourceCounterparts,
  resourcesOfType,
} from './twin-counterparts';

export interface FunctionAccess {
  /** Stand-in for CloudFormation's generated name: `<stack>-<role logical id>`. */
  readonly roleName: string;
  readonly roleArn: string;
  /** Identity policies: AWS::IAM::Policy and AWS::IAM::RolePolicy on the role, its inline Policies, and the
   * documents of the template's own managed policies attached to it. */
  readonly policies: readonly PolicyDocument[];
  /** Every managed policy attached (ARN); the documents of AWS-managed ones are not known to the twin. */
  readonly managedPolicyArns: readonly string[];
  readonly functionLogicalId: string;
  readonly roleLogicalId: string;
}

/** Where the twin's own copies of the stack's resources are, as ARNs (and names where the SDK uses them). */
export interface TwinResourceArns {
  readonly tableArn: string;
  readonly usageQueueArn: string;
  readonly deadLetterQueueArn: string;
  readonly archiveBucketArn: string;
  readonly alertBusArn: string;
  readonly restApiId: string;
  /** Each of the above's logical id in the template. */
  readonly logicalIds: ResourceCounterparts;
}

export interface StackAccess {
  readonly account: string;
  readonly region: string;
  readonly stage: StageName;
  readonly stackName: string;
  /** By twin function id: route ids, `authorizer`, `aggregator`, `daily-job`, `alert-sweeper`, `admin`. */
  readonly functions: Readonly<Record<string, FunctionAccess>>;
  /** By the resource's ARN: queue, bucket, event bus, KMS key (its key policy) and SNS topic policies. */
  readonly resourcePolicies: Readonly<Record<string, PolicyDocument>>;
  /** Managed policies of the template attached to no function role (for operators), by logical id. */
  readonly operators: Readonly<Record<string, readonly PolicyDocument[]>>;
  readonly resources: TwinResourceArns;
  /** sha256 of the stage and every input of the template and of this extraction (stage-template.ts). */
  readonly templateHash: string;
}

export interface LoadStackAccessOptions {
  readonly stage: StageName;
  /** Where the extraction is cached as JSON (created if missing). */
  readonly cacheDir: string;
  /** Whose inputs are hashed and synthesized. @default the repository this file is in */
  readonly projectRoot?: string;
  /** Produces the stage's template on a cache miss. @default synthesizeStageTemplate (a child process) */
  readonly synthesize?: (stage: StageName, projectRoot: string) => Promise<CfnTemplate>;
}

/** The stage's StackAccess: from the cache when no input changed, else synthesized (seconds) and cached. */
export async function loadStackAccess(options: LoadStackAccessOptions): Promise<StackAccess> {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const templateHash = stageInputsHash(projectRoot, options.stage);
  const file = path.join(options.cacheDir, `stack-access-${options.stage}-${templateHash.slice(0, 16)}.json`);
  const cached = readCached(file, templateHash);
  if (cached) return cached;
  const template = await (options.synthesize ?? synthesizeStageTemplate)(options.stage, projectRoot);
  const access = extractStackAccess(template, { stage: options.stage, templateHash });
  writeCached(options.cacheDir, file, access);
  return access;
}

function readCached(file: string, templateHash: string): StackAccess | undefined {
  try {
    const access = JSON.parse(readFileSync(file, 'utf8')) as StackAccess;
    return access.templateHash === templateHash ? access : undefined;
  } catch {
    return undefined; // missing or torn: synthesize again
  }
}

/** Atomic (rename), and the stage's older extractions go: one file per stage. */
function writeCached(cacheDir: string, file: string, access: StackAccess): void {
  mkdirSync(cacheDir, { recursive: true });
  const prefix = `stack-access-${access.stage}-`;
  for (const old of readdirSync(cacheDir)) {
    if (old.startsWith(prefix) && path.join(cacheDir, old) !== file) rmSync(path.join(cacheDir, old), { force: true });
  }
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(access));
  renameSync(temporary, file);
}

/** The twin's IAM view of a synthesized template of `stage` (pure; throws on anything it cannot place). */
export function extractStackAccess(template: CfnTemplate, options: { stage: StageName; templateHash: string }): StackAccess {
  const { stage } = options;
  const stackName = stackNameOf(stage);
  const functions = functionCounterparts(template);
  const counterparts = resourceCounterparts(template);
  const scope = twinScope(template, { stackName, names: twinNames(stage, functions, counterparts) });
  const resolve = (value: unknown, where: string) => resolveValue(value, scope, where);

  const managed = managedPolicies(template, resolve);
  const functionRoles = new Set(functions.map((f) => f.roleLogicalId));
  const access: Record<string, FunctionAccess> = {};
  for (const fn of functions) {
    access[fn.twinId] = functionAccess(template, fn, scope, resolve, managed);
  }
  const arn = (logicalId: string) => String(scope.getAtt(logicalId, 'Arn'));
  return {
    account: TWIN_ENV.account,
    region: TWIN_ENV.region,
    stage,
    stackName,
    functions: access,
    resourcePolicies: resourcePolicies(template, scope, resolve),
    operators: Object.fromEntries(
      [...managed]
        .filter(([, policy]) => !policy.roles.some((role) => functionRoles.has(role)))
        .map(([id, policy]) => [id, [policy.document]]),
    ),
    resources: {
      tableArn: arn(counterparts.table),
      usageQueueArn: arn(counterparts.usageQueue),
      deadLetterQueueArn: arn(counterparts.deadLetterQueue),
      archiveBucketArn: arn(counterparts.archiveBucket),
      alertBusArn: arn(counterparts.alertBus),
      restApiId: String(scope.ref(counterparts.restApi)),
      logicalIds: counterparts,
    },
    templateHash: options.templateHash,
  };
}

/** The twin's names for the template resources it has its own copy of, by logical id. */
function twinNames(stage: StageName, functions: readonly FunctionCounterpart[], resources: ResourceCounterparts): Map<string, string> {
  const names = new Map<string, string>([
    [resources.table, LOCAL_NAMES.tableName],
    [resources.usageQueue, LOCAL_NAMES.usageQueue],
    [resources.deadLetterQueue, LOCAL_NAMES.deadLetterQueue],
    [resources.archiveBucket, LOCAL_NAMES.archiveBucket],
    [resources.alertBus, alertBusName(stage)],
    [resources.restApi, LOCAL_API_ID],
  ]);
  for (const fn of functions) {
    const functionName = localFunctionName(stage, fn.twinId);
    names.set(fn.functionLogicalId, functionName);
    // The log group the twin's Lambda context names (local/fake-aws.ts lambdaContext).
    if (fn.logGroupLogicalId) names.set(fn.logGroupLogicalId, `/aws/lambda/${functionName}`);
  }
  return names;
}

type Resolve = (value: unknown, where: string) => unknown;

interface ManagedPolicy {
  readonly arn: string;
  readonly document: PolicyDocument;
  /** Roles (logical ids) it is attached to: by its own Roles property or by their ManagedPolicyArns. */
  readonly roles: string[];
}

/** The template's AWS::IAM::ManagedPolicy resources by logical id; `roles` also gets those that list it in ManagedPolicyArns. */
function managedPolicies(template: CfnTemplate, resolve: Resolve): Map<string, ManagedPolicy> {
  const policies = new Map<string, ManagedPolicy>();
  for (const [id, resource] of resourcesOfType(template, 'AWS::IAM::ManagedPolicy')) {
    const where = `Resources.${id}.Properties`;
    policies.set(id, {
      arn: String(resolve({ Ref: id }, `Ref ${id}`)),
      document: policyDocument(resolve(resource.Properties?.PolicyDocument, `${where}.PolicyDocument`), `${where}.PolicyDocument`),
      roles: [...referencedIds(resource.Properties?.Roles)],
    });
  }
  for (const [roleId, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    const arns = resolve(role.Properties?.ManagedPolicyArns ?? [], `Resources.${roleId}.Properties.ManagedPolicyArns`) as unknown[];
    for (const policy of policies.values()) if (arns.includes(policy.arn) && !policy.roles.includes(roleId)) policy.roles.push(roleId);
  }
  return policies;
}

function functionAccess(
  template: CfnTemplate,
  fn: FunctionCounterpart,
  scope: IntrinsicScope,
  resolve: Resolve,
  managed: ReadonlyMap<string, ManagedPolicy>,
): FunctionAccess {
  const roleId = fn.roleLogicalId;
  const role = template.Resources[roleId].Properties ?? {};
  const where = `Resources.${roleId}.Properties`;
  if (role.PermissionsBoundary !== undefined) {
    throw new Error(`role ${roleId} of twin function ${fn.twinId} has a permissions boundary, which the twin does not evaluate`);
  }
  const roleName = String(scope.ref(roleId));
  const inline = (resolve(role.Policies ?? [], `${where}.Policies`) as { PolicyDocument: unknown }[]).map((p, i) =>
    policyDocument(p.PolicyDocument, `${where}.Policies[${i}]`),
  );
  const attached = resourcesOfType(template, 'AWS::IAM::Policy', 'AWS::IAM::RolePolicy').flatMap(([id, policy]) => {
    const target = policy.Type === 'AWS::IAM::Policy' ? policy.Properties?.Roles : [policy.Properties?.RoleName];
    const roles = resolve(target ?? [], `Resources.${id}.Properties.Roles`) as unknown[];
    if (!roles.includes(roleName)) return [];
    const documentWhere = `Resources.${id}.Properties.PolicyDocument`;
    return [policyDocument(resolve(policy.Properties?.PolicyDocument, documentWhere), documentWhere)];
  });
  const ownManaged = [...managed.values()].filter((policy) => policy.roles.includes(roleId));
  const managedArns = (resolve(role.ManagedPolicyArns ?? [], `${where}.ManagedPolicyArns`) as unknown[]).map(String);
  const policies = [...inline, ...attached, ...ownManaged.map((policy) => policy.document)];
  if (policies.length === 0) throw new Error(`role ${roleId} of twin function ${fn.twinId} has no identity policy in the template`);
  return {
    roleName,
    roleArn: String(scope.getAtt(roleId, 'Arn')),
    policies,
    managedPolicyArns: [...new Set([...managedArns, ...ownManaged.map((policy) => policy.arn)])],
    functionLogicalId: fn.functionLogicalId,
    roleLogicalId: roleId,
  };
}

/** Resource policies by the resolved ARN of the resource they protect. */
function resourcePolicies(template: CfnTemplate, scope: IntrinsicScope, resolve: Resolve): Record<string, PolicyDocument> {
  const policies: Record<string, PolicyDocument> = {};
  const add = (arn: string, document: PolicyDocument, source: string) => {
    if (policies[arn]) throw new Error(`two resource policies for ${arn}: the second from ${source}`);
    policies[arn] = document;
  };
  const { account: A, region: R, partition: P } = TWIN_ENV;

  for (const [id, resource] of resourcesOfType(template, 'AWS::SQS::QueuePolicy')) {
    const where = `Resources.${id}.Properties`;
    const document = policyDocument(resolve(resource.Properties?.PolicyDocument, `${where}.PolicyDocument`), `${where}.PolicyDocument`);
    for (const url of resolve(resource.Properties?.Queues, `${where}.Queues`) as unknown[]) add(queueArn(String(url)), document, id);
  }
  for (const [id, resource] of resourcesOfType(template, 'AWS::S3::BucketPolicy')) {
    const where = `Resources.${id}.Properties`;
    const bucket = String(resolve(resource.Properties?.Bucket, `${where}.Bucket`));
    const document = policyDocument(resolve(resource.Properties?.PolicyDocument, `${where}.PolicyDocument`), `${where}.PolicyDocument`);
    add(`arn:${P}:s3:::${bucket}`, document, id);
  }
  for (const [id, resource] of resourcesOfType(template, 'AWS::SNS::TopicPolicy')) {
    const where = `Resources.${id}.Properties`;
    const document = policyDocument(resolve(resource.Properties?.PolicyDocument, `${where}.PolicyDocument`), `${where}.PolicyDocument`);
    for (const topic of resolve(resource.Properties?.Topics, `${where}.Topics`) as unknown[]) add(String(topic), document, id);
  }
  for (const [id, resource] of resourcesOfType(template, 'AWS::KMS::Key')) {
    const where = `Resources.${id}.Properties.KeyPolicy`;
    if (resource.Properties?.KeyPolicy !== undefined) {
      add(String(scope.getAtt(id, 'Arn')), policyDocument(parseJson(resolve(resource.Properties.KeyPolicy, where)), where), id);
    }
  }
  // An event bus's policy: its Policy property, and one statement per AWS::Events::EventBusPolicy on it.
  const busStatements = new Map<string, PolicyStatement[]>();
  const busArn = (name: string) => (name.startsWith('arn:') ? name : `arn:${P}:events:${R}:${A}:event-bus/${name}`);
  for (const [id, resource] of resourcesOfType(template, 'AWS::Events::EventBus')) {
    const where = `Resources.${id}.Properties.Policy`;
    if (resource.Properties?.Policy !== undefined) {
      busStatements.set(
        String(scope.getAtt(id, 'Arn')),
        statementsOf(policyDocument(parseJson(resolve(resource.Properties.Policy, where)), where)),
      );
    }
  }
  for (const [id, resource] of resourcesOfType(template, 'AWS::Events::EventBusPolicy')) {
    const where = `Resources.${id}.Properties`;
    const properties = resolve(resource.Properties, where) as Record<string, unknown>;
    const arn = busArn(String(properties.EventBusName ?? 'default'));
    const statement = properties.Statement ?? legacyBusStatement(properties, arn);
    busStatements.set(arn, [...(busStatements.get(arn) ?? []), ...statementsOf(policyDocument({ Statement: statement }, where))]);
  }
  for (const [arn, statements] of busStatements) add(arn, { Version: '2012-10-17', Statement: statements }, 'the event bus policies');
  return policies;
}

/** EventBusPolicy without Statement: `Action`, `Principal` (an account id or `*`), `Condition`, `StatementId`. */
function legacyBusStatement(properties: Record<string, unknown>, arn: string): PolicyStatement {
  const principal = String(properties.Principal);
  const condition = properties.Condition as { Type: string; Key: string; Value: string } | undefined;
  return {
    Sid: properties.StatementId as string | undefined,
    Effect: 'Allow',
    Principal: principal === '*' ? '*' : { AWS: `arn:${TWIN_ENV.partition}:iam::${principal}:root` },
    Action: String(properties.Action),
    Resource: arn,
    ...(condition ? { Condition: { [condition.Type]: { [condition.Key]: condition.Value } } } : {}),
  };
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → `arn:aws:sqs:<region>:<account>:<name>`. */
function queueArn(url: string): string {
  const match = /^https:\/\/sqs\.([^.]+)\.[^/]+\/(\d{12})\/([^/]+)$/.exec(url);
  if (!match) throw new Error(`not a queue url: ${JSON.stringify(url)}`);
  return `arn:${TWIN_ENV.partition}:sqs:${match[1]}:${match[2]}:${match[3]}`;
}

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? [...document.Statement] : [document.Statement as PolicyStatement];
}

const STRING_LISTS = ['Action', 'NotAction', 'Resource', 'NotResource'] as const;

/** Checks a resolved document has the shape of policy-types.ts, every value a plain string (no intrinsic, no token). */
export function policyDocument(value: unknown, where: string): PolicyDocument {
  const fail = (detail: string): never => {
    throw new Error(`${where} is not a plain policy document: ${detail}`);
  };
  if (value === null || typeof value !== 'object' || !('Statement' in value)) return fail(`got ${JSON.stringify(value)}`);
  const statements = [(value as { Statement: unknown }).Statement].flat();
  statements.forEach((statement, i) => {
    if (statement === null || typeof statement !== 'object') fail(`statement ${i} is ${JSON.stringify(statement)}`);
    const s = statement as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') fail(`statement ${i} has Effect ${JSON.stringify(s.Effect)}`);
    for (const key of STRING_LISTS) {
      if (s[key] !== undefined && ![s[key]].flat().every(isPlainString)) fail(`statement ${i} ${key} is ${JSON.stringify(s[key])}`);
    }
    for (const key of ['Principal', 'NotPrincipal'] as const) {
      const principal = s[key];
      if (principal === undefined || principal === '*') continue;
      if (typeof principal !== 'object' || principal === null || !Object.values(principal).every((v) => [v].flat().every(isPlainString))) {
        fail(`statement ${i} ${key} is ${JSON.stringify(principal)}`);
      }
    }
    if (s.Condition !== undefined) {
      const values = Object.values(s.Condition as object).flatMap((block) => Object.values(block as object).flat());
      if (!values.every((v) => isPlainString(v) || typeof v === 'number' || typeof v === 'boolean')) {
        fail(`statement ${i} Condition is ${JSON.stringify(s.Condition)}`);
      }
    }
  });
  return value as PolicyDocument;
}

/** A string with no unresolved CDK token (`${Token[…]}`) in it. */
function isPlainString(value: unknown): boolean {
  return typeof value === 'string' && !value.includes('${Token[');
}
