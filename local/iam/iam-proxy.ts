// The twin's IAM check: one loopback HTTP proxy per emulator (DynamoDB Local, fauxqs for SQS and S3, the
// local EventBridge bus). Each AWS call is attributed to a principal (a function's role from the stage's
// synthesized template, the operator role, or the twin itself), turned into the authorization requests AWS
// would evaluate, and evaluated against the principal's identity policies and the target's resource policy.
// enforce: a denied call gets AWS's own error and never reaches the emulator; soft: it is logged and passed on.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHostName } from '../services/loopback-guard.mjs';
import { CALLER_HEADER, type CallerStamps } from './caller-identity';
import { authorizationRequests, type AwsCall, type AwsServiceName } from './aws-requests';
import { accessDenied, type AwsErrorResponse, unrecognizedCredentials } from './access-denied';
import { evaluate } from './policy-engine';
import type { AuthorizationRequest, ConditionValue, PolicyDocument } from './policy-types';
import type { StackAccess } from './stack-policies';

export type IamMode = 'enforce' | 'soft' | 'off';
export const IAM_MODES: readonly IamMode[] = ['enforce', 'soft', 'off'];

/** Who a call is from, once attributed. */
export type Principal =
  | {
      readonly kind: 'role';
      /** The twin's name for it: a function id (`daily-job`) or `operator`. */
      readonly id: string;
      readonly name: string;
      readonly arn: string;
      readonly policies: readonly PolicyDocument[];
    }
  | { readonly kind: 'twin' };

export interface Denial {
  readonly principal: string;
  readonly operation: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, ConditionValue>>;
  readonly reason: string;
}

/** One kind of access a principal used: an action on a resource (for the table, on one item family). */
export interface GrantUse {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** DynamoDB: the item family of the keys (`PLANS#` for `PLANS#c1`, `CLIENTS` for `CLIENTS`), one use per family. */
  readonly keyFamily?: string;
  /** The other condition keys of the first such request (service keys only), so the use can be re-checked as it was. */
  readonly context?: Readonly<Record<string, ConditionValue>>;
}

/** `PLANS#c1` → `PLANS#`; a key without `#` is its own family (`CLIENTS`). */
export function keyFamilyOf(key: string): string {
  const hash = key.indexOf('#');
  return hash === -1 ? key : key.slice(0, hash + 1);
}

export interface IamProxyOptions {
  readonly mode: Exclude<IamMode, 'off'>;
  /** The stage's policies; calls wait for them (the proxies listen before synthesis is done). */
  readonly access: StackAccess | Promise<StackAccess>;
  readonly stamps: CallerStamps;
  /**
   * Access key ids: the operators' (the CLIs), optionally the twin's own (not checked), and the one the emulators
   * accept, which every forwarded call carries instead of the caller's (they compare the key id, not the signature).
   */
  readonly credentials: { readonly operator: string; readonly twin?: string; readonly upstream?: string };
  /** The emulators' own endpoints (SQS and S3 may be one fauxqs, or SQS a user's own emulator). */
  readonly upstreams: { readonly dynamodb: string; readonly sqs: string; readonly s3: string; readonly events: string };
  readonly partitionKeyOf: (tableName: string) => string;
  readonly log: (line: string) => void;
}

export interface IamProxy {
  /** What the functions and the CLIs use instead of the emulators' own endpoints. */
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string; readonly s3: string; readonly events: string };
  /** Every would-be or actual denial since start (soft mode: every call enforcement would have refused). */
  readonly denials: readonly Denial[];
  /** Every allowed (principal, action, resource) since start, for the access manifest. */
  readonly grantsUsed: ReadonlyMap<string, GrantUse>;
  /** The same check for callers in this process, by the `host:port` of each endpoint (in-process-hop.ts). */
  readonly inProcess: ReadonlyMap<string, InProcessCheck>;
  stop(): Promise<void>;
}

/** One HTTP call as it would cross the wire: header names in lower case, the path with its query string. */
export interface RawCall {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** A call judged in process: AWS's refusal, or the way on to the emulator (the caller reads the emulator's answer). */
export type InProcessCheck = (
  call: RawCall,
  caller: string | undefined,
) => Promise<AwsErrorResponse | { forward(onAnswer: (answer: IncomingMessage) => void): http.ClientRequest }>;

const FAMILY_SERVICES = {
  dynamodb: (): AwsServiceName => 'dynamodb',
  events: (): AwsServiceName => 'events',
  sqs: (): AwsServiceName => 'sqs',
  s3: (): AwsServiceName => 's3',
  sqsS3: (headers: RawCall['headers'], body: Buffer): AwsServiceName => {
    const target = String(headers['x-amz-target'] ?? '');
    if (target.startsWith('AmazonSQS.')) return 'sqs';
    if (String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') && body.includes('Action=')) return 'sqs';
    return 's3';
  },
} as const;

/** Cached IAM decisions at most (a table call's context names its keys, so these vary); emptied when full. */
const DECISION_CACHE_ENTRIES = 10_000;

/** The access key id in a SigV4 `Authorization` header (`… Credential=AKID/date/region/service/aws4_request, …`). */
export function accessKeyOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

export async function startIamProxy(options: IamProxyOptions): Promise<IamProxy> {
  const denials: Denial[] = [];
  const grantsUsed = new Map<string, GrantUse>();
  let access!: StackAccess;
  let operatorPolicies: PolicyDocument[] = [];
  let operatorArn = '';
  const loaded = Promise.resolve(options.access).then((value) => {
    access = value;
    operatorPolicies = Object.values(access.operators).flat() as PolicyDocument[];
    operatorArn = `arn:aws:iam::${access.account}:role/metered-api-${access.stage}-operator`;
    if (operatorPolicies.length === 0) options.log('IAM: the template has no operator policy: the CLIs run unchecked');
  });
  loaded.catch(() => undefined);

  /** The caller: a function's role (its stamp, checked before any key), the twin itself, or the operator role. */
  const principalOf = (stamped: string | undefined, authorization: string | undefined): Principal | undefined => {
    if (stamped !== undefined) {
      const fn = access.functions[stamped];
      if (!fn) return undefined;
      return { kind: 'role', id: stamped, name: fn.roleName, arn: fn.roleArn, policies: fn.policies };
    }
    const key = accessKeyOf(authorization);
    if (key !== undefined && key === options.credentials.twin) return { kind: 'twin' };
    if (key === options.credentials.operator) {
      return operatorPolicies.length === 0
        ? { kind: 'twin' }
        : { kind: 'role', id: 'operator', name: 'operator', arn: operatorArn, policies: operatorPolicies };
    }
    return undefined;
  };

  const resourcePolicyOf = (arn: string): PolicyDocument | undefined => {
    const exact = access.resourcePolicies[arn];
    if (exact) return exact;
    const bucket = /^(arn:aws:s3:::[^/]+)\//.exec(arn)?.[1];
    return bucket ? access.resourcePolicies[bucket] : undefined;
  };

  // Decisions per principal and request: evaluate() is a pure function of the request (action, resource, context)
  // and of the principal's policies and the resource's policy, which are fixed once loaded, so a repeated call (every
  // route's usage SendMessage, the poller's receives and deletes) gets the same exact answer without re-evaluating.
  const decisions = new Map<string, ReturnType<typeof evaluate>>();
  const decide = (principal: Extract<Principal, { kind: 'role' }>, request: AuthorizationRequest) => {
    const key = `${principal.id}\n${principal.arn}\n${request.action}\n${request.resource}\n${JSON.stringify(request.context)}`;
    let decision = decisions.get(key);
    if (!decision) {
      decision = evaluate(request, { identity: principal.policies, resource: resourcePolicyOf(request.resource) });
      if (decisions.size >= DECISION_CACHE_ENTRIES) decisions.clear();
      decisions.set(key, decision);
    }
    return decision;
  };

  const check = async (principal: Extract<Principal, { kind: 'role' }>, call: AwsCall) => {
    const { operation, requests } = await authorizationRequests(call, {
      account: access.account,
      region: access.region,
      partition: 'aws',
      partitionKeyOf: options.partitionKeyOf,
    });
    for (const request of requests) {
      const full: AuthorizationRequest = {
        ...request,
        principal: principal.arn,
        context: { 'aws:PrincipalType': 'AssumedRole', ...request.context },
      };
      const decision = decide(principal, full);
      if (decision.decision !== 'Allow') {
        const denied: Denial = {
          principal: principal.name,
          operation,
          action: request.action,
          resource: request.resource,
          context: request.context,
          reason: decision.reason,
        };
        return { operation, denied, decision };
      }
      const keys = request.context['dynamodb:LeadingKeys'];
      const families = Array.isArray(keys) ? [...new Set(keys.map(keyFamilyOf))] : [undefined];
      for (const keyFamily of families) {
        const use: GrantUse = {
          principal: principal.id,
          action: request.action,
          resource: request.resource,
          ...(keyFamily ? { keyFamily } : {}),
        };
        const key = JSON.stringify(use);
        if (grantsUsed.has(key)) continue;
        const context = Object.fromEntries(
          Object.entries(request.context).filter(([name]) => !name.startsWith('aws:') && name !== 'dynamodb:LeadingKeys'),
        );
        grantsUsed.set(key, Object.keys(context).length > 0 ? { ...use, context } : use);
      }
    }
    return { operation };
  };

  /**
   * What the check answers one call with: a refusal (AWS's own error), or nothing when it may go on to the emulator.
   * `stamp` is the caller's function id (from the caller stamp, or in process from runAs), judged before credentials.
   */
  const judge = async (family: keyof typeof FAMILY_SERVICES, call: RawCall, stamped: string | undefined) => {
    const body = call.body;
    const service = FAMILY_SERVICES[family](call.headers, body);
    const principal = principalOf(stamped, call.headers.authorization);
    const url = new URL(call.url, 'http://twin');
    const awsCall: AwsCall = { service, method: call.method, path: url.pathname, query: url.searchParams, headers: call.headers, body };
    if (!principal) {
      const line = `IAM ${options.mode}: a ${service} call with no known credentials`;
      options.log(line);
      denials.push({ principal: 'unknown', operation: '?', action: '?', resource: '?', context: {}, reason: 'unrecognized credentials' });
      if (options.mode === 'enforce') return unrecognizedCredentials(service);
    } else if (principal.kind === 'role') {
      const verdict = await check(principal, awsCall);
      if (verdict.denied) {
        denials.push(verdict.denied);
        const d = verdict.denied;
        options.log(
          `IAM ${options.mode === 'enforce' ? 'denied' : 'would deny'}: ${principal.name} (${principal.arn}) ${d.action} on ${d.resource}` +
            ` context=${JSON.stringify(d.context)}: ${d.reason}`,
        );
        if (options.mode === 'enforce')
          return accessDenied(service, verdict.operation, principal.arn, d.action, d.resource, verdict.decision);
      }
    }
    return undefined;
  };

  /** The call, on to the emulator: the caller stamp dropped, the emulators' key instead of the caller's. */
  const forward = (call: RawCall, target: URL, onAnswer: (answer: IncomingMessage) => void): http.ClientRequest => {
    const headers: Record<string, string> = { ...call.headers, host: target.host };
    delete headers[CALLER_HEADER];
    const upstreamKey = options.credentials.upstream;
    if (upstreamKey && typeof headers.authorization === 'string') {
      headers.authorization = headers.authorization.replace(/Credential=[^/,\s]+\//, `Credential=${upstreamKey}/`);
    }
    const upstream = http.request({ hostname: target.hostname, port: target.port, method: call.method, path: call.url, headers }, onAnswer);
    upstream.end(call.body);
    return upstream;
  };

  const servers: http.Server[] = [];
  const inProcess = new Map<string, InProcessCheck>();
  const start = async (family: keyof typeof FAMILY_SERVICES, upstream: string): Promise<string> => {
    const target = new URL(upstream);
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const body = Buffer.concat(chunks);
        try {
          await loaded;
          await handle(req, res, body);
        } catch (error) {
          options.log(`IAM check failed to read a ${family} call: ${(error as Error)?.stack ?? String(error)}`);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('twin IAM check error');
        }
      });
    });
    const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
      // Like the emulators behind it: a rebound DNS name (a foreign Host) or a browser (an Origin) gets nothing.
      if (!isLoopbackHostName(req.headers.host) || req.headers.origin !== undefined) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('the twin answers loopback callers only');
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v ?? '')]),
      );
      const call: RawCall = { method: req.method ?? 'GET', url: req.url ?? '/', headers, body };
      const refusal = await judge(family, call, options.stamps.principalOf(req.headers[CALLER_HEADER] as string | undefined));
      if (refusal) {
        res.writeHead(refusal.status, refusal.headers).end(refusal.body);
        return;
      }
      const upstreamCall = forward(call, target, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      // The emulator went away mid-call: drop the connection as a network failure would.
      upstreamCall.on('error', () => req.socket.destroy());
    };
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    inProcess.set(address, async (call, caller) => {
      await loaded;
      const refusal = await judge(family, call, caller);
      return refusal ?? { forward: (onAnswer) => forward(call, target, onAnswer) };
    });
    return `http://${address}`;
  };

  const { upstreams } = options;
  const shared = upstreams.sqs === upstreams.s3;
  const [dynamodb, events, sqs, s3] = await Promise.all([
    start('dynamodb', upstreams.dynamodb),
    start('events', upstreams.events),
    start(shared ? 'sqsS3' : 'sqs', upstreams.sqs),
    ...(shared ? [] : [start('s3', upstreams.s3)]),
  ]);
  return {
    endpoints: { dynamodb, sqs, s3: s3 ?? sqs, events },
    denials,
    grantsUsed,
    inProcess,
    async stop() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
