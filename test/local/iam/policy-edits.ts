// Test helpers that take one grant away from a function's extracted policies, as if the stack had been
// synthesized without it: the "proof that it bites" tests start a twin with them and expect AccessDenied.
import type { ConditionBlock, PolicyDocument, PolicyStatement } from '../../../local/iam/policy-types';
import type { StackAccess } from '../../../local/iam/stack-policies';

const list = <T>(value: T | readonly T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? [...value] : [value as T]);

function editPolicies(
  access: StackAccess,
  functionId: string,
  edit: (statement: PolicyStatement) => PolicyStatement | undefined,
): StackAccess {
  const fn = access.functions[functionId];
  if (!fn) throw new Error(`no function ${functionId} in the stack`);
  let changed = 0;
  const policies: PolicyDocument[] = fn.policies.map((policy) => ({
    ...policy,
    Statement: list(policy.Statement).flatMap((statement) => {
      const edited = edit(statement);
      if (edited !== statement) changed += 1;
      return edited ? [edited] : [];
    }),
  }));
  if (changed === 0) throw new Error(`nothing to remove from ${functionId}'s policies: the test would prove nothing`);
  return { ...access, functions: { ...access.functions, [functionId]: { ...fn, policies } } };
}

/** Removes `action` from every Allow statement of the function (statements left with no action are dropped). */
export function withoutAction(access: StackAccess, functionId: string, action: string): StackAccess {
  return editPolicies(access, functionId, (statement) => {
    const actions = list(statement.Action);
    if (statement.Effect !== 'Allow' || !actions.some((a) => a.toLowerCase() === action.toLowerCase())) return statement;
    const rest = actions.filter((a) => a.toLowerCase() !== action.toLowerCase());
    return rest.length === 0 ? undefined : { ...statement, Action: rest };
  });
}

/** Removes every `dynamodb:LeadingKeys` pattern starting with `prefix` from the function's Allow statements. */
export function withoutLeadingKeys(access: StackAccess, functionId: string, prefix: string): StackAccess {
  return editPolicies(access, functionId, (statement) => {
    if (statement.Effect !== 'Allow' || !statement.Condition) return statement;
    let touched = false;
    const condition: Record<string, Record<string, unknown>> = {};
    for (const [operator, keys] of Object.entries(statement.Condition)) {
      condition[operator] = {};
      for (const [key, values] of Object.entries(keys)) {
        if (key.toLowerCase() !== 'dynamodb:leadingkeys') {
          condition[operator][key] = values;
          continue;
        }
        const kept = list(values as string | readonly string[]).filter((value) => !String(value).startsWith(prefix));
        if (kept.length !== list(values as string | readonly string[]).length) touched = true;
        if (kept.length > 0) condition[operator][key] = kept;
        else return undefined; // no key left this statement may touch
      }
    }
    return touched ? { ...statement, Condition: condition as ConditionBlock } : statement;
  });
}
