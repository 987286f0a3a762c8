// A statement's Condition block against a request's context: the condition operators, the ForAllValues: and
// ForAnyValue: set prefixes, the ...IfExists suffix and Null, with the rules for missing keys that the IAM User Guide
// documents (reference_policies_elements_condition_operators, reference_policies_multi-value-conditions).
import type { ConditionBlock, ConditionValue } from './policy-types';
import { matchesArn, matchesWildcard } from './wildcards';

/** Looks a condition key up in the request context; key names are case-insensitive. */
export type ContextLookup = (key: string) => ConditionValue | undefined;

/** The first condition of a block that does not hold: its operator and key, as written in the policy. */
export interface FailedCondition {
  readonly operator: string;
  readonly key: string;
}

interface BaseOperator {
  /** A negated operator (StringNotEquals, ArnNotLike…) holds when the value matches none of the policy's values. */
  readonly negated: boolean;
  readonly matches: (requestValue: string, policyValue: string) => boolean;
}

const numeric = (compare: (request: number, policy: number) => boolean) => (requestValue: string, policyValue: string) => {
  const request = Number(requestValue);
  const policy = Number(policyValue);
  return (
    requestValue.trim() !== '' &&
    policyValue.trim() !== '' &&
    Number.isFinite(request) &&
    Number.isFinite(policy) &&
    compare(request, policy)
  );
};

/** Dates are ISO 8601 or epoch seconds (aws:EpochTime). */
function epochMs(value: string): number {
  return /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
}

const date = (compare: (request: number, policy: number) => boolean) => (requestValue: string, policyValue: string) => {
  const request = epochMs(requestValue);
  const policy = epochMs(policyValue);
  return Number.isFinite(request) && Number.isFinite(policy) && compare(request, policy);
};

const stringEquals = (a: string, b: string) => a === b;
const stringEqualsIgnoreCase = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const stringLike = (value: string, pattern: string) => matchesWildcard(pattern, value);
const arnLike = (value: string, pattern: string) => matchesArn(pattern, value);
const numericEquals = numeric((a, b) => a === b);
const dateEquals = date((a, b) => a === b);

/** Keyed by the lower-cased operator name: AWS spells them one way, and a differently-cased one is the same operator. */
const OPERATORS: Readonly<Record<string, BaseOperator>> = {
  stringequals: { negated: false, matches: stringEquals },
  stringnotequals: { negated: true, matches: stringEquals },
  stringequalsignorecase: { negated: false, matches: stringEqualsIgnoreCase },
  stringnotequalsignorecase: { negated: true, matches: stringEqualsIgnoreCase },
  stringlike: { negated: false, matches: stringLike },
  stringnotlike: { negated: true, matches: stringLike },
  arnequals: { negated: false, matches: arnLike },
  arnlike: { negated: false, matches: arnLike },
  arnnotequals: { negated: true, matches: arnLike },
  arnnotlike: { negated: true, matches: arnLike },
  numericequals: { negated: false, matches: numericEquals },
  numericnotequals: { negated: true, matches: numericEquals },
  numericlessthan: { negated: false, matches: numeric((a, b) => a < b) },
  numericlessthanequals: { negated: false, matches: numeric((a, b) => a <= b) },
  numericgreaterthan: { negated: false, matches: numeric((a, b) => a > b) },
  numericgreaterthanequals: { negated: false, matches: numeric((a, b) => a >= b) },
  dateequals: { negated: false, matches: dateEquals },
  datenotequals: { negated: true, matches: dateEquals },
  datelessthan: { negated: false, matches: date((a, b) => a < b) },
  datelessthanequals: { negated: false, matches: date((a, b) => a <= b) },
  dategreaterthan: { negated: false, matches: date((a, b) => a > b) },
  dategreaterthanequals: { negated: false, matches: date((a, b) => a >= b) },
  bool: { negated: false, matches: stringEqualsIgnoreCase },
  binaryequals: { negated: false, matches: stringEquals },
};

type SetPrefix = 'ForAllValues' | 'ForAnyValue' | undefined;

interface ParsedOperator {
  readonly setPrefix: SetPrefix;
  /** `null` for the Null operator, which tests presence rather than values. */
  readonly base: BaseOperator | null;
  readonly ifExists: boolean;
}

function parseOperator(operator: string): ParsedOperator {
  const match = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/i.exec(operator);
  const name = match?.[2]?.toLowerCase() ?? '';
  const setPrefix = match?.[1] ? ((match[1].toLowerCase() === 'forallvalues' ? 'ForAllValues' : 'ForAnyValue') as SetPrefix) : undefined;
  const ifExists = Boolean(match?.[3]);
  if (name === 'null' && !ifExists && !setPrefix) return { setPrefix, base: null, ifExists };
  const base = OPERATORS[name];
  // AWS refuses to save a policy with an operator it does not know; evaluating one as false would let a Deny slip.
  if (!base) throw new Error(`unsupported condition operator: ${operator}`);
  return { setPrefix, base, ifExists };
}

/** The request's values of a key: undefined when absent, an array otherwise (one element for a single value). */
function requestValues(value: ConditionValue | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** "No keys in the request, or key values that resolve to a null data set, such as an empty string" (set operators). */
function isEmptySet(values: readonly string[] | undefined): boolean {
  return values === undefined || values.length === 0 || (values.length === 1 && values[0] === '');
}

function keyHolds(operator: ParsedOperator, values: readonly string[] | undefined, policyValues: readonly string[]): boolean {
  const { base, setPrefix, ifExists } = operator;
  if (base === null) {
    const isNull = values === undefined || values.length === 0;
    return policyValues.some((wanted) => (wanted.toLowerCase() === 'true') === isNull);
  }
  const matchesAny = (value: string) => policyValues.some((policyValue) => base.matches(value, policyValue));
  // A negated operator with several policy values is their NOR: the value matches none of them.
  const holdsFor = (value: string) => (base.negated ? !matchesAny(value) : matchesAny(value));
  if (setPrefix === 'ForAllValues') {
    // The documented trap: true when the request has no values at all.
    return isEmptySet(values) || values!.every(holdsFor);
  }
  if (setPrefix === 'ForAnyValue') {
    if (isEmptySet(values)) return ifExists;
    return values!.some(holdsFor);
  }
  if (values === undefined || values.length === 0) {
    // A missing key fails a positive test and passes a negated one; ...IfExists passes either way.
    return ifExists || base.negated;
  }
  // A single-valued operator on a multivalued key (AWS wants a set prefix there): a positive test needs one matching
  // value, a negated one needs none.
  return base.negated ? values.every(holdsFor) : values.some(holdsFor);
}

const asList = (value: unknown): readonly string[] => (Array.isArray(value) ? value : [value]).map(String);

/**
 * The first condition in the block that does not hold, or undefined when all hold. Operators are ANDed, keys
 * within an operator are ANDed, and a key's values are ORed (NORed for negated operators).
 */
export function failedCondition(block: ConditionBlock | undefined, lookup: ContextLookup): FailedCondition | undefined {
  for (const [operator, keys] of Object.entries(block ?? {})) {
    const parsed = parseOperator(operator);
    for (const [key, policyValue] of Object.entries(keys)) {
      if (!keyHolds(parsed, requestValues(lookup(key)), asList(policyValue))) return { operator, key };
    }
  }
  return undefined;
}
