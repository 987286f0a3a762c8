// The admin routes' actions: each calls the use case the keys CLI calls and says which client it touched
// and how that client looked before and after (for the audit record), never with key material.
import type {
  ClientView,
  ListClientsQuery,
  CreateClientBody,
  SetPlanBody,
  ClientIdPath,
  RotateBody,
  OverrideBody,
  TopUpBody,
  StripeCustomerBody,
} from '../../contracts/admin/clients';
import { NotAGatePlanError, topUpClientCredits } from '../customers/client-credits';
import { ShardedGateCreditsError } from '../gate/reshard';
import { overrideCaps } from '../../contracts/overrides';
import { stageConfig } from '../../contracts/stages';
import { CLIENT_PAGE, ROTATION_DEFAULT_GRACE_SECONDS } from '../../contracts/admin/client-fields';
import type { UsageSummaryQuery } from '../../contracts/routes/usage-summary';
import { usageSummary } from '../analytics/usage-summary';
import { utcDay } from '../usage/calendar-days';
import { ClientNotActiveError, setClientPlan } from '../customers/client-plan';
import { InvalidCursorError, listClientPage } from '../customers/client-pages';
import { type ClientOverride, type ClientRecord, type ClientStore, getClient, UnknownClientError } from '../customers/client-store';
import { BadCustomerIdError, setBillingCustomer } from '../customers/billing-customer';
import { createKey, revokeKey, rotateKey } from '../customers/key-admin';
import { InvalidOverrideError, setClientOverride } from '../customers/client-override';
import { overrideLimitsOf } from '../customers/limits-in-force';
import { problem } from '../http/problem';
import { ClientRevokedError, TooManyKeysInGraceError } from '../customers/key-rotation';
import type { KeyGateway } from '../customers/key-gateway-port';
import type { UsageReader } from '../usage/usage-reader';
import { adminProblem } from './problems';

/** What the actions run against: the CLI's store and gateway, and the usage counters. */
export interface AdminPorts {
  readonly store: ClientStore;
  /** The gateway in front of the API (resolved lazily: on AWS its usage plans are looked up once). */
  readonly gateway: () => Promise<KeyGateway | undefined>;
  readonly usage: UsageReader;
  /** The stage this API serves (its override caps); dev when absent (the twin). */
  readonly stageName?: string;
  /** Malformed client records met while listing (names fields, never values). */
  readonly onMalformed?: (record: { pk: string; sk: string; fields: readonly string[] }) => void;
}

export interface AdminRequest<Path = unknown, Query = unknown, Body = unknown> {
  readonly path: Path;
  readonly query: Query;
  readonly body: Body;
  readonly now: Date;
  /** The caller as IAM authenticated it (its ARN), for records that name who acted (the credit ledger). */
  readonly caller: string;
}

export interface AdminOutcome {
  readonly body: unknown;
  readonly clientId?: string;
  readonly before?: ClientView;
  readonly after?: ClientView;
}

// biome-ignore lint/suspicious/noExplicitAny: each action narrows its own validated input
export type AdminAction = (request: AdminRequest<any, any, any>, ports: AdminPorts) => Promise<AdminOutcome>;

/** A client as operators see it: no key hash, usage identifier or API Gateway key id. */
export function clientViewOf(client: ClientRecord): ClientView {
  return {
    clientId: client.clientId,
    name: client.name,
    plan: client.plan,
    status: client.status,
    createdAt: client.createdAt,
    ...(client.revokedAt ? { revokedAt: client.revokedAt } : {}),
    ...(client.keyExpiresAt ? { keyExpiresAt: client.keyExpiresAt } : {}),
    ...(client.override ? { override: shownOverride(client.override) } : {}),
    ...(client.stripeCustomerId ? { stripeCustomerId: client.stripeCustomerId } : {}),
  };
}

/** An override as operators see it: its limits and when they were set, not its usage plan's id. */
function shownOverride({ ratePerMinute, burst, dailyQuota, setAt }: ClientOverride): NonNullable<ClientView['override']> {
  return { ratePerMinute, burst, dailyQuota, setAt };
}

async function existing(ports: AdminPorts, clientId: string): Promise<ClientRecord> {
  const client = await getClient(ports.store, clientId);
  if (!client) throw adminProblem.clientNotFound();
  return client;
}

/** A domain error of the shared use cases as the admin API's problem; anything else as it is. */
export function problemOf(error: unknown): unknown {
  if (error instanceof UnknownClientError) return adminProblem.clientNotFound();
  if (error instanceof ClientNotActiveError || error instanceof ClientRevokedError) return adminProblem.clientRevoked();
  if (error instanceof TooManyKeysInGraceError) return adminProblem.tooManyKeysInGrace();
  if (error instanceof InvalidOverrideError)
    return problem.badRequest(
      error.problems.map((p) => ({ path: p.field === 'override' ? 'body' : `body.${p.field}`, message: p.message })),
    );
  if (error instanceof InvalidCursorError) return adminProblem.invalidCursor();
  if (error instanceof NotAGatePlanError) return adminProblem.notAGatePlan();
  if (error instanceof ShardedGateCreditsError) return adminProblem.shardedGateCredits();
  if (error instanceof BadCustomerIdError) return problem.badRequest([{ path: 'body.customerId', message: error.message }]);
  return error;
}

/** Domain errors of the shared use cases as the admin API's problems. */
async function asProblems<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw problemOf(error);
  }
}

const DAY_MS = 86_400_000;

export const createClientAction: AdminAction = async ({ body, now }: AdminRequest<unknown, unknown, CreateClientBody>, ports) => {
  const keyExpiresAt = body.expiresInDays ? new Date(now.getTime() + body.expiresInDays * DAY_MS) : undefined;
  const created = await createKey({ store: ports.store, gateway: await ports.gateway() }, body.plan, body.name, { keyExpiresAt });
  const stored = await existing(ports, created.clientId);
  return { body: created, clientId: created.clientId, after: clientViewOf(stored) };
};

export const listClientsAction: AdminAction = async ({ query }: AdminRequest<unknown, ListClientsQuery>, ports) => {
  const page = await asProblems(() =>
    listClientPage(ports.store, { limit: query.limit ?? CLIENT_PAGE.defaultLimit, cursor: query.cursor }, ports.onMalformed),
  );
  return { body: { clients: page.clients.map(clientViewOf), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
};

export const getClientAction: AdminAction = async ({ path }: AdminRequest<ClientIdPath>, ports) => {
  const view = clientViewOf(await existing(ports, path.id));
  return { body: view, clientId: path.id };
};

export const revokeClientAction: AdminAction = async ({ path, now }: AdminRequest<ClientIdPath>, ports) => {
  const before = clientViewOf(await existing(ports, path.id));
  const revoked = await asProblems(async () => revokeKey({ store: ports.store, gateway: await ports.gateway() }, path.id, now));
  const after: ClientView = { ...before, status: 'revoked', revokedAt: revoked.revokedAt };
  return { body: after, clientId: path.id, before, after };
};

export const setPlanAction: AdminAction = async ({ path, body, now }: AdminRequest<ClientIdPath, unknown, SetPlanBody>, ports) => {
  const before = clientViewOf(await existing(ports, path.id));
  const gateway = await ports.gateway();
  // With the client usage plans, a per-client override's own usage plan is deleted once the key left it.
  const plans = gateway?.clientUsagePlans ?? gateway?.usagePlanKeys;
  const change = await asProblems(() => setClientPlan(ports.store, path.id, body.plan, { gateway: plans, keys: gateway, now }));
  // Cached authorizer results carry the old plan: drop them so the new one applies from the next request.
  if (change.before !== change.after || change.removedOverride) await gateway?.flushAuthorizerCache(path.id);
  const { clientId, before: from, after: to, changedAt } = change;
  // Re-read: a plan change also removes an override.
  const after = clientViewOf(await existing(ports, path.id));
  return { body: { clientId, before: from, after: to, changedAt }, clientId: path.id, before, after };
};

export const setOverrideAction: AdminAction = async ({ path, body, now }: AdminRequest<ClientIdPath, unknown, OverrideBody>, ports) => {
  const before = clientViewOf(await existing(ports, path.id));
  const gateway = await ports.gateway();
  // The caps of the stage this function serves (the twin: dev's, as `keys override --local`).
  const caps = overrideCaps(stageConfig(ports.stageName ?? 'dev').stageThrottle);
  const change = await asProblems(() => setClientOverride(ports.store, path.id, body, { caps, gateway: gateway?.clientUsagePlans, now }));
  // Cached authorizer results carry the old limits: drop them so the override applies from the next request.
  await gateway?.flushAuthorizerCache(path.id);
  const { clientId, plan, before: from, after, setAt } = change;
  const stored = clientViewOf(await existing(ports, path.id));
  return { body: { clientId, plan, ...(from ? { before: from } : {}), after, setAt }, clientId: path.id, before, after: stored };
};

export const rotateKeyAction: AdminAction = async ({ path, body, now }: AdminRequest<ClientIdPath, unknown, RotateBody>, ports) => {
  const before = clientViewOf(await existing(ports, path.id));
  const graceMs = (body.graceSeconds ?? ROTATION_DEFAULT_GRACE_SECONDS) * 1000;
  const keyExpiresAt = body.expiresInDays ? new Date(now.getTime() + body.expiresInDays * DAY_MS) : undefined;
  const rotated = await asProblems(async () =>
    rotateKey({ store: ports.store, gateway: await ports.gateway() }, path.id, { graceMs, keyExpiresAt, now }),
  );
  // Re-read: the new key may carry another expiry.
  return { body: rotated, clientId: path.id, before, after: clientViewOf(await existing(ports, path.id)) };
};

export const clientUsageAction: AdminAction = async ({ path, query, now }: AdminRequest<ClientIdPath, UsageSummaryQuery>, ports) => {
  const client = await existing(ports, path.id);
  const override = client.override ? overrideLimitsOf(client.override) : undefined;
  const summary = await usageSummary({ clientId: client.clientId, plan: client.plan, query, today: utcDay(now), override }, ports.usage);
  return { body: summary, clientId: path.id };
};

export const topUpCreditsAction: AdminAction = async (
  { path, body, now, caller }: AdminRequest<ClientIdPath, unknown, TopUpBody>,
  ports,
) => {
  const before = clientViewOf(await existing(ports, path.id));
  if (before.status !== 'active') throw adminProblem.clientRevoked();
  const { entry, balance } = await asProblems(() =>
    topUpClientCredits(ports.store, { clientId: path.id, units: body.units, by: caller, now, topUpId: body.topUpId }),
  );
  return { body: { ...entry, balance }, clientId: path.id };
};

export const setStripeCustomerAction: AdminAction = async (
  { path, body }: AdminRequest<ClientIdPath, unknown, StripeCustomerBody>,
  ports,
) => {
  const before = clientViewOf(await existing(ports, path.id));
  await asProblems(() => setBillingCustomer(ports.store, path.id, body.customerId));
  const after = clientViewOf(await existing(ports, path.id));
  return { body: after, clientId: path.id, before, after };
};
