// What each resource of a synthesized template is called in the twin's world: its physical name (the
// twin's own where it has one, else a deterministic stand-in for CloudFormation's generated name), what Ref
// and Fn::GetAtt return for it, and the pseudo parameters of the twin's account and region.
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../fake-aws';
import {
  type CfnResource,
  type CfnTemplate,
  type IntrinsicScope,
  pseudoParameters,
  resolveValue,
  UnresolvedIntrinsicError,
} from './cfn-intrinsics';

export const TWIN_ENV = { account: LOCAL_ACCOUNT_ID, region: LOCAL_REGION, partition: 'aws', urlSuffix: 'amazonaws.com' } as const;

/** One resource as the rules below see it: its logical id, resolved physical name and raw properties. */
interface Named {
  readonly logicalId: string;
  readonly name: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

interface ResourceKind {
  /** The property that names the resource when the template names it. */
  readonly nameProperty?: string;
  /** Longest name CloudFormation generates for this type. @default 64 */
  readonly maxNameLength?: number;
  readonly lowerCaseName?: boolean;
  /** CloudFormation gives it an opaque id (a KMS key id, a REST API id), not a name: the twin's stand-in is the logical id. */
  readonly opaqueId?: boolean;
  readonly ref: (r: Named) => string;
  readonly attributes?: Readonly<Record<string, (r: Named) => string>>;
}

const { account: A, region: R, partition: P, urlSuffix: URL_SUFFIX } = TWIN_ENV;
const queueUrl = (r: Named) => `https://sqs.${R}.${URL_SUFFIX}/${A}/${r.name}`;
const iamPath = (r: Named) => (typeof r.properties.Path === 'string' ? r.properties.Path : '/');

/** Ref and GetAtt per resource type, as CloudFormation documents them. */
const KINDS: Readonly<Record<string, ResourceKind>> = {
  'AWS::DynamoDB::Table': dynamoTable(),
  'AWS::DynamoDB::GlobalTable': dynamoTable(),
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    maxNameLength: 80,
    ref: queueUrl,
    attributes: { Arn: (r) => `arn:${P}:sqs:${R}:${A}:${r.name}`, QueueName: (r) => r.name, QueueUrl: queueUrl },
  },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    maxNameLength: 63,
    lowerCaseName: true,
    ref: (r) => r.name,
    attributes: {
      Arn: (r) => `arn:${P}:s3:::${r.name}`,
      DomainName: (r) => `${r.name}.s3.${URL_SUFFIX}`,
      RegionalDomainName: (r) => `${r.name}.s3.${R}.${URL_SUFFIX}`,
      DualStackDomainName: (r) => `${r.name}.s3.dualstack.${R}.${URL_SUFFIX}`,
      WebsiteURL: (r) => `http://${r.name}.s3-website-${R}.${URL_SUFFIX}`,
    },
  },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    ref: (r) => r.name,
    attributes: { Arn: (r) => `arn:${P}:lambda:${R}:${A}:function:${r.name}` },
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    ref: (r) => r.name,
    attributes: { Arn: (r) => `arn:${P}:iam::${A}:role${iamPath(r)}${r.name}`, RoleId: (r) => `AROA${r.logicalId.toUpperCase()}` },
  },
  'AWS::IAM::ManagedPolicy': {
    nameProperty: 'ManagedPolicyName',
    ref: (r) => `arn:${P}:iam::${A}:policy${iamPath(r)}${r.name}`,
    attributes: { PolicyArn: (r) => `arn:${P}:iam::${A}:policy${iamPath(r)}${r.name}` },
  },
  'AWS::IAM::Policy': { nameProperty: 'PolicyName', ref: (r) => r.name },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    maxNameLength: 512,
    ref: (r) => r.name,
    attributes: { Arn: (r) => `arn:${P}:logs:${R}:${A}:log-group:${r.name}:*` },
  },
  'AWS::Events::EventBus': {
    nameProperty: 'Name',
    ref: (r) => r.name,
    attributes: { Arn: (r) => `arn:${P}:events:${R}:${A}:event-bus/${r.name}`, Name: (r) => r.name },
  },
  'AWS::Events::Rule': {
    nameProperty: 'Name',
    ref: (r) => r.name,
    attributes: { Arn: (r) => `arn:${P}:events:${R}:${A}:rule/${r.name}` },
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    maxNameLength: 256,
    ref: (r) => `arn:${P}:sns:${R}:${A}:${r.name}`,
    attributes: { TopicArn: (r) => `arn:${P}:sns:${R}:${A}:${r.name}`, TopicName: (r) => r.name },
  },
  'AWS::KMS::Key': {
    opaqueId: true,
    ref: (r) => r.name,
    attributes: { Arn: (r) => `arn:${P}:kms:${R}:${A}:key/${r.name}`, KeyId: (r) => r.name },
  },
  'AWS::KMS::Alias': { nameProperty: 'AliasName', ref: (r) => r.name },
  'AWS::ApiGateway::Stage': { nameProperty: 'StageName', ref: (r) => r.name },
  'AWS::Scheduler::Schedule': {
    nameProperty: 'Name',
    ref: (r) => r.name,
    attributes: {
      Arn: (r) =>
        `arn:${P}:scheduler:${R}:${A}:schedule/${typeof r.properties.GroupName === 'string' ? r.properties.GroupName : 'default'}/${r.name}`,
    },
  },
  'AWS::CloudWatch::Alarm': {
    nameProperty: 'AlarmName',
    maxNameLength: 255,
    ref: (r) => r.name,
    attributes: { Arn: (r) => `arn:${P}:cloudwatch:${R}:${A}:alarm:${r.name}` },
  },
  'AWS::CloudWatch::Dashboard': { nameProperty: 'DashboardName', ref: (r) => r.name },
  'AWS::SecretsManager::Secret': {
    nameProperty: 'Name',
    ref: (r) => `arn:${P}:secretsmanager:${R}:${A}:secret:${r.name}`,
    attributes: { Id: (r) => `arn:${P}:secretsmanager:${R}:${A}:secret:${r.name}` },
  },
};

function dynamoTable(): ResourceKind {
  const arn = (r: Named) => `arn:${P}:dynamodb:${R}:${A}:table/${r.name}`;
  return {
    nameProperty: 'TableName',
    maxNameLength: 255,
    ref: (r) => r.name,
    attributes: { Arn: arn, StreamArn: (r) => `${arn(r)}/stream/1970-01-01T00:00:00.000` },
  };
}

/** Any other type (a REST API, a usage plan, …): Ref gives its id, and Arn a stand-in in the twin's account and region. */
const PLACEHOLDER: ResourceKind = { opaqueId: true, ref: (r) => r.name };

function placeholderArn(type: string, id: string): string {
  const [, service = 'cloudformation', kind = 'resource'] = type.split('::');
  return `arn:${P}:${service.toLowerCase()}:${R}:${A}:${kind.toLowerCase()}/${id}`;
}

export interface TwinScopeOptions {
  readonly stackName: string;
  /** Physical names the twin gives resources (the table, queues, bucket, functions, …), by logical id. */
  readonly names: ReadonlyMap<string, string>;
}

/** Resolves Ref and Fn::GetAtt of the template's resources, parameters and pseudo parameters in the twin's world. */
export function twinScope(template: CfnTemplate, options: TwinScopeOptions): IntrinsicScope {
  const pseudo: Record<string, unknown> = pseudoParameters({ ...TWIN_ENV, stackName: options.stackName });
  const named = new Map<string, Named>();

  const resourceOf = (logicalId: string, where: string): [CfnResource, ResourceKind] => {
    const resource = template.Resources[logicalId];
    if (!resource) throw new UnresolvedIntrinsicError(where, `no resource ${logicalId} in the template`);
    return [resource, KINDS[resource.Type] ?? PLACEHOLDER];
  };

  const namedOf = (logicalId: string): Named => {
    let found = named.get(logicalId);
    if (!found) {
      const [resource, kind] = resourceOf(logicalId, logicalId);
      const properties = resource.Properties ?? {};
      const explicit = kind.nameProperty ? properties[kind.nameProperty] : undefined;
      const name =
        options.names.get(logicalId) ??
        (explicit !== undefined
          ? String(resolveValue(explicit, scope, `Resources.${logicalId}.Properties.${kind.nameProperty}`))
          : kind.opaqueId
            ? logicalId
            : generatedName(options.stackName, logicalId, kind));
      found = { logicalId, name, properties };
      named.set(logicalId, found);
    }
    return found;
  };

  const scope: IntrinsicScope = {
    conditions: template.Conditions,
    mappings: template.Mappings,
    ref(name) {
      if (Object.hasOwn(pseudo, name)) return pseudo[name];
      if (template.Resources[name]) return resourceOf(name, `Ref ${name}`)[1].ref(namedOf(name));
      const parameter = template.Parameters?.[name];
      if (parameter?.Default !== undefined) return parameter.Default;
      throw new UnresolvedIntrinsicError(`Ref ${name}`, 'no resource, parameter with a default, or pseudo parameter of that name');
    },
    getAtt(logicalId, attribute) {
      const [resource, kind] = resourceOf(logicalId, `Fn::GetAtt ${logicalId}.${attribute}`);
      const rule = kind.attributes?.[attribute];
      const named = namedOf(logicalId);
      if (rule) return rule(named);
      return attribute.endsWith('Arn') ? placeholderArn(resource.Type, named.name) : `${named.name}.${attribute}`;
    },
  };
  return scope;
}

/**
 * CloudFormation names an unnamed resource `<stack>-<logical id>-<random suffix>`; the twin drops the
 * suffix so the name is the same on every start.
 */
function generatedName(stackName: string, logicalId: string, kind: ResourceKind): string {
  const name = `${stackName}-${logicalId}`.slice(0, kind.maxNameLength ?? 64);
  return kind.lowerCaseName ? name.toLowerCase() : name;
}
