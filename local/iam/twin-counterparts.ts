// Which template resource is which thing of the twin: each Lambda function is the twin function whose handler
// entry its role's description names, and the table, usage queue, archive bucket, alert bus and REST API are
// the resources of their type that the functions are handed in the environment variables the twin also sets.
// Reads the raw template (no intrinsics resolved); throws when anything is missing, ambiguous or left over.
import type { CfnResource, CfnTemplate } from './cfn-intrinsics';
import { TWIN_FUNCTIONS, type TwinFunction } from './twin-functions';
import { ENV_VARIABLES } from '../../contracts/function-env';

export interface FunctionCounterpart {
  readonly twinId: string;
  readonly functionLogicalId: string;
  readonly roleLogicalId: string;
  /** The function's log group, when its LoggingConfig names one of the template's. */
  readonly logGroupLogicalId?: string;
}

/** Logical ids of the resources the twin has its own copy of. */
export interface ResourceCounterparts {
  readonly table: string;
  readonly usageQueue: string;
  readonly deadLetterQueue: string;
  readonly archiveBucket: string;
  readonly alertBus: string;
  readonly restApi: string;
}

/**
 * The variable through which the stack hands each resource to its functions (the twin sets the same ones,
 * local/twin-lambdas.ts), and the resource types it may be.
 */
export const RESOURCE_VARIABLES = {
  table: { variable: ENV_VARIABLES.tableName, types: ['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table'] },
  usageQueue: { variable: ENV_VARIABLES.usageQueueUrl, types: ['AWS::SQS::Queue'] },
  archiveBucket: { variable: ENV_VARIABLES.archiveBucket, types: ['AWS::S3::Bucket'] },
  alertBus: { variable: ENV_VARIABLES.alertBusName, types: ['AWS::Events::EventBus'] },
  restApi: { variable: ENV_VARIABLES.restApiId, types: ['AWS::ApiGateway::RestApi'] },
} as const;

/** Functions CDK adds for its own custom resources (S3 auto-delete, AwsCustomResource, log retention, …). */
const CDK_PROVIDER_FUNCTION =
  /^(Custom[A-Za-z0-9]*CustomResourceProvider|AWS[0-9a-f]{32}|LogRetention[0-9a-f]{32}|BucketNotificationsHandler[0-9a-f]{32})/;

const FUNCTION_TYPE = 'AWS::Lambda::Function';

export function resourcesOfType(template: CfnTemplate, ...types: readonly string[]): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => types.includes(resource.Type));
}

/** Logical ids a raw template value points at (`Ref`, `Fn::GetAtt` in either form, `${Id}` in `Fn::Sub`). */
export function referencedIds(value: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, inner] of Object.entries(node)) {
      if (key === 'Ref' && typeof inner === 'string') ids.add(inner);
      else if (key === 'Fn::GetAtt') ids.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const [, name] of String(text).matchAll(/\$\{([^!}][^}.]*)[^}]*\}/g)) ids.add(name);
        if (Array.isArray(inner)) visit(inner[1]);
      } else visit(inner);
    }
  };
  visit(value);
  return ids;
}

/** The one logical id of `types` among `ids`; throws naming what was looked for otherwise. */
function onlyOfType(template: CfnTemplate, ids: Iterable<string>, types: readonly string[], what: string): string {
  const found = [...ids].filter((id) => types.includes(template.Resources[id]?.Type));
  const unique = [...new Set(found)];
  if (unique.length !== 1)
    throw new Error(`expected one ${types.join(' or ')} as ${what}, found ${unique.length}: ${JSON.stringify(unique)}`);
  return unique[0];
}

/** Each twin function's Lambda and role in the template. */
export function functionCounterparts(
  template: CfnTemplate,
  twinFunctions: readonly TwinFunction[] = TWIN_FUNCTIONS,
): FunctionCounterpart[] {
  const byTwinId = new Map<string, FunctionCounterpart>();
  const unmapped: string[] = [];
  for (const [logicalId, fn] of resourcesOfType(template, FUNCTION_TYPE)) {
    if (CDK_PROVIDER_FUNCTION.test(logicalId)) continue;
    const roleLogicalId = onlyOfType(template, referencedIds(fn.Properties?.Role), ['AWS::IAM::Role'], `the role of function ${logicalId}`);
    const description = template.Resources[roleLogicalId].Properties?.Description;
    const named = twinFunctions.filter((twin) => typeof description === 'string' && namesEntry(description, twin.entry));
    if (named.length === 0) {
      unmapped.push(`${logicalId} (role ${roleLogicalId}: ${JSON.stringify(description)})`);
      continue;
    }
    if (named.length > 1)
      throw new Error(`role ${roleLogicalId} of function ${logicalId} names several twin entries: ${JSON.stringify(description)}`);
    const [twin] = named;
    const previous = byTwinId.get(twin.id);
    if (previous)
      throw new Error(`twin function ${twin.id} matches two template functions: ${previous.functionLogicalId} and ${logicalId}`);
    const logGroups = referencedIds((fn.Properties?.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup);
    byTwinId.set(twin.id, {
      twinId: twin.id,
      functionLogicalId: logicalId,
      roleLogicalId,
      logGroupLogicalId: [...logGroups].find((id) => template.Resources[id]?.Type === 'AWS::Logs::LogGroup'),
    });
  }
  const missing = twinFunctions.filter((twin) => !byTwinId.has(twin.id)).map((m) => `${m.id} (${m.entry})`);
  const problems = [
    ...(unmapped.length > 0
      ? [`template functions that are no twin function (their role's description names no entry of contracts/): ${unmapped.join('; ')}`]
      : []),
    ...(missing.length > 0
      ? [`twin functions with no function in the template (no role description names their entry): ${missing.join(', ')}`]
      : []),
  ];
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return twinFunctions.map((twin) => byTwinId.get(twin.id)!);
}

/** True when the description names the entry as a whole word (`Runs functions/hello/handler.ts`). */
function namesEntry(description: string, entry: string): boolean {
  const escaped = entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s(:'"\`])${escaped}($|[\\s),.;:'"\`])`).test(description);
}

/** The template's table, usage queue and its DLQ, archive bucket, alert bus and REST API. */
export function resourceCounterparts(template: CfnTemplate): ResourceCounterparts {
  const handedOut = (variable: string) =>
    resourcesOfType(template, FUNCTION_TYPE).flatMap(([, fn]) => {
      const value = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.[variable];
      return value === undefined ? [] : [...referencedIds(value)];
    });
  const find = (kind: keyof typeof RESOURCE_VARIABLES) => {
    const { variable, types } = RESOURCE_VARIABLES[kind];
    return onlyOfType(template, handedOut(variable), types, `the resource functions get in ${variable}`);
  };
  const usageQueue = find('usageQueue');
  const redrive = template.Resources[usageQueue].Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
  return {
    table: find('table'),
    usageQueue,
    deadLetterQueue: onlyOfType(template, referencedIds(redrive?.deadLetterTargetArn), ['AWS::SQS::Queue'], `the DLQ of ${usageQueue}`),
    archiveBucket: find('archiveBucket'),
    alertBus: find('alertBus'),
    restApi: find('restApi'),
  };
}
