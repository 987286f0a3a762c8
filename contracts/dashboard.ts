// The operators' dashboard as data: widget titles, series labels and statistics, read by the
// CloudWatch dashboard (lib/constructs/monitoring.ts) and the twin's live page (local/dashboard.ts).
// `twin` says what the twin can show of a widget from what it observes; absent = AWS only.

export interface DashboardWidget {
  readonly title: string;
  /** Series labels by key, in display order. */
  readonly series: Readonly<Record<string, string>>;
  /** What the twin shows: per-second rates, a gauge over time, or a table. */
  readonly twin?: 'rate' | 'gauge' | 'table';
}

export const DASHBOARD = {
  requests: {
    title: 'API requests and errors',
    series: { requests: 'Count', clientErrors: '4XXError', serverErrors: '5XXError' },
    twin: 'rate',
  },
  latency: { title: 'API latency', series: { p50: 'p50', p99: 'p99', integrationP99: 'integration p99' }, twin: 'gauge' },
  throttles: {
    title: 'API throttles and quota',
    series: { throttled: 'throttled (429)', quotaExceeded: 'quota exceeded (429)', serverErrorRate: '5xx rate (%)' },
    twin: 'rate',
  },
  usageQueue: { title: 'Usage queue depth', series: { visible: 'visible', inFlight: 'in flight' }, twin: 'gauge' },
  deadLetters: { title: 'Dead-letter queues', series: { usage: 'usage DLQ', job: 'daily job DLQ' }, twin: 'gauge' },
  // Stages with a web ACL (contracts/waf.ts); the twin plots the blocks of its two emulated rules.
  waf: { title: 'WAF requests (web ACL)', series: { blocked: 'blocked', counted: 'counted only', allowed: 'allowed' }, twin: 'rate' },
  dailyJob: {
    title: 'Daily job (custom)',
    series: {
      activeClients: 'ActiveClients',
      dailyRequests: 'DailyRequests',
      itemsArchived: 'ItemsArchived',
      itemsDeleted: 'ItemsDeleted',
    },
    twin: 'table',
  },
  // Twin only: it sees every answer and every counter, so it can put them side by side.
  countedVsAnswered: {
    title: 'Counted vs answered requests (today)',
    series: { answered: 'answered by a handler', counted: 'counted' },
    twin: 'table',
  },
  clientUsage: {
    title: 'Usage today by client vs daily quota',
    series: { requests: 'requests today', quota: 'daily quota' },
    twin: 'table',
  },
} as const satisfies Record<string, DashboardWidget>;
