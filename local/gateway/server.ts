// The API Gateway emulator: matches a route from contracts/, runs the REQUEST authorizer (with its
// cache), applies usage plans, and invokes the route's handler with a Lambda proxy event.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../../contracts/gateway-responses';
import type { RouteDefinition } from '../../contracts/routes';
import { SECURITY_HEADERS } from '../../contracts/security-headers';
import { routeKey } from '../../contracts/routes';
import type { AuthorizerOutcome, RequestAuthorizer } from './authorizer';
import { sendGatewayResponse, type GatewayError } from './gateway-responses';
import { lambdaContext } from '../fake-aws';
import { authorizerEvent, methodArn, proxyEvent, type IncomingRequest } from './proxy-event';
import type { UsagePlans } from './usage-plans';
import type { WebAcl } from './waf';
import { TWIN_MANAGEMENT_PATHS, twinManagementRoutes } from './twin-management';
import type { ApiKeys } from './api-keys';
import { readClientContext } from '../../capabilities/authorizer/client-context';

export type RouteHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway's limit on the request line and headers together (REST APIs: 10,240 bytes). */
export const GATEWAY_MAX_HEADER_BYTES = 10_240;

/** API Gateway's own payload limit for REST APIs. */
export const GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface GatewayRoute {
  readonly definition: RouteDefinition;
  readonly handler: RouteHandler;
  /** Lambda function name, for the context. */
  readonly functionName: string;
}

export interface AccessLogEntry {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly resourcePath?: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly errorType?: GatewayError;
  readonly clientId?: string;
}

export interface GatewayOptions {
  readonly routes: readonly GatewayRoute[];
  readonly authorizer: RequestAuthorizer;
  readonly usagePlans: UsagePlans;
  readonly stage: string;
  /** The stage's web ACL (its custom rules), evaluated before routing; none when absent. */
  readonly webAcl?: WebAcl;
  /** Largest body passed on to a handler; larger gets 413 from the gateway. */
  readonly maxPayloadBytes?: number;
  readonly onAccess?: (entry: AccessLogEntry) => void;
  /** CORS preflight answers (OPTIONS on every resource, no authorizer), as CDK's defaultCorsPreflightOptions; none when absent. */
  readonly cors?: CorsPreflight;
  /** Called when a handler throws or times out (API Gateway logs these in execution logs). */
  readonly onIntegrationError?: (requestId: string, error: unknown) => void;
  /** The twin's own pages (`/_twin/…`): answers and returns true for paths it serves, before any gateway step. */
  readonly twinRoutes?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
  /** The admin API (`/admin/v1/…`, local/admin/): answers and returns true for its paths, before any gateway step. */
  readonly adminRoutes?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
  /** The admin token: every state-changing `/_twin/` route needs it; without it they refuse everything. */
  readonly adminToken?: string;
  /** The account's API keys (CreateApiKey's limits), created by `keys create --local` through `POST /_twin/api-keys`. */
  readonly apiKeys?: ApiKeys;
}

export interface CorsPreflight {
  readonly allowOrigins: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

interface CompiledRoute extends GatewayRoute {
  readonly pattern: RegExp;
}

export function createGatewayServer(options: GatewayOptions): http.Server {
  return new GatewayEmulator(options).server;
}

type AllowedCaller = Extract<AuthorizerOutcome, { kind: 'allow' }>;

/** The stage as API Gateway runs it: `handle` takes each request through the gateway's steps, one method each. */
export class GatewayEmulator {
  readonly server: http.Server;
  private readonly routes: readonly CompiledRoute[];
  private readonly maxPayload: number;
  /** Every resource of the API, for CORS preflights. */
  private readonly resources: readonly RegExp[];
  private readonly allowMethods: string;
  private readonly manage: ReturnType<typeof twinManagementRoutes>;

  constructor(private readonly options: GatewayOptions) {
    this.routes = options.routes.map((route) => ({ ...route, pattern: templatePattern(route.definition.path) }));
    this.maxPayload = options.maxPayloadBytes ?? GATEWAY_MAX_PAYLOAD_BYTES;
    this.resources = resourcePatterns(options.routes.map((r) => r.definition.path));
    this.allowMethods = [...new Set([...options.routes.map((r) => r.definition.method), 'OPTIONS'])].join(',');
    this.manage = twinManagementRoutes(options);
    this.server = this.createServer();
  }

  private createServer(): http.Server {
    // A Host-less HTTP/1.1 request is answered below in the contract, not with Node's bare 400.
    const server = http.createServer({ maxHeaderSize: GATEWAY_MAX_HEADER_BYTES, requireHostHeader: false }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.onIntegrationError?.('unknown', error);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    // Requests Node's parser refuses (unknown or lower-case methods, raw non-ASCII targets, oversized
    // headers) never reach `handle`: answer them in the contract too, instead of Node's bare 400/431.
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable || error.code === 'ECONNRESET') {
        socket.destroy();
        return;
      }
      socket.end(rawProblemResponse(error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400, randomUUID()));
    });
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const started = performance.now();
    const requestId = randomUUID();
    if (req.headers.host === undefined && req.httpVersion === '1.1') {
      req.resume();
      const { headers, body } = invalidRequestProblem(400, requestId);
      res.writeHead(400, headers).end(body);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://gateway.local');
    const path = normalizePath(url.pathname);
    const method = (req.method ?? 'GET').toUpperCase();
    const management = TWIN_MANAGEMENT_PATHS.includes(path);
    if (await this.serveTwinPages(req, res, url.pathname, management)) return;
    const exchange = new GatewayExchange(this.options, res, { requestId, method, path, started });

    // 0. The twin's stand-ins for API Gateway's control plane (revocations, cache flushes, API keys): loopback,
    // admin token, JSON.
    if (management) return exchange.finish(await this.manage(req, res, path));

    // 1. The web ACL sees every request first, as AWS WAF does in front of the stage.
    if (this.blockedByWebAcl(req, exchange)) return;

    // 2. Resource and method: an unknown one is API Gateway's "Missing Authentication Token".
    if (this.answerPreflight(req, res, exchange)) return;
    const route = this.matchRoute(req, exchange);
    if (!route) return;

    // 3. Payload limit, before anything else runs.
    const body = await readBody(req, this.maxPayload);
    if (!body) return exchange.reject('REQUEST_TOO_LARGE', { Connection: 'close' });
    const awsRequestId = randomUUID();
    const request = this.incomingRequest(req, url, route, body, exchange, { awsRequestId, receivedAt });

    // 4. The REQUEST authorizer (cached per x-api-key value).
    const caller = await this.authorize(request, exchange);
    if (!caller) return;

    // 5. Usage plan of the usageIdentifierKey: throttle, then daily quota.
    const apiKey = this.admit(route, caller, exchange);
    if (!apiKey) return;

    // 6. The parameters validator: required query parameters (bodies are validated by the Lambda).
    if (missingRequiredQuery(route.definition, url.searchParams)) return exchange.reject('BAD_REQUEST_PARAMETERS');

    // 7. The integration: the route's handler, with the function's timeout.
    const result = await this.integrate(route, request, caller, apiKey, awsRequestId, exchange);
    if (!result) return;
    this.respond(res, result, request, exchange);
  }

  /**
   * The admin API and the dashboard's pages (GET /_twin/…, not the management routes), on the path as URL parsing
   * leaves it (`/v1/../_twin/` and `%2e%2e` are `/_twin/` here): each checks its caller itself (twin-guard.ts), so
   * none relies on the address the gateway listens on. True when one of them answered.
   */
  private async serveTwinPages(req: IncomingMessage, res: ServerResponse, pathname: string, management: boolean): Promise<boolean> {
    if (this.options.adminRoutes && (await this.options.adminRoutes(req, res, pathname))) return true;
    return Boolean(this.options.twinRoutes && !management && (await this.options.twinRoutes(req, res, pathname)));
  }

  private blockedByWebAcl(req: IncomingMessage, exchange: GatewayExchange): boolean {
    const waf = this.options.webAcl?.inspect(normalizeIp(req.socket.remoteAddress), req.headers);
    if (waf?.action !== 'block') return false;
    req.resume();
    exchange.reject('WAF_FILTERED');
    return true;
  }

  /** CORS preflight on any resource of the API, where the stage has CORS: no authorizer, no route. */
  private answerPreflight(req: IncomingMessage, res: ServerResponse, exchange: GatewayExchange): boolean {
    const { cors } = this.options;
    if (exchange.method !== 'OPTIONS' || !cors || !this.resources.some((pattern) => pattern.test(exchange.path))) return false;
    req.resume();
    res.writeHead(204, { ...preflightHeaders(cors, this.allowMethods, req.headers.origin), 'x-amzn-RequestId': exchange.requestId });
    res.end();
    exchange.finish(204);
    return true;
  }

  private matchRoute(req: IncomingMessage, exchange: GatewayExchange): CompiledRoute | undefined {
    const route = this.routes.find((r) => r.definition.method === exchange.method && r.pattern.test(exchange.path));
    if (!route) {
      req.resume();
      exchange.reject('MISSING_AUTHENTICATION_TOKEN');
      return undefined;
    }
    exchange.resourcePath = route.definition.path;
    return route;
  }

  /** The request as the proxy event and the authorizer event see it. */
  private incomingRequest(
    req: IncomingMessage,
    url: URL,
    route: CompiledRoute,
    body: Buffer,
    exchange: GatewayExchange,
    { awsRequestId, receivedAt }: { awsRequestId: string; receivedAt: number },
  ): IncomingRequest {
    return {
      requestId: exchange.requestId,
      traceId: `Root=1-${Math.floor(receivedAt / 1000).toString(16)}-${awsRequestId.replace(/-/g, '').slice(0, 24)}`,
      localPort: req.socket.localPort ?? 0,
      extendedRequestId: randomUUID().replace(/-/g, '').slice(0, 16),
      method: exchange.method,
      path: exchange.path,
      resource: route.definition.path,
      rawHeaders: req.rawHeaders,
      query: url.searchParams,
      body,
      sourceIp: normalizeIp(req.socket.remoteAddress),
      host: req.headers.host ?? 'localhost',
      stage: this.options.stage,
      receivedAt,
    };
  }

  /** Runs the authorizer; the caller when it allows, undefined once the gateway has answered. */
  private async authorize(request: IncomingRequest, exchange: GatewayExchange): Promise<AllowedCaller | undefined> {
    const auth = await this.options.authorizer.authorize(authorizerEvent(request), request.requestId);
    if (auth.kind === 'unauthorized') return exchange.reject('UNAUTHORIZED');
    if (auth.kind === 'deny') return exchange.reject('ACCESS_DENIED', undefined, auth.context);
    if (auth.kind === 'error') {
      this.options.onIntegrationError?.(request.requestId, auth.error);
      return exchange.reject('AUTHORIZER_FAILURE');
    }
    return auth;
  }

  /** The usage plan's verdict; the API key admitted, undefined once the gateway has answered. */
  private admit(route: CompiledRoute, auth: AllowedCaller, exchange: GatewayExchange): string | undefined {
    const caller = readClientContext({ principalId: auth.principalId, ...auth.context });
    exchange.clientId = caller.clientId ?? auth.principalId;
    const apiKey = auth.usageIdentifierKey;
    const plan = caller.plan ?? '';
    // apiKeySource AUTHORIZER: the usageIdentifierKey must be a key of a usage plan.
    if (!apiKey) return exchange.reject('INVALID_API_KEY');
    // A client with an override is in its own usage plan (the authorizer's context carries its limits).
    const { override } = caller;
    const verdict = this.options.usagePlans.admit(apiKey, plan, routeKey(route.definition), route.definition.routeClass, override);
    if (verdict === 'throttled') return exchange.reject('THROTTLED');
    if (verdict === 'quota-exceeded') return exchange.reject('QUOTA_EXCEEDED');
    if (verdict === 'no-plan') return exchange.reject('INVALID_API_KEY');
    return apiKey;
  }

  /** The route's handler within its timeout; its result, undefined once the gateway has answered 502/504. */
  private async integrate(
    route: CompiledRoute,
    request: IncomingRequest,
    auth: AllowedCaller,
    apiKey: string,
    awsRequestId: string,
    exchange: GatewayExchange,
  ): Promise<APIGatewayProxyResult | undefined> {
    const event = proxyEvent(request, { principalId: auth.principalId, context: auth.context, integrationLatency: auth.latencyMs, apiKey });
    const context = lambdaContext(route.functionName, route.definition.timeoutSeconds * 1000, awsRequestId);
    try {
      const result = await withTimeout(route.handler(event, context), route.definition.timeoutSeconds * 1000);
      if (!result || typeof result.statusCode !== 'number') throw new Error('malformed Lambda proxy response');
      return result;
    } catch (error) {
      this.options.onIntegrationError?.(request.requestId, error);
      return exchange.reject('INTEGRATION_FAILURE');
    }
  }

  /** The handler's answer with the gateway's own headers. */
  private respond(res: ServerResponse, result: APIGatewayProxyResult, request: IncomingRequest, exchange: GatewayExchange): void {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
    const payload =
      result.body === undefined || result.body === null
        ? Buffer.alloc(0)
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
    headers['x-amzn-RequestId'] = request.requestId;
    headers['x-amz-apigw-id'] = request.extendedRequestId;
    headers['X-Amzn-Trace-Id'] = request.traceId;
    headers['Content-Length'] = String(payload.length);
    res.writeHead(result.statusCode, headers);
    res.end(payload);
    exchange.finish(result.statusCode);
  }
}

/** One request through the gateway: what its access-log entry says, filled in as the steps learn it. */
class GatewayExchange {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  resourcePath?: string;
  clientId?: string;
  private readonly started: number;

  constructor(
    private readonly options: GatewayOptions,
    private readonly res: ServerResponse,
    start: { requestId: string; method: string; path: string; started: number },
  ) {
    this.requestId = start.requestId;
    this.method = start.method;
    this.path = start.path;
    this.started = start.started;
  }

  /** Writes the access-log entry. */
  finish(status: number, errorType?: GatewayError): void {
    this.options.onAccess?.({
      requestId: this.requestId,
      method: this.method,
      path: this.path,
      resourcePath: this.resourcePath,
      status,
      latencyMs: Math.round(performance.now() - this.started),
      errorType,
      clientId: this.clientId,
    });
  }

  /** Answers with the gateway response of `error` and logs it; returns undefined so a step can `return exchange.reject(…)`. */
  reject(error: GatewayError, extra?: Record<string, string>, authorizerContext?: Record<string, unknown>): undefined {
    const status = sendGatewayResponse(this.res, error, this.requestId, extra, authorizerContext);
    this.finish(status, error);
    return undefined;
  }
}

/** A whole HTTP/1.1 response for a request the parser refused: problem+json with the security headers. */
export function rawProblemResponse(status: 400 | 431, requestId: string): string {
  const { title, headers, body } = invalidRequestProblem(status, requestId);
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  return `HTTP/1.1 ${status} ${title}\r\n${head}\r\n\r\n${body}`;
}

/** The problem+json answer to a request that is not valid HTTP/1.1 (or whose headers are too large). */
function invalidRequestProblem(status: 400 | 431, requestId: string) {
  const title = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  const detail =
    status === 431
      ? `The request line and headers exceed ${GATEWAY_MAX_HEADER_BYTES} bytes.`
      : 'The request is not valid HTTP/1.1 (method, target or headers).';
  const body = JSON.stringify({
    type: `${PROBLEM_TYPE_BASE}${status === 431 ? 'headers-too-large' : 'bad-request'}`,
    title,
    status,
    detail,
    requestId,
  });
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-RequestId': requestId,
    Connection: 'close',
  };
  return { title, headers, body };
}

/** CDK's preflight response: one allowed origin is static; several echo the request's when listed. */
function preflightHeaders(cors: CorsPreflight, allowMethods: string, origin: string | undefined): Record<string, string> {
  const allowOrigin = cors.allowOrigins.length === 1 || !origin || !cors.allowOrigins.includes(origin) ? cors.allowOrigins[0] : origin;
  return {
    'Access-Control-Allow-Headers': cors.allowHeaders.join(','),
    'Access-Control-Allow-Origin': allowOrigin,
    ...(allowOrigin === '*' ? {} : { Vary: 'Origin' }),
    'Access-Control-Allow-Methods': allowMethods,
    'Access-Control-Expose-Headers': cors.exposeHeaders.join(','),
    'Access-Control-Max-Age': String(cors.maxAgeSeconds),
    'Content-Length': '0',
  };
}

/** Every resource of the API: the route paths and each of their parent paths, down to `/`. */
function resourcePatterns(paths: readonly string[]): RegExp[] {
  const all = new Set<string>(['/']);
  for (const p of paths) {
    const segments = p.split('/').filter(Boolean);
    for (let i = 1; i <= segments.length; i++) all.add(`/${segments.slice(0, i).join('/')}`);
  }
  return [...all].map(templatePattern);
}

function missingRequiredQuery(route: RouteDefinition, query: URLSearchParams): boolean {
  const shape = (route.schemas.query?.shape ?? {}) as Record<string, { safeParse(value: unknown): { success: boolean } }>;
  return Object.entries(shape).some(([name, field]) => !field.safeParse(undefined).success && !query.has(name));
}

/** `/v1/items/{id}` → a regex matching one path segment per parameter (`{proxy+}` matches the rest). */
function templatePattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => {
      if (/^\{[^}]+\+\}$/.test(segment)) return '.+';
      if (/^\{[^}]+\}$/.test(segment)) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

function normalizePath(pathname: string): string {
  return pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
}

function normalizeIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Reads the body; `undefined` when it exceeds the limit (the rest is drained, not buffered). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Task timed out after ${(ms / 1000).toFixed(2)} seconds`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export { methodArn };
