// API Gateway management calls (REST JSON) as the requests AWS authorizes. The action is the HTTP method
// (`apigateway:POST`) and the resource the path under `arn:aws:apigateway:<region>::` (Service Authorization Reference,
// "Amazon API Gateway Management"), so any route reads the same way; the table below only names the operations.
//
// Tag-on-create: a create carrying `tags` is authorized twice. First `apigateway:POST` on the collection, with
// aws:RequestTag/<key> and aws:TagKeys. Then the tagging permission, `apigateway:PUT` on the Tags resource
// (`arn:aws:apigateway:<region>::/tags/<url-encoded ARN of the new resource>`, resource type "Tags" in the Service
// Authorization Reference; PUT /tags/{arn} is TagResource). The docs corpus has no page that states this rule in words;
// what we found: AWS's own AccessDenied for creating a tagged REST API reads "is not authorized to perform:
// apigateway:PUT on resource: arn:aws:apigateway:us-east-1::/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2F*"
// (quoted in mattclay/aws-terminator#284), i.e. the new resource's id is `*` because it does not exist yet; the
// API Gateway developer guide's tag policies (apigateway-tagging-iam-policy.html) grant and deny tagging on
// `arn:aws:apigateway:*::/tags/*`; and iann0036/iam-dataset#39 maps TagResource to PATCH on the resource plus PUT on
// the tags resource, "tested against AWS".
import type { AwsCall, AwsEnvironment, DraftOperation, DraftRequest } from './aws-call';
import { jsonBody, requestTagContext } from './aws-call';

/** Method and path template (`{}` is one path segment) → operation, for the routes the stack's code and scripts use. */
const OPERATIONS: ReadonlyArray<readonly [method: string, template: string, operation: string]> = [
  ['POST', '/apikeys', 'CreateApiKey'],
  ['GET', '/apikeys', 'GetApiKeys'],
  ['GET', '/apikeys/{}', 'GetApiKey'],
  ['PATCH', '/apikeys/{}', 'UpdateApiKey'],
  ['DELETE', '/apikeys/{}', 'DeleteApiKey'],
  ['POST', '/usageplans', 'CreateUsagePlan'],
  ['GET', '/usageplans', 'GetUsagePlans'],
  ['GET', '/usageplans/{}', 'GetUsagePlan'],
  ['PATCH', '/usageplans/{}', 'UpdateUsagePlan'],
  ['DELETE', '/usageplans/{}', 'DeleteUsagePlan'],
  ['POST', '/usageplans/{}/keys', 'CreateUsagePlanKey'],
  ['GET', '/usageplans/{}/keys', 'GetUsagePlanKeys'],
  ['GET', '/usageplans/{}/keys/{}', 'GetUsagePlanKey'],
  ['DELETE', '/usageplans/{}/keys/{}', 'DeleteUsagePlanKey'],
  ['GET', '/usageplans/{}/usage', 'GetUsage'],
  ['PATCH', '/usageplans/{}/keys/{}/usage', 'UpdateUsage'],
  ['DELETE', '/restapis/{}/stages/{}/cache/authorizers', 'FlushStageAuthorizersCache'],
  ['DELETE', '/restapis/{}/stages/{}/cache/data', 'FlushStageCache'],
  ['GET', '/restapis/{}/stages/{}', 'GetStage'],
  ['POST', '/restapis/{}/stages', 'CreateStage'],
  ['POST', '/restapis', 'CreateRestApi'],
  ['GET', '/tags/{}', 'GetTags'],
  ['PUT', '/tags/{}', 'TagResource'],
  ['DELETE', '/tags/{}', 'UntagResource'],
];

function operationOf(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean);
  for (const [routeMethod, template, operation] of OPERATIONS) {
    const parts = template.split('/').filter(Boolean);
    if (routeMethod === method && parts.length === segments.length && parts.every((part, i) => part === '{}' || part === segments[i]))
      return operation;
  }
  return `${method} ${path}`;
}

const tagsOf = (value: unknown): Record<string, string> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : undefined;

export function apigatewayRequests(call: AwsCall, env: AwsEnvironment): DraftOperation {
  const method = call.method.toUpperCase();
  // The path stays percent-encoded: a tags path carries the tagged resource's ARN encoded, as in AWS's own ARNs.
  const path = call.path.replace(/\/+$/, '') || '/';
  const base = `arn:${env.partition}:apigateway:${env.region}::`;
  const operation = operationOf(method, path);
  const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? jsonBody(call) : {};
  const requestTags = requestTagContext(tagsOf(body.tags));
  const drafts: DraftRequest[] = [{ action: `apigateway:${method}`, resource: `${base}${path}`, context: requestTags }];
  if (method === 'POST' && Object.keys(requestTags).length > 0) {
    const created = encodeURIComponent(`${base}${path}/*`);
    drafts.push({ action: 'apigateway:PUT', resource: `${base}/tags/${created}`, context: requestTags });
  }
  if (operation === 'TagResource') {
    // TagResource also changes the tagged resource itself (iann0036/iam-dataset#39).
    const tagged = decodeURIComponent(path.slice('/tags/'.length));
    drafts.push({ action: 'apigateway:PATCH', resource: tagged, context: requestTags });
  }
  return { operation, drafts };
}
