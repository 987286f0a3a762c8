// The alert settings a Lambda reads from its environment (set by the stack, or by the local twin).
import { isPlanName, PLANS } from '../../contracts/plans';

export interface AlertEnvironment {
  /** The EventBridge bus the events go to; without it the function sends no alerts. */
  readonly busName?: string;
  /** The daily quota in force for a client (plan quota; per-client overrides hook in here). */
  readonly quotaFor: (clientId: string, plan: string) => number | undefined;
}

/**
 * `ALERT_BUS_NAME`, and `TWIN_DAILY_QUOTAS` (JSON plan → quota): a test-only lowering of plan quotas that
 * only the local twin sets, mirroring its gateway's plan overrides; the stack never sets it.
 */
export function alertEnvironment(env: NodeJS.ProcessEnv): AlertEnvironment {
  const lowered = parseQuotas(env.TWIN_DAILY_QUOTAS);
  return {
    busName: env.ALERT_BUS_NAME || undefined,
    quotaFor: (_clientId, plan) => (isPlanName(plan) ? (lowered[plan] ?? PLANS[plan].dailyQuota) : undefined),
  };
}

function parseQuotas(text: string | undefined): Record<string, number> {
  if (!text) return {};
  const parsed = JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0));
}
