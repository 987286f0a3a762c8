// Resolves CloudFormation intrinsic functions (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split,
// Fn::If, …) in a template value, given what each Ref and GetAtt stands for. Pure: it knows no resource
// types; template-resources.ts says what a logical id resolves to in the twin's world.

/** A synthesized CloudFormation template, as much of it as the twin reads. */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly Parameters?: Readonly<Record<string, { readonly Default?: unknown }>>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly Condition?: string;
}

/** What the resolver asks for; either may throw to say a name is unknown. */
export interface IntrinsicScope {
  /** A logical id, a parameter or a pseudo parameter (`AWS::Region`); return NO_VALUE for `AWS::NoValue`. */
  ref(name: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  readonly conditions?: CfnTemplate['Conditions'];
  readonly mappings?: CfnTemplate['Mappings'];
}

/** `AWS::NoValue`: the property or list element is dropped. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export class UnresolvedIntrinsicError extends Error {
  constructor(where: string, detail: string) {
    super(`cannot resolve ${where}: ${detail}`);
    this.name = 'UnresolvedIntrinsicError';
  }
}

type Resolver = (args: unknown, scope: IntrinsicScope, where: string) => unknown;

/** Every intrinsic the resolver understands; any other `Fn::` key is an error, never left in place. */
const FUNCTIONS: Readonly<Record<string, Resolver>> = {
  Ref: (name, scope, where) => scope.ref(expectString(name, where)),
  'Fn::GetAtt': (args, scope, where) => {
    const [logicalId, attribute] =
      typeof args === 'string' ? splitOnce(args, '.', where) : expectStrings(resolveValue(args, scope, where), 2, where);
    return scope.getAtt(logicalId, attribute);
  },
  'Fn::Join': (args, scope, where) => {
    const [delimiter, parts] = expectPair(args, where);
    const list = resolveValue(parts, scope, `${where}[1]`);
    if (!Array.isArray(list)) throw new UnresolvedIntrinsicError(where, `Fn::Join wants a list, got ${JSON.stringify(list)}`);
    return list.map((part, i) => expectString(part, `${where}[1][${i}]`)).join(expectString(delimiter, `${where}[0]`));
  },
  'Fn::Sub': (args, scope, where) => {
    const [text, variables] = Array.isArray(args) ? expectPair(args, where) : [args, {}];
    const given = resolveValue(variables, scope, `${where}[1]`) as Record<string, unknown>;
    return expectString(text, where).replace(/\$\{(!?)([^}]*)\}/g, (_whole, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      const value = Object.hasOwn(given, name)
        ? given[name]
        : name.includes('.')
          ? scope.getAtt(...splitOnce(name, '.', where))
          : scope.ref(name);
      return expectString(value, `${where} \${${name}}`);
    });
  },
  'Fn::Select': (args, scope, where) => {
    const [index, list] = expectPair(resolveValue(args, scope, where), where);
    const i = Number(index);
    if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length) {
      throw new UnresolvedIntrinsicError(where, `Fn::Select index ${JSON.stringify(index)} out of ${JSON.stringify(list)}`);
    }
    return list[i];
  },
  'Fn::Split': (args, scope, where) => {
    const [delimiter, text] = expectPair(resolveValue(args, scope, where), where);
    return expectString(text, where).split(expectString(delimiter, where));
  },
  'Fn::If': (args, scope, where) => {
    if (!Array.isArray(args) || args.length !== 3)
      throw new UnresolvedIntrinsicError(where, `expected [condition, a, b], got ${JSON.stringify(args)}`);
    const [condition, whenTrue, whenFalse] = args;
    return resolveValue(evaluateCondition(expectString(condition, where), scope, where) ? whenTrue : whenFalse, scope, where);
  },
  'Fn::FindInMap': (args, scope, where) => {
    const [map, top, second] = expectStrings(resolveValue(args, scope, where), 3, where);
    const value = scope.mappings?.[map]?.[top]?.[second];
    if (value === undefined) throw new UnresolvedIntrinsicError(where, `no mapping ${map}.${top}.${second}`);
    return value;
  },
  'Fn::Base64': (args, scope, where) => Buffer.from(expectString(resolveValue(args, scope, where), where)).toString('base64'),
  'Fn::ToJsonString': (args, scope, where) => JSON.stringify(resolveValue(args, scope, where)),
  'Fn::Length': (args, scope, where) => {
    const list = resolveValue(args, scope, where);
    if (!Array.isArray(list)) throw new UnresolvedIntrinsicError(where, `Fn::Length wants a list, got ${JSON.stringify(list)}`);
    return list.length;
  },
  'Fn::GetAZs': (_args, scope, where) => {
    const region = expectString(scope.ref('AWS::Region'), where);
    return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
  },
};

/** Condition functions, valid only inside `Conditions` and `Fn::If`. */
const CONDITION_FUNCTIONS: Readonly<Record<string, (args: unknown[], scope: IntrinsicScope, where: string) => boolean>> = {
  'Fn::Equals': (args, scope, where) => {
    const [a, b] = args.map((arg, i) => resolveValue(arg, scope, `${where}[${i}]`));
    return JSON.stringify(a) === JSON.stringify(b);
  },
  'Fn::Not': ([inner], scope, where) => !evaluateConditionValue(inner, scope, where),
  'Fn::And': (args, scope, where) => args.every((arg, i) => evaluateConditionValue(arg, scope, `${where}[${i}]`)),
  'Fn::Or': (args, scope, where) => args.some((arg, i) => evaluateConditionValue(arg, scope, `${where}[${i}]`)),
  'Fn::Contains': ([list, value], scope, where) => {
    const resolved = resolveValue(list, scope, where);
    return Array.isArray(resolved) && resolved.includes(resolveValue(value, scope, where));
  },
};

/**
 * The value with every intrinsic replaced by what it stands for. `where` names the value in errors
 * (`Resources.X.Properties.PolicyDocument`). Throws UnresolvedIntrinsicError rather than leave one in place.
 */
export function resolveValue(value: unknown, scope: IntrinsicScope, where = '$'): unknown {
  if (Array.isArray(value)) {
    return value.map((item, i) => resolveValue(item, scope, `${where}[${i}]`)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const intrinsic = intrinsicOf(value);
  if (intrinsic) {
    const [name, args] = intrinsic;
    const fn = FUNCTIONS[name];
    if (!fn) throw new UnresolvedIntrinsicError(where, `${name} is not supported by the twin`);
    return fn(args, scope, `${where}.${name}`);
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const result = resolveValue(item, scope, `${where}.${key}`);
    if (result !== NO_VALUE) resolved[key] = result;
  }
  return resolved;
}

/** The pseudo parameters of a stack in the given account, region and partition. */
export function pseudoParameters(env: { account: string; region: string; partition: string; stackName: string; urlSuffix: string }) {
  return {
    'AWS::AccountId': env.account,
    'AWS::Region': env.region,
    'AWS::Partition': env.partition,
    'AWS::URLSuffix': env.urlSuffix,
    'AWS::StackName': env.stackName,
    // A fixed id: the twin's stack never changes identity.
    'AWS::StackId': `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${env.stackName}/00000000-0000-0000-0000-000000000000`,
    'AWS::NotificationARNs': [],
    'AWS::NoValue': NO_VALUE,
  } as const satisfies Record<string, unknown>;
}

/** `{ Ref: … }` or `{ 'Fn::…': … }` (a one-key object); anything else is data. */
function intrinsicOf(value: object): [string, unknown] | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys;
  return key === 'Ref' || key.startsWith('Fn::') ? [key, (value as Record<string, unknown>)[key]] : undefined;
}

function evaluateCondition(name: string, scope: IntrinsicScope, where: string): boolean {
  const definition = scope.conditions?.[name];
  if (definition === undefined) throw new UnresolvedIntrinsicError(where, `no condition named ${name}`);
  return evaluateConditionValue(definition, scope, `Conditions.${name}`);
}

function evaluateConditionValue(value: unknown, scope: IntrinsicScope, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const [[key, args]] = Object.entries(value);
    if (key === 'Condition') return evaluateCondition(expectString(args, where), scope, where);
    const fn = CONDITION_FUNCTIONS[key];
    if (fn && Array.isArray(args)) return fn(args, scope, `${where}.${key}`);
  }
  throw new UnresolvedIntrinsicError(where, `not a condition: ${JSON.stringify(value)}`);
}

function splitOnce(text: string, separator: string, where: string): [string, string] {
  const at = text.indexOf(separator);
  if (at < 0) throw new UnresolvedIntrinsicError(where, `expected "LogicalId${separator}Attribute", got ${JSON.stringify(text)}`);
  return [text.slice(0, at), text.slice(at + 1)];
}

function expectString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new UnresolvedIntrinsicError(where, `expected a string, got ${JSON.stringify(value)}`);
}

function expectStrings(value: unknown, count: number, where: string): string[] {
  if (!Array.isArray(value) || value.length < count)
    throw new UnresolvedIntrinsicError(where, `expected ${count} values, got ${JSON.stringify(value)}`);
  return value.slice(0, count).map((item, i) => expectString(item, `${where}[${i}]`));
}

function expectPair(value: unknown, where: string): [unknown, unknown] {
  if (!Array.isArray(value) || value.length !== 2)
    throw new UnresolvedIntrinsicError(where, `expected [a, b], got ${JSON.stringify(value)}`);
  return [value[0], value[1]];
}
