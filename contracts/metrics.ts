// Custom metric names (namespace MeteredApi), shared by the Lambdas that emit them and the
// dashboard and alarms that watch them.

export const METRICS_NAMESPACE = 'MeteredApi';

export const METRIC = {
  // API handlers (dimensions: service, route)
  requests: 'Requests',
  /** What the requests cost in units (the route contract's `units`; docs/plans.md "Units"): the same as their usage events. */
  units: 'Units',
  clientErrors: 'ClientErrors',
  serverErrors: 'ServerErrors',
  latency: 'Latency',
  /** A usage event that could not be sent to SQS after retries (alarmed). */
  usageEventsDropped: 'UsageEventsDropped',
  /** A client record that does not parse, skipped by the authorizer, `keys list` or the daily job (alarmed). */
  malformedClientRecords: 'MalformedClientRecords',
  /** A route invocation without the authorizer's client context: answered 500, never counted as anyone (alarmed). */
  missingClientContext: 'MissingClientContext',
  // Aggregator (dimension: service)
  eventsAggregated: 'EventsAggregated',
  duplicatesSkipped: 'DuplicatesSkipped',
  counterWrites: 'CounterWrites',
  batchLatency: 'BatchLatency',
  poisonMessages: 'PoisonMessages',
  /** Usage events whose requestTime is beyond the future skew bound: refused to the DLQ path (also in PoisonMessages). */
  futureUsageEvents: 'FutureUsageEvents',
  recordFailures: 'RecordFailures',
  /** A usage event id delivered again with a different payload: the first was counted. */
  eventConflicts: 'UsageEventConflicts',
  /** Parts of a batch that failed on an unexpected error (their records are retried; if it persists they reach the DLQ, which alarms). */
  batchPartErrors: 'AggregatorBatchPartErrors',
  /** Quota alert events sent (aggregator's alert step and the alert sweeper). */
  alertsSent: 'UsageAlertsSent',
  /** Alert steps that failed or ran out of time (counting unaffected; the alert sweeper recovers). */
  alertStepFailures: 'UsageAlertStepFailures',
  /** Crossings the alert sweeper found unsent on the counters, and pending outbox items it sent again. */
  alertsRecovered: 'UsageAlertsRecovered',
  /** Low credit balance events sent (aggregator's alert step and the alert sweeper; docs/alerts.md). */
  creditAlertsSent: 'CreditAlertsSent',
  // Daily job (dimension: service)
  activeClients: 'ActiveClients',
  dailyRequests: 'DailyRequests',
  /** Units of the closed day's requests, all clients (beside DailyRequests). */
  dailyUnits: 'DailyUnits',
  itemsArchived: 'ItemsArchived',
  itemsDeleted: 'ItemsDeleted',
  /** Correction revisions the daily job recorded for closed monthly statements whose counters changed (alarm on ≥ 1). */
  statementCorrections: 'UsageStatementCorrections',
  // Scheduled Stripe push (dimension: service)
  /** Meter events Stripe accepted in a run. */
  billingRecordsSent: 'BillingRecordsSent',
  /** Client-days refused (past Stripe's window, negative) or of unknown outcome in a run: an operator looks (alarmed). */
  billingRefused: 'BillingRecordsRefused',
} as const;

/** Powertools service names: one per Lambda role, used as the `service` dimension. */
export const SERVICE = {
  api: 'metered-api',
  authorizer: 'metered-api-authorizer',
  aggregator: 'usage-aggregator',
  dailyJob: 'usage-daily-job',
  alertSweeper: 'usage-alert-sweeper',
  admin: 'metered-api-admin',
  billingPush: 'billing-push',
} as const;
