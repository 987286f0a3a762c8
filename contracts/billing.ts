// Billing settings as data: when a month's statement is final, where statements live, and how usage
// maps to Stripe billing meter events. Read by the statement use case, the daily job and the export CLI.
import type { PlanName } from './plans';
import { USAGE_QUEUE } from './usage-queue';

export const BILLING = {
  /**
   * Days after a UTC day during which late usage events may still change its counters: the usage
   * queue keeps a message this long. A month is closed once its last day is this many days old;
   * the daily job closing that day writes the month's statement.
   */
  settleDays: USAGE_QUEUE.retentionDays,
  /** Statements go under `<prefix>/month=YYYY-MM/` in the archive bucket. */
  statementPrefix: 'statements',
  stripe: {
    /** The Stripe meter's `event_name` for billable requests. */
    eventName: 'api_requests',
    /** The client record attribute that holds the Stripe customer id (`cus_…`). */
    customerAttribute: 'stripeCustomerId',
  },
} as const;

export const EXPORT_FORMATS = ['csv', 'jsonl', 'stripe'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Quota alerts: percentages of the daily quota that raise one event per client, day and threshold. */
export const ALERTS = {
  thresholdsPercent: { free: [80, 100], payg: [80, 100], standard: [80, 100], premium: [80, 100] },
  source: 'metered-api',
  detailType: 'Usage Threshold Crossed',
  /** The alert sweeper's schedule (stack and twin): how long a missed alert can wait at most, about. */
  sweepEveryMinutes: 5,
} as const satisfies {
  thresholdsPercent: Record<PlanName, readonly number[]>;
  source: string;
  detailType: string;
  sweepEveryMinutes: number;
};

/**
 * Low credit balance: one event per client, threshold (contracts/plans.ts `creditAlertThresholds`) and top-up cycle,
 * on the stage's alert bus, `detail.eventId` = `credit-balance:<clientId>:<threshold>:<cycle>` (capabilities/alerts/credit-alerts.ts).
 */
export const CREDIT_ALERTS = {
  source: 'metered-api',
  detailType: 'Credit Balance Threshold Crossed',
} as const;

/**
 * A closed month's statement was corrected (late usage counted after it closed): one event per recorded
 * revision, on the stage's alert bus, `detail.eventId` = `usage-statement-corrected:<month>:r<revision>`.
 */
export const STATEMENT_EVENTS = {
  source: 'metered-api',
  detailType: 'Usage Statement Corrected',
} as const;

/** The stage's EventBridge bus for quota alerts (the stack creates it; the twin stands in for it). */
export const alertBusName = (stageName: string) => `metered-api-${stageName}-alerts`;
