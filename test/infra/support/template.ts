// Small readers over a synthesized template: resources by type, API paths, role policies.
import type { Template } from 'aws-cdk-lib/assertions';

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, any>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

export function onlyResource(template: Template, type: string): [string, CfnResource] {
  const found = Object.entries(resourcesOf(template, type));
  if (found.length !== 1) throw new Error(`expected one ${type}, got ${found.length}`);
  return found[0];
}

/** Full path (`/v1/usage/daily`) of an API Gateway resource, root being `/`. */
export function resourcePath(template: Template, resourceId: unknown): string {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const parts: string[] = [];
  let ref = resourceId as { Ref?: string; 'Fn::GetAtt'?: string[] };
  while (ref?.Ref && resources[ref.Ref]) {
    const resource = resources[ref.Ref];
    parts.unshift(resource.Properties.PathPart);
    ref = resource.Properties.ParentId;
  }
  return `/${parts.join('/')}`;
}

/** Methods keyed `GET /v1/hello`. */
export function methodsByRoute(template: Template): Map<string, [string, CfnResource]> {
  const methods = new Map<string, [string, CfnResource]>();
  for (const [id, method] of Object.entries(resourcesOf(template, 'AWS::ApiGateway::Method'))) {
    methods.set(`${method.Properties.HttpMethod} ${resourcePath(template, method.Properties.ResourceId)}`, [id, method]);
  }
  return methods;
}

/** Logical id of the Lambda a proxy integration points at. */
export function integrationFunctionId(method: CfnResource): string {
  const parts = method.Properties.Integration.Uri['Fn::Join'][1] as unknown[];
  const getAtt = parts.find((p) => typeof p === 'object' && p !== null && 'Fn::GetAtt' in p) as { 'Fn::GetAtt': string[] };
  return getAtt['Fn::GetAtt'][0];
}

/** The functions this stack declares (not CDK's own custom-resource providers): they carry STAGE. */
export function stackFunctions(template: Template): Record<string, CfnResource> {
  return Object.fromEntries(
    Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).filter(
      ([, fn]) => fn.Properties.Environment?.Variables?.STAGE !== undefined,
    ),
  );
}

export function functionByService(template: Template, service: string): [string, CfnResource][] {
  return Object.entries(stackFunctions(template)).filter(
    ([, fn]) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === service,
  );
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of every policy attached to a role. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

export function roleOfFunction(fn: CfnResource): string {
  return fn.Properties.Role['Fn::GetAtt'][0];
}

export function actionsOf(statements: Statement[]): string[] {
  return [...new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();
}

/** True when a resource value mentions the given logical id (Ref or GetAtt, possibly inside a Join). */
export function mentions(value: unknown, logicalId: string): boolean {
  return JSON.stringify(value).includes(`"${logicalId}"`);
}

/**
 * The table grants of some statements by partition-key pattern (`USAGE#*`): the actions allowed on it. A statement
 * limited to some attributes is listed under `<pattern> [attributes]`.
 */
export function tableGrants(statements: readonly Statement[]): Record<string, string[]> {
  const grants: Record<string, Set<string>> = {};
  for (const s of statements) {
    const actions = ([] as string[]).concat(s.Action).filter((a) => a.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    const condition = (s.Condition ?? {}) as Record<string, Record<string, string[]>>;
    const patterns = condition['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? ['(no LeadingKeys condition)'];
    const attributes = condition['ForAllValues:StringEquals']?.['dynamodb:Attributes'];
    for (const pattern of patterns) {
      const key = attributes ? `${pattern} [${attributes.join(', ')}]` : pattern;
      grants[key] ??= new Set();
      for (const action of actions) grants[key].add(action);
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([key, actions]) => [key, [...actions].sort()]));
}
