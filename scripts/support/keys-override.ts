// `npm run keys -- override <clientId> [--rate N] [--burst N] [--daily-quota N] (--local | --stage S)`, and how
// `keys list` shows an override. The use case is capabilities/customers/client-override.ts; the caps contracts/overrides.ts.
import { overrideCaps, type OverrideField, type OverrideLimits, type OverrideRequest } from '../../contracts/overrides';
import { STAGES, stageConfig } from '../../contracts/stages';
import type { ClientRecord } from '../../capabilities/customers/client-store';
import { InvalidOverrideError, setClientOverride } from '../../capabilities/customers/client-override';
import { apiGatewayClientUsagePlans } from '../../capabilities/api-gateway/client-usage-plans';
import { UsageError } from './cli';
import { auditedChange, type ChangeAudit } from '../../capabilities/admin/audited-change';
import type { KeyTarget } from './key-admin';

export const OVERRIDE_USAGE = `  npm run keys -- override <clientId> [--rate <requests/minute>] [--burst <requests>] [--daily-quota <requests/day>] [--json] (--local | --stage <dev|prod>)`;

export const OVERRIDE_OPTIONS = {
  rate: { type: 'string' },
  burst: { type: 'string' },
  'daily-quota': { type: 'string' },
} as const;

const FLAGS: Record<OverrideField, string> = { ratePerMinute: '--rate', burst: '--burst', dailyQuota: '--daily-quota' };

/** A flag's value as a number: digits only, anything else is NaN (refused by the caps with a clear message). */
function count(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
}

export function overrideText(limits: OverrideLimits): string {
  return `${limits.ratePerMinute}/min, burst ${limits.burst}, ${limits.dailyQuota}/day`;
}

/** A client as `keys list` shows it: no usage key, no API Gateway ids. */
export function shownClient<T extends Partial<ClientRecord>>(client: T) {
  const { usageKey: _u, apiGatewayKeyId: _g, override, ...shown } = client;
  if (!override) return shown;
  const { usagePlanId: _p, ...kept } = override;
  return { ...shown, override: kept };
}

/** The override column of `keys list`'s table. */
export function overrideColumn(client: Pick<ClientRecord, 'override'>): string {
  return client.override ? overrideText(client.override) : '';
}

export async function overrideCommand(
  rest: readonly string[],
  values: { local?: boolean; stage?: string; json?: boolean; rate?: string; burst?: string; 'daily-quota'?: string },
  cli: {
    targetFrom: (values: { local?: boolean; stage?: string }) => Promise<KeyTarget & { changes?: ChangeAudit }>;
    /** Drops the client's cached authorizer results (stage and twin), so headers and analytics follow at once. */
    enforce?: (target: KeyTarget, clientId: string) => Promise<void>;
  },
): Promise<void> {
  const clientId = rest[0];
  if (!clientId) throw new UsageError('override needs a clientId: npm run keys -- override <clientId> --rate 600 --local');
  const request: OverrideRequest = {
    ratePerMinute: count(values.rate),
    burst: count(values.burst),
    dailyQuota: count(values['daily-quota']),
  };
  // The twin runs the dev stage's settings, so its caps are dev's.
  const stage = values.stage ? stageConfig(values.stage) : STAGES.dev;
  const target = await cli.targetFrom(values);
  const gateway = target.gateway && apiGatewayClientUsagePlans(target.gateway.client, target.gateway);
  try {
    const override = () => setClientOverride(target.store, clientId, request, { caps: overrideCaps(stage.stageThrottle), gateway });
    // One audit record, as the admin API's override writes (scripts/keys.ts gives the target its audit log).
    const change = await (target.changes ? auditedChange(target.changes, 'keys override', clientId, override) : override());
    // The override is stored either way; a failed flush only delays it to the end of the authorizer cache TTL.
    const flushed = cli.enforce
      ? await cli.enforce(target, clientId).then(
          () => true,
          (error: Error) => (console.error(`keys: warning: ${error.message}`), false),
        )
      : false;
    if (values.json) console.log(JSON.stringify(change));
    else
      console.log(
        `client ${clientId}: override ${overrideText(change.after)} instead of plan ${change.plan}` +
          `${change.usagePlanId ? ` (usage plan ${change.usagePlanId})` : ''}; ` +
          (flushed
            ? 'in force from the next request: authorizer cache flushed'
            : 'headers and analytics follow once cached authorizer results expire'),
      );
    if (change.leftoverUsagePlanId)
      console.error(`keys: the replaced usage plan ${change.leftoverUsagePlanId} could not be deleted; delete it by hand`);
  } catch (error) {
    if (error instanceof InvalidOverrideError) {
      throw new UsageError(
        error.problems.map((p) => (p.field === 'override' ? `override: ${p.message}` : `${FLAGS[p.field]} ${p.message}`)).join('\n'),
      );
    }
    throw error;
  }
}
