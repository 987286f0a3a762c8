// The HTTP response AWS sends when it denies a call, per service and protocol, so that the AWS SDK v3 on the caller's
// side throws the error it would throw on AWS. The message follows the IAM User Guide's access denied format
// (troubleshoot_access-denied.html): "User: <principal> is not authorized to perform: <action> on resource: <arn>"
// then "because no <type> policy allows the <action> action" (implicit) or "with an explicit deny in a <type> policy".
// S3 quotes the resource ARN (AmazonS3/latest/userguide/troubleshoot-403-errors.html); DynamoDB answers 400 with
// `com.amazon.coral.service#AccessDeniedException` and a `Message` (as quoted in sebdah/dynamic-dynamodb#321).
import { randomUUID } from 'node:crypto';
import type { AwsServiceName } from './aws-call';
import type { Decision } from './policy-types';

export interface AwsErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The part of a Decision the message needs; without one, AWS's most common case: no identity policy allows it. */
export type Denial = Pick<Decision, 'decision' | 'policyType'>;

export function accessDeniedMessage(principal: string, action: string, resource: string, denial?: Denial, quoteResource = false): string {
  const policyType = denial?.policyType ?? 'identity-based';
  const article = policyType === 'identity-based' ? 'an' : 'a';
  const cause =
    denial?.decision === 'ExplicitDeny'
      ? `with an explicit deny in ${article} ${policyType} policy`
      : `because no ${policyType} policy allows the ${action} action`;
  return `User: ${principal} is not authorized to perform: ${action} on resource: ${quoteResource ? `"${resource}"` : resource} ${cause}`;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const json = (status: number, contentType: string, body: object, headers: Record<string, string> = {}): AwsErrorResponse => ({
  status,
  headers: { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), ...headers },
  body: JSON.stringify(body),
});

/** The response AWS gives a denied call of `operation` on `service`. */
export function accessDenied(
  service: AwsServiceName,
  operation: string,
  principal: string,
  action: string,
  resource: string,
  denial?: Denial,
): AwsErrorResponse {
  const message = accessDeniedMessage(principal, action, resource, denial, service === 's3');
  switch (service) {
    case 'dynamodb':
      return json(400, 'application/x-amz-json-1.0', { __type: 'com.amazon.coral.service#AccessDeniedException', Message: message });
    case 'sqs':
      // JSON with query compatibility: the SDK takes the error code from x-amzn-query-error, so it throws AccessDenied
      // (the code of the query protocol's 403 AccessDenied/Sender) rather than AccessDeniedException.
      return json(
        403,
        'application/x-amz-json-1.0',
        { __type: 'com.amazon.coral.service#AccessDeniedException', message },
        { 'x-amzn-query-error': 'AccessDenied;Sender' },
      );
    case 'events':
      return json(400, 'application/x-amz-json-1.1', { __type: 'AccessDeniedException', Message: message });
    case 'logs':
      return json(400, 'application/x-amz-json-1.1', { __type: 'AccessDeniedException', message });
    case 'apigateway':
      return json(403, 'application/json', { message }, { 'x-amzn-errortype': 'AccessDeniedException' });
    case 's3': {
      const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
      const headers = { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId };
      // A HEAD response has no body: the SDK sees only the status code.
      if (operation === 'HeadObject' || operation === 'HeadBucket') return { status: 403, headers, body: '' };
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
      return { status: 403, headers: { ...headers, 'content-type': 'application/xml' }, body };
    }
  }
}

/** The answer AWS gives a call signed with an access key it does not know (no principal to evaluate). */
export function unrecognizedCredentials(service: AwsServiceName): AwsErrorResponse {
  const message = 'The security token included in the request is invalid.';
  switch (service) {
    case 'sqs':
      return json(
        403,
        'application/x-amz-json-1.0',
        { __type: 'com.amazon.coral.service#InvalidClientTokenId', message },
        { 'x-amzn-query-error': 'InvalidClientTokenId;Sender' },
      );
    case 's3':
      return {
        status: 403,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>`,
      };
    case 'apigateway':
      return json(403, 'application/json', { message }, { 'x-amzn-errortype': 'UnrecognizedClientException' });
    default:
      return json(400, 'application/x-amz-json-1.1', { __type: 'UnrecognizedClientException', message });
  }
}
