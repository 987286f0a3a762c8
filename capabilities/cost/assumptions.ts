// The unit counts the cost model cannot measure on this machine, each stated with its reason; `npm run cost` prints
// every one it uses on the bill line it affects. Replace one with a figure measured on a deployed stage when you have it.

export interface Assumption {
  readonly value: number;
  /** Why this value, in a few words (printed on the line). */
  readonly why: string;
}

export const ASSUMPTIONS = {
  usageSendMs: { value: 8, why: 'assumed: one SQS SendMessage round trip in-Region (not measurable offline)' },
  authorizerBilledMs: { value: 10, why: 'assumed: one DynamoDB GetItem and the policy (not measured on AWS)' },
  activeKeys: { value: 1_000, why: 'assumed (--active-keys): each active key misses the authorizer cache once per TTL' },
  routesPerClient: { value: 3, why: 'assumed: distinct routes a client calls per day (counter items)' },
  platformBytesPerInvocation: { value: 450, why: 'assumed: JSON platform.start + platform.report records per invocation' },
  routeRequestLineBytes: {
    value: 481,
    why: 'measured once in-process (test context, short function name; longer on AWS): the `request` line of a 200',
  },
  successShare: { value: 0.95, why: 'assumed: share of route answers that are 2xx/3xx' },
  authorizerLogBytes: { value: 400, why: 'assumed: the authorizer’s log + EMF bytes per invocation (not benched)' },
  aggregatorLogBytesPerBatch: { value: 1_500, why: 'assumed: the aggregator’s log + EMF bytes per batch' },
  wafLogRecordBytes: { value: 1_500, why: 'assumed: one WAF log record with headers, credentials redacted' },
  wafBlockedShare: { value: 0.01, why: 'assumed: share of requests a WAF rule blocks' },
  responseBytes: { value: 700, why: 'assumed: response body + headers sent to the client' },
  logCompression: { value: 0.15, why: 'assumed: archived size / ingested size of JSON logs' },
  sqsMessagesPerReceive: { value: 10, why: 'assumed: Lambda’s pollers receive and delete 10 messages per call' },
  sqsIdleReceivesPerMonth: { value: 5 * 3 * 60 * 730, why: 'assumed: 5 pollers long-polling 20 s each, all month' },
  claimReadRruPerEvent: { value: 0.02, why: 'assumed: the consistent Query of a claim page before each append' },
  counterItemBytes: { value: 300, why: 'assumed: one counter item with its latency histogram and markers' },
  sweeperRunMs: { value: 300, why: 'assumed: one alert sweeper run (a few Queries), every 5 minutes' },
  dailyJobRunSeconds: { value: 60, why: 'assumed: one daily job run (summaries, archive)' },
  archivePutsPerDay: { value: 4, why: 'assumed: the daily job’s archive part, manifest and summary objects' },
  quotaAlertsPerClientDay: { value: 0.1, why: 'assumed: quota threshold crossings per active client per day' },
} as const satisfies Record<string, Assumption>;

export type AssumptionId = keyof typeof ASSUMPTIONS;
