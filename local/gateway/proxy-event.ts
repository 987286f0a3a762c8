// The events and context API Gateway and Lambda hand to our code: the REQUEST authorizer event, the
// Lambda proxy event (REST API, payload 1.0) and the Lambda context, shaped as AWS sends them.
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID as ACCOUNT_ID, LOCAL_API_ID as API_ID, LOCAL_REGION as REGION } from '../fake-aws';

/** What the gateway knows about one incoming request once it has matched a route. */
export interface IncomingRequest {
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly method: string;
  /** Raw path as sent, without the query string. */
  readonly path: string;
  /** Resource template of the matched route, e.g. `/v1/quotes`. */
  readonly resource: string;
  /** Header names as the client sent them, in order. */
  readonly rawHeaders: readonly string[];
  readonly query: URLSearchParams;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly host: string;
  readonly stage: string;
  readonly receivedAt: number;
  /** X-Ray trace header value, `Root=1-…`. */
  readonly traceId: string;
  /** Port the client connected to. */
  readonly localPort: number;
}

export function methodArn(request: Pick<IncomingRequest, 'stage' | 'method' | 'path'>): string {
  // The request's own path (`/v1/items/42`), not the resource template: a cached policy is matched against it.
  return `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/${request.stage}/${request.method}${request.path}`;
}

/**
 * The client's headers as the integration sees them: API Gateway appends the caller to
 * X-Forwarded-For and sets X-Forwarded-Port, X-Forwarded-Proto and X-Amzn-Trace-Id.
 */
export function forwardedRawHeaders(request: Pick<IncomingRequest, 'rawHeaders' | 'sourceIp' | 'localPort' | 'traceId'>): string[] {
  // Both events of one request (authorizer, integration) see the same headers: worked out once.
  const known = forwardedCache.get(request);
  if (known) return known;
  const out: string[] = [];
  let forwardedFor: string | undefined;
  const replaced = new Set(['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-amzn-trace-id']);
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i].toLowerCase();
    if (name === 'x-forwarded-for')
      forwardedFor = forwardedFor ? `${forwardedFor}, ${request.rawHeaders[i + 1]}` : request.rawHeaders[i + 1];
    if (!replaced.has(name)) out.push(request.rawHeaders[i], request.rawHeaders[i + 1]);
  }
  out.push(
    'X-Amzn-Trace-Id',
    request.traceId,
    'X-Forwarded-For',
    forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp,
    'X-Forwarded-Port',
    String(request.localPort),
    'X-Forwarded-Proto',
    'http',
  );
  forwardedCache.set(request, out);
  return out;
}

const forwardedCache = new WeakMap<object, string[]>();

/**
 * A map for names the client chose: no prototype, so a name like `constructor` or `__proto__` is a key like
 * any other (API Gateway passes such names on; the event reaches the function as parsed JSON, own keys only).
 */
function clientNamed<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Single-value and multi-value header maps; the single-value map keeps the last value, like API Gateway. */
export function headerMaps(rawHeaders: readonly string[]) {
  const headers = clientNamed<string>();
  const multiValueHeaders = clientNamed<string[]>();
  const firstSpelling = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    const lower = name.toLowerCase();
    const existing = firstSpelling.get(lower) ?? name;
    if (existing === name) firstSpelling.set(lower, name);
    (multiValueHeaders[existing] ??= []).push(rawHeaders[i + 1]);
    headers[existing] = rawHeaders[i + 1];
  }
  return { headers, multiValueHeaders };
}

export function queryMaps(query: URLSearchParams) {
  const single = clientNamed<string>();
  const multi = clientNamed<string[]>();
  for (const [key, value] of query) {
    (multi[key] ??= []).push(value);
    single[key] = value;
  }
  const empty = Object.keys(single).length === 0;
  return { queryStringParameters: empty ? null : single, multiValueQueryStringParameters: empty ? null : multi };
}

/** `28/Nov/2026:01:58:26 +0000`: API Gateway's $context.requestTime format. */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function requestContextBase(request: IncomingRequest) {
  return {
    accountId: ACCOUNT_ID,
    apiId: API_ID,
    domainName: request.host,
    domainPrefix: request.host.split('.')[0].split(':')[0],
    extendedRequestId: request.extendedRequestId,
    httpMethod: request.method,
    path: `/${request.stage}${request.path}`,
    protocol: 'HTTP/1.1',
    requestId: request.requestId,
    requestTime: clfTime(request.receivedAt),
    requestTimeEpoch: request.receivedAt,
    resourceId: resourceId(request.resource),
    resourcePath: request.resource,
    stage: request.stage,
  };
}

function identity(request: IncomingRequest, apiKey: string | null, headers: Record<string, string>) {
  const userAgent = Object.entries(headers).find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? null;
  return {
    accessKey: null,
    accountId: null,
    apiKey,
    apiKeyId: apiKey ? `key-${resourceId(apiKey)}` : null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: request.sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}

export function authorizerEvent(request: IncomingRequest): APIGatewayRequestAuthorizerEvent {
  const { headers, multiValueHeaders } = headerMaps(forwardedRawHeaders(request));
  return {
    type: 'REQUEST',
    methodArn: methodArn(request),
    resource: request.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    pathParameters: {},
    stageVariables: {},
    ...queryMaps(request.query),
    requestContext: { ...requestContextBase(request), identity: identity(request, null, headers), authorizer: undefined },
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

export interface AuthorizerContextValues {
  readonly principalId: string;
  readonly context: Record<string, string | number | boolean>;
  readonly integrationLatency: number;
  /** The usage identifier key: API Gateway puts it in identity.apiKey. */
  readonly apiKey: string | null;
}

export function proxyEvent(request: IncomingRequest, auth: AuthorizerContextValues): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = headerMaps(forwardedRawHeaders(request));
  return {
    resource: request.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    ...queryMaps(request.query),
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      ...requestContextBase(request),
      identity: identity(request, auth.apiKey, headers),
      // REST APIs hand the authorizer's context values to the integration as strings.
      authorizer: { ...stringValues(auth.context), principalId: auth.principalId, integrationLatency: auth.integrationLatency },
    },
    // The REST API declares no binary media types, so API Gateway passes every body as UTF-8 text.
    body: request.body.length > 0 ? request.body.toString('utf8') : null,
    isBase64Encoded: false,
  } as APIGatewayProxyEvent;
}

function stringValues(context: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(Object.entries(context).map(([key, value]) => [key, String(value)]));
}

function resourceId(text: string): string {
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash.toString(36).padStart(6, '0').slice(0, 6);
}
