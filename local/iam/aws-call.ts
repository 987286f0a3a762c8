// The shapes the request reader (aws-requests.ts) works with: one raw HTTP call an AWS SDK client made, the account it
// stands for, and what AWS authorizes for it. Each service's reader (dynamodb-requests.ts, sqs-requests.ts…) maps one
// to the other.
import type { AuthorizationRequest, ConditionValue } from './policy-types';

export type AwsServiceName = 'dynamodb' | 'sqs' | 's3' | 'events' | 'apigateway' | 'logs';

/** One HTTP request as the SDK sent it (the twin sees it before the emulator does). */
export interface AwsCall {
  readonly service: AwsServiceName;
  readonly method: string;
  /** The raw (still percent-encoded) path, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names in lower case, as node:http gives them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The account the twin plays, and what the reader cannot know from the call alone. */
export interface AwsEnvironment {
  readonly account: string;
  readonly region: string;
  readonly partition: 'aws';
  /** The partition key attribute of a table (or of one of its indexes, when `indexName` is given). */
  partitionKeyOf(tableName: string, indexName?: string): string;
  /** The tags of an existing resource, for aws:ResourceTag/<key>; the twin supplies them from its emulators. */
  resourceTags?: (arn: string) => Readonly<Record<string, string>> | undefined;
  /**
   * aws:SecureTransport. The SDK calls AWS over HTTPS; the twin's hop is plain HTTP on loopback but stands for that
   * call, so this defaults to true.
   */
  readonly secureTransport?: boolean;
}

/** What AWS authorizes: the principal is the caller's, added by whoever knows which function made the call. */
export type UnsignedAuthorizationRequest = Omit<AuthorizationRequest, 'principal'>;

export interface AwsOperation {
  /** The API operation, as the SDK names its command without `Command` (`GetItem`, `SendMessageBatch`, `CreateApiKey`). */
  readonly operation: string;
  readonly requests: readonly UnsignedAuthorizationRequest[];
}

/** A request a service reader proposes: the context may hold keys AWS does not set for the action; they are dropped. */
export interface DraftRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, ConditionValue | undefined>>;
}

export interface DraftOperation {
  readonly operation: string;
  readonly drafts: readonly DraftRequest[];
}

/** A service's reader: from the call to the operation and the requests AWS builds for it. */
export type ServiceReader = (call: AwsCall, env: AwsEnvironment) => DraftOperation;

/** The call's body as JSON (JSON protocols and API Gateway's REST API); an empty body is `{}`. */
export function jsonBody(call: AwsCall): Record<string, unknown> {
  const text = call.body.toString('utf8').trim();
  if (text === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`${call.service}: the request body is not a JSON object`);
  return parsed as Record<string, unknown>;
}

/** aws:RequestTag/<key> for each tag a create request carries, and aws:TagKeys for their keys. */
export function requestTagContext(tags: Readonly<Record<string, string>> | undefined): Record<string, ConditionValue> {
  if (!tags || Object.keys(tags).length === 0) return {};
  const context: Record<string, ConditionValue> = { 'aws:TagKeys': Object.keys(tags) };
  for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = value;
  return context;
}
