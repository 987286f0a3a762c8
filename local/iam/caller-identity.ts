// Who is calling AWS, inside the twin's one process: each emulated function runs its invocations inside
// `runAs(functionId)`, and every HTTP request its code sends to the twin's IAM proxy carries a per-start secret
// that names that function (set as the request is created, through Node's `http.client.request.created` channel).
// The proxy maps the secret back to the function's role, as AWS maps a request's credentials to a role session.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** The header the proxy reads (and strips before forwarding). */
export const CALLER_HEADER = 'x-twin-caller';

const caller = new AsyncLocalStorage<string>();

/** Runs `fn` (and everything it starts) as `principal`: a twin function id, e.g. `aggregator`. */
export function runAs<T>(principal: string, fn: () => T): T {
  return caller.run(principal, fn);
}

export function currentCaller(): string | undefined {
  return caller.getStore();
}

/**
 * Per-start secrets per principal, and the hook that stamps them on requests to the given hosts. Requests made
 * outside `runAs` carry nothing and are judged by their credentials alone (the CLIs, the twin's own set-up).
 */
export class CallerStamps {
  private readonly secrets = new Map<string, string>();
  private readonly principals = new Map<string, string>();
  private readonly hosts = new Set<string>();
  private readonly onRequest = (message: unknown) => this.stamp((message as { request: ClientRequest }).request);

  constructor(hosts: Iterable<string> = []) {
    this.addHosts(hosts);
  }

  /** The `host:port`s of the IAM proxies: only requests to them are stamped. */
  addHosts(hosts: Iterable<string>): void {
    for (const host of hosts) this.hosts.add(host);
  }

  install(): this {
    diagnostics.subscribe('http.client.request.created', this.onRequest);
    return this;
  }

  uninstall(): void {
    diagnostics.unsubscribe('http.client.request.created', this.onRequest);
  }

  /** The principal a stamp names, if it is one of ours. */
  principalOf(stamp: string | undefined): string | undefined {
    return stamp === undefined ? undefined : this.principals.get(stamp);
  }

  private secretFor(principal: string): string {
    let secret = this.secrets.get(principal);
    if (!secret) {
      secret = randomBytes(18).toString('base64url');
      this.secrets.set(principal, secret);
      this.principals.set(secret, principal);
    }
    return secret;
  }

  private stamp(request: ClientRequest): void {
    const principal = caller.getStore();
    if (principal === undefined || request.headersSent) return;
    const host = String(request.getHeader('host') ?? `${request.host}`);
    if (!this.hosts.has(host)) return;
    request.setHeader(CALLER_HEADER, this.secretFor(principal));
  }
}
