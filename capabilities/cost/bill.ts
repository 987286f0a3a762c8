// The monthly bill of a stage at a volume, line by line: measured unit counts (bench/results) and stated assumptions
// times the cited list prices (contracts/aws-prices.ts), in exact integer pico-dollars.
import { ACCESS_LOG_FIELDS } from '../../contracts/access-log';
import { PRICES, type PriceId } from '../../contracts/aws-prices';
import type { StageConfig } from '../../contracts/stages';
import { CLAIM_RETENTION_DAYS } from '../../contracts/usage-queue';
import { ASSUMPTIONS } from './assumptions';
import { DEPLOYED } from './deployment';
import { costOf, type Pico, perMillion, sum } from './money';

/** AWS bills a month as 730 hours. */
export const SECONDS_PER_MONTH = 730 * 3_600;
const DAYS_PER_MONTH = SECONDS_PER_MONTH / 86_400;
const GB = 1_024 ** 3;

/** A figure a benchmark recorded, with the file (and run time) it came from. */
export interface MeasuredFigure {
  readonly value: number;
  readonly source: string;
}

/** The aggregation bench with this aggregator, at one batch size, on one workload (`prod-routes`: what prod meters). */
export interface AggregationPoint {
  readonly batchSize: number;
  readonly workload: string;
  readonly wcuPerEvent: number;
  /** Events per second one invocation handled on DynamoDB Local (slower than DynamoDB: an upper bound on duration). */
  readonly eventsPerSecond: number;
  readonly source: string;
}

export interface MeasuredUnits {
  readonly aggregation: readonly AggregationPoint[];
  /** Log + EMF bytes a route function writes per request (request-path bench). */
  readonly routeLogBytesPerRequest?: MeasuredFigure;
  /** The full handler chain with its use case, p50 per call in µs, in-process (request-path bench). */
  readonly routeChainP50Us?: MeasuredFigure;
}

export interface BillInput {
  readonly stage: StageConfig;
  readonly requestsPerMonth: number;
  readonly measured: MeasuredUnits;
  /** @default ASSUMPTIONS.activeKeys */
  readonly activeKeys?: number;
}

export interface BillLine {
  readonly service: string;
  readonly item: string;
  /** The quantity billed, in words (`100,000,000 calls`). */
  readonly quantity: string;
  readonly cost: Pico;
  /** Where the unit count comes from: `measured: <file>`, `assumed: …`, `computed: …`, `fixed`, or `off: <setting>`. */
  readonly basis: string;
  /** Part of the metering (usage events, counting, the wait on the send), not of serving the request. */
  readonly metering: boolean;
  readonly prices: readonly PriceId[];
}

export interface Bill {
  readonly stageName: string;
  readonly requestsPerMonth: number;
  readonly lines: readonly BillLine[];
  readonly total: Pico;
  /** API Gateway REST calls alone: the floor of any REST API at this volume. */
  readonly restFloor: Pico;
  readonly metering: Pico;
  /** Assumed batch fill of the aggregator at this volume's average rate. */
  readonly batchFill: number;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const gbOf = (bytes: number) => bytes / GB;
const gbText = (bytes: number) => `${gbOf(bytes).toLocaleString('en-US', { maximumFractionDigits: 2 })} GB`;
const assumed = (id: keyof typeof ASSUMPTIONS) => ASSUMPTIONS[id].why.replace(/^assumed: /, '');

/** One representative access-log line as API Gateway writes it (JSON of the stage's fields, typical values). */
export function accessLogLineBytes(): number {
  const typical: Record<string, string> = {
    '$context.requestId': '4f6a3c2e-1b7d-4c3e-9a51-2d8e7f0b6a11',
    '$context.extendedRequestId': 'Kx3YpG1aIAMEbvQ=',
    '$context.requestTime': '01/Dec/2026:18:00:00 +0000',
    '$context.identity.sourceIp': '203.0.113.17',
    '$context.identity.userAgent': 'python-requests/2.32.3',
    '$context.httpMethod': 'GET',
    '$context.resourcePath': '/v1/usage/daily',
    '$context.status': '200',
    '$context.responseLength': '412',
    '$context.responseLatency': '23',
    '$context.integration.latency': '19',
    '$context.authorizer.principalId': 'c_01JDQ3K8Z4W6T2N5R7V9XB1M3E',
    '$context.authorizer.plan': 'standard',
    '$context.error.responseType': '-',
    '$context.error.message': '-',
  };
  const line = Object.fromEntries(Object.entries(ACCESS_LOG_FIELDS).map(([field, variable]) => [field, typical[variable] ?? '-']));
  return Buffer.byteLength(`${JSON.stringify(line)}\n`);
}

/** Events per aggregator batch at an average rate: Lambda's pollers each gather for the window, up to the batch size. */
export function batchFill(stage: StageConfig, requestsPerMonth: number): number {
  const rate = requestsPerMonth / SECONDS_PER_MONTH;
  return Math.max(1, Math.min(stage.usageBatchSize, (rate * stage.usageBatchWindowSeconds) / DEPLOYED.sqsPollers));
}

/** The measured point for batches of `fill` events: the largest measured batch not above it, else the smallest (flagged). */
export function aggregationPointFor(points: readonly AggregationPoint[], fill: number): { point: AggregationPoint; understated: boolean } {
  if (points.length === 0) throw new Error('no aggregation result in bench/results: run `npm run bench -- aggregation` first');
  const sorted = [...points].sort((a, b) => a.batchSize - b.batchSize);
  const below = sorted.filter((p) => p.batchSize <= fill).at(-1);
  return below ? { point: below, understated: false } : { point: sorted[0], understated: true };
}

/** X-Ray traces recorded in a month: the reservoir each second first, then the rate of the rest (average rate). */
export function tracesPerMonth(tracing: StageConfig['telemetry']['tracing'], requestsPerMonth: number): number {
  const reservoir = Math.min(requestsPerMonth, tracing.reservoirPerSecond * SECONDS_PER_MONTH);
  return reservoir + tracing.rate * (requestsPerMonth - reservoir);
}

export function billFor(input: BillInput): Bill {
  const { stage, requestsPerMonth: requests, measured } = input;
  if (!Number.isInteger(requests) || requests <= 0) throw new Error(`requests per month must be a whole number above 0, got ${requests}`);
  const activeKeys = input.activeKeys ?? ASSUMPTIONS.activeKeys.value;
  const lines: BillLine[] = [];
  const add = (line: Omit<BillLine, 'cost' | 'prices'>, priced: [PriceId, number][]) =>
    lines.push({ ...line, cost: sum(priced.map(([id, quantity]) => costOf(PRICES[id], quantity))), prices: priced.map(([id]) => id) });
  const lambdaGbSeconds = (invocations: number, billedMs: number, memoryMb: number) => (invocations * billedMs * memoryMb) / 1_000 / 1_024;

  // API Gateway: every request, tiered.
  add(
    {
      service: 'API Gateway',
      item: 'REST API calls',
      quantity: `${count(requests)} calls`,
      basis: 'computed: one per request',
      metering: false,
    },
    [['apiGatewayRestCall', requests]],
  );

  // WAF: the ACL and its rules each month, every request inspected, and its log.
  const waf = stage.waf;
  if (waf.enabled) {
    add({ service: 'WAF', item: 'web ACL + rules', quantity: `1 ACL, ${DEPLOYED.wafRules} rules`, basis: 'fixed', metering: false }, [
      ['wafWebAclMonth', 1],
      ['wafRuleMonth', DEPLOYED.wafRules],
    ]);
    add(
      {
        service: 'WAF',
        item: 'requests inspected',
        quantity: `${count(requests)} requests`,
        basis: 'computed: every request',
        metering: false,
      },
      [['wafRequest', requests]],
    );
  }

  // Lambda: route functions (one invocation per request), the authorizer (cache misses), the aggregator (batches).
  const chainMs = (measured.routeChainP50Us?.value ?? 1_000) / 1_000;
  const handlerBilledMs = Math.max(1, Math.ceil(chainMs));
  const billedMs = Math.ceil(chainMs + ASSUMPTIONS.usageSendMs.value);
  add(
    {
      service: 'Lambda',
      item: 'route functions: invocations + handler time',
      quantity: `${count(requests)} × ${handlerBilledMs} ms at ${DEPLOYED.routeMemoryMb} MB`,
      basis: measured.routeChainP50Us
        ? `measured: chain p50 ${measured.routeChainP50Us.value} µs in-process (${measured.routeChainP50Us.source}), billed per 1 ms`
        : 'assumed: 1 ms (no request-path result)',
      metering: false,
    },
    [
      ['lambdaRequest', requests],
      ['lambdaArmGbSecond', lambdaGbSeconds(requests, handlerBilledMs, DEPLOYED.routeMemoryMb)],
    ],
  );
  add(
    {
      service: 'Lambda',
      item: 'route functions: waiting on the usage send',
      quantity: `${count(requests)} × ${billedMs - handlerBilledMs} ms at ${DEPLOYED.routeMemoryMb} MB`,
      basis: ASSUMPTIONS.usageSendMs.why,
      metering: true,
    },
    [['lambdaArmGbSecond', lambdaGbSeconds(requests, billedMs - handlerBilledMs, DEPLOYED.routeMemoryMb)]],
  );

  const ttl = stage.authorizerCacheTtlSeconds;
  const authorizerCalls = ttl > 0 ? Math.min(requests, (activeKeys * SECONDS_PER_MONTH) / ttl) : requests;
  add(
    {
      service: 'Lambda',
      item: 'authorizer (cache misses)',
      quantity: `${count(authorizerCalls)} × ${ASSUMPTIONS.authorizerBilledMs.value} ms at ${DEPLOYED.authorizerMemoryMb} MB`,
      basis: `${ASSUMPTIONS.activeKeys.why.replace(/\(.*\)/, `(${count(activeKeys)} keys)`)}, TTL ${ttl} s; ${assumed('authorizerBilledMs')}`,
      metering: false,
    },
    [
      ['lambdaRequest', authorizerCalls],
      ['lambdaArmGbSecond', lambdaGbSeconds(authorizerCalls, ASSUMPTIONS.authorizerBilledMs.value, DEPLOYED.authorizerMemoryMb)],
    ],
  );

  const fill = batchFill(stage, requests);
  const batches = requests / fill;
  const { point, understated } = aggregationPointFor(measured.aggregation, fill);
  const aggregatorSeconds = requests / point.eventsPerSecond;
  add(
    {
      service: 'Lambda',
      item: 'aggregator (usage batches)',
      quantity: `${count(batches)} batches of ~${count(fill)} events, ${count(aggregatorSeconds)} s at ${DEPLOYED.aggregatorMemoryMb} MB`,
      basis: `measured: ${point.eventsPerSecond} events/s on DynamoDB Local at batch ${count(point.batchSize)} (${point.source}; an upper bound)`,
      metering: true,
    },
    [
      ['lambdaRequest', batches],
      ['lambdaArmGbSecond', (aggregatorSeconds * DEPLOYED.aggregatorMemoryMb) / 1_024],
    ],
  );
  add(
    {
      service: 'Lambda',
      item: 'daily job + alert sweeper (scheduled)',
      quantity: `${count(DAYS_PER_MONTH)} + ${count(DEPLOYED.sweeperRunsPerMonth)} runs`,
      basis: `${assumed('dailyJobRunSeconds')}; ${assumed('sweeperRunMs')}`,
      metering: false,
    },
    [
      ['lambdaRequest', DAYS_PER_MONTH + DEPLOYED.sweeperRunsPerMonth],
      [
        'lambdaArmGbSecond',
        lambdaGbSeconds(DAYS_PER_MONTH, ASSUMPTIONS.dailyJobRunSeconds.value * 1_000, DEPLOYED.dailyJobMemoryMb) +
          lambdaGbSeconds(DEPLOYED.sweeperRunsPerMonth, ASSUMPTIONS.sweeperRunMs.value, DEPLOYED.sweeperMemoryMb),
      ],
      ['schedulerInvocation', DAYS_PER_MONTH + DEPLOYED.sweeperRunsPerMonth],
    ],
  );

  // SQS: one SendMessage per request, Lambda's receives and deletes, and its idle long polls.
  const sqsReceiveDelete = (2 * requests) / ASSUMPTIONS.sqsMessagesPerReceive.value;
  add(
    {
      service: 'SQS',
      item: 'usage event sends',
      quantity: `${count(requests)} requests`,
      basis: 'computed: one SendMessage per request',
      metering: true,
    },
    [['sqsStandardRequest', requests]],
  );
  add(
    {
      service: 'SQS',
      item: 'event source receives + deletes + idle polls',
      quantity: `${count(sqsReceiveDelete + ASSUMPTIONS.sqsIdleReceivesPerMonth.value)} requests`,
      basis: `${ASSUMPTIONS.sqsMessagesPerReceive.why}; ${assumed('sqsIdleReceivesPerMonth')}`,
      metering: true,
    },
    [['sqsStandardRequest', sqsReceiveDelete + ASSUMPTIONS.sqsIdleReceivesPerMonth.value]],
  );

  // DynamoDB: the aggregator's writes per event (measured), reads, and what the table stores.
  add(
    {
      service: 'DynamoDB',
      item: 'counting writes (claims, journals, counters)',
      quantity: `${count(requests * point.wcuPerEvent)} WRU (${point.wcuPerEvent} per event)`,
      basis: `measured: ${point.workload} workload at batch ${count(point.batchSize)} (${point.source})${
        understated ? `; batches here fill to ~${count(fill)} events, below any measured size: understated` : ''
      }`,
      metering: true,
    },
    [['dynamoDbWriteRequestUnit', requests * point.wcuPerEvent]],
  );
  add(
    {
      service: 'DynamoDB',
      item: 'aggregator claim reads',
      quantity: `${count(requests * ASSUMPTIONS.claimReadRruPerEvent.value)} RRU`,
      basis: ASSUMPTIONS.claimReadRruPerEvent.why,
      metering: true,
    },
    [['dynamoDbReadRequestUnit', requests * ASSUMPTIONS.claimReadRruPerEvent.value]],
  );
  add(
    {
      service: 'DynamoDB',
      item: 'authorizer key lookups',
      quantity: `${count(authorizerCalls * 0.5)} RRU`,
      basis: 'computed: one eventually consistent GetItem (0.5 RRU) per authorizer invocation',
      metering: false,
    },
    [['dynamoDbReadRequestUnit', authorizerCalls * 0.5]],
  );
  const claimBytes = (requests / DAYS_PER_MONTH) * 16 * CLAIM_RETENTION_DAYS;
  const counterBytes = activeKeys * (ASSUMPTIONS.routesPerClient.value + 1) * stage.retentionDays * ASSUMPTIONS.counterItemBytes.value;
  add(
    {
      service: 'DynamoDB',
      item: `storage${stage.pointInTimeRecovery ? ' + PITR' : ''} (claims, counters)`,
      quantity: `${gbText(claimBytes + counterBytes)}-month`,
      basis: `computed: 16 B per claim × ${CLAIM_RETENTION_DAYS} days; counters per client-day × ${stage.retentionDays} days (${assumed('routesPerClient')})`,
      metering: true,
    },
    [
      ['dynamoDbStorageGbMonth', gbOf(claimBytes + counterBytes)],
      ['dynamoDbPitrGbMonth', stage.pointInTimeRecovery ? gbOf(claimBytes + counterBytes) : 0],
    ],
  );

  // CloudWatch Logs: what every part writes per request, then what the retention keeps.
  const ingested: number[] = [];
  const logLine = (item: string, bytes: number, basis: string, metering = false) => {
    ingested.push(bytes);
    add({ service: 'CloudWatch Logs', item, quantity: `${gbText(bytes)} ingested`, basis, metering }, [['logsIngestionGb', gbOf(bytes)]]);
  };
  const routeLogBytes = measured.routeLogBytesPerRequest?.value ?? 0;
  const successLinesOff = stage.telemetry.routeRequestLog === 'errors';
  const droppedPerRequest = successLinesOff ? ASSUMPTIONS.routeRequestLineBytes.value * ASSUMPTIONS.successShare.value : 0;
  logLine(
    `route functions: app log + EMF (request lines: ${stage.telemetry.routeRequestLog})`,
    requests * Math.max(0, routeLogBytes - droppedPerRequest),
    (measured.routeLogBytesPerRequest
      ? `measured: ${routeLogBytes} B per request with every line (${measured.routeLogBytesPerRequest.source})`
      : 'not measured: no request-path result') +
      (successLinesOff
        ? `; minus the request line of successes: ${ASSUMPTIONS.routeRequestLineBytes.value} B (${ASSUMPTIONS.routeRequestLineBytes.why.replace(/: the .*$/, '')}) × ${ASSUMPTIONS.successShare.value * 100} % (${assumed('successShare')})`
        : ''),
  );
  logLine(
    'authorizer + aggregator: app log + EMF',
    authorizerCalls * ASSUMPTIONS.authorizerLogBytes.value + batches * ASSUMPTIONS.aggregatorLogBytesPerBatch.value,
    `${ASSUMPTIONS.authorizerLogBytes.why}; ${assumed('aggregatorLogBytesPerBatch')}`,
  );
  const invocations = requests + authorizerCalls + batches;
  if (stage.telemetry.lambdaSystemLogLevel === 'INFO') {
    logLine(
      'Lambda platform lines (START, REPORT)',
      invocations * ASSUMPTIONS.platformBytesPerInvocation.value,
      ASSUMPTIONS.platformBytesPerInvocation.why,
    );
  } else {
    logLine('Lambda platform lines (START, REPORT)', 0, 'off: telemetry.lambdaSystemLogLevel WARN');
  }
  const accessBytes = accessLogLineBytes();
  logLine(
    'API Gateway access log',
    stage.telemetry.accessLog ? requests * accessBytes : 0,
    stage.telemetry.accessLog
      ? `computed: ${accessBytes} B per line from contracts/access-log.ts, typical values`
      : 'off: telemetry.accessLog',
  );
  if (waf.enabled) {
    const logged = (waf.logging ?? 'all') === 'all' ? requests : requests * ASSUMPTIONS.wafBlockedShare.value;
    logLine(
      `WAF log (${waf.logging ?? 'all'})`,
      logged * ASSUMPTIONS.wafLogRecordBytes.value,
      (waf.logging ?? 'all') === 'all'
        ? ASSUMPTIONS.wafLogRecordBytes.why
        : `${assumed('wafBlockedShare')} (${ASSUMPTIONS.wafBlockedShare.value * 100} %); ${assumed('wafLogRecordBytes')}`,
    );
  }
  const retentionMonths = stage.logRetentionDays / DAYS_PER_MONTH;
  const storedBytes = sum(ingested.map((b) => BigInt(Math.round(b)))) * BigInt(Math.round(retentionMonths * 1_000));
  const storedGb = (Number(storedBytes) / 1_000) * ASSUMPTIONS.logCompression.value;
  add(
    {
      service: 'CloudWatch Logs',
      item: `storage (${stage.logRetentionDays}-day retention, steady state)`,
      quantity: `${gbText(storedGb)}-month`,
      basis: ASSUMPTIONS.logCompression.why,
      metering: false,
    },
    [['logsStorageGbMonth', gbOf(storedGb)]],
  );

  // X-Ray: API Gateway decides the sample (the stage's sampling rule); Lambda follows it.
  const { tracing } = stage.telemetry;
  // Functions not invoked by API Gateway sample by Lambda's own fixed rule (1 a second, then 5 %) when traced.
  const lambdaOwnRule = { reservoirPerSecond: 1, rate: 0.05 };
  const tracingOn = tracing.reservoirPerSecond > 0 || tracing.rate > 0;
  const traces = tracingOn
    ? tracesPerMonth(tracing, requests) + tracesPerMonth(lambdaOwnRule, Math.round(batches + DAYS_PER_MONTH + DEPLOYED.sweeperRunsPerMonth))
    : 0;
  add(
    {
      service: 'X-Ray',
      item: 'traces recorded',
      quantity: `${count(traces)} traces`,
      basis: tracingOn
        ? `computed: ${tracing.reservoirPerSecond}/s then ${tracing.rate * 100} % of requests (telemetry.tracing), at the average rate; aggregator and scheduled runs by Lambda's 1/s + 5 %`
        : 'off: telemetry.tracing',
      metering: false,
    },
    [['xrayTraceRecorded', traces]],
  );

  // CloudWatch: metrics, alarms, the dashboard.
  add(
    {
      service: 'CloudWatch',
      item: 'custom metrics, alarms, dashboard',
      quantity: `${DEPLOYED.customMetrics} metrics, ${DEPLOYED.alarmMetrics} alarm metrics, ${DEPLOYED.dashboards} dashboard`,
      basis: 'fixed: metric series from contracts/metrics.ts × routes; alarms and dashboard of the template',
      metering: false,
    },
    [
      ['customMetricMonth', DEPLOYED.customMetrics],
      ['alarmMonth', DEPLOYED.alarmMetrics],
      ['dashboardMonth', DEPLOYED.dashboards],
    ],
  );

  add(
    {
      service: 'Data transfer',
      item: 'responses out to the internet',
      quantity: gbText(requests * ASSUMPTIONS.responseBytes.value),
      basis: ASSUMPTIONS.responseBytes.why,
      metering: false,
    },
    [['dataTransferOutGb', gbOf(requests * ASSUMPTIONS.responseBytes.value)]],
  );

  const alertEvents = activeKeys * ASSUMPTIONS.quotaAlertsPerClientDay.value * DAYS_PER_MONTH;
  add(
    {
      service: 'EventBridge',
      item: 'quota alert events',
      quantity: `${count(alertEvents)} events`,
      basis: ASSUMPTIONS.quotaAlertsPerClientDay.why,
      metering: false,
    },
    [['eventBridgeCustomEvent', alertEvents]],
  );

  const archivedBytes = (counterBytes / stage.retentionDays) * stage.archiveExpireDays * ASSUMPTIONS.logCompression.value;
  add(
    {
      service: 'S3',
      item: 'usage archive',
      quantity: `${count(ASSUMPTIONS.archivePutsPerDay.value * DAYS_PER_MONTH)} PUTs, ${gbText(archivedBytes)}-month`,
      basis: `${ASSUMPTIONS.archivePutsPerDay.why}; gzip JSON lines kept ${stage.archiveExpireDays} days (Standard price)`,
      metering: false,
    },
    [
      ['s3PutRequest', ASSUMPTIONS.archivePutsPerDay.value * DAYS_PER_MONTH],
      ['s3StandardGbMonth', gbOf(archivedBytes)],
    ],
  );

  const total = sum(lines.map((line) => line.cost));
  return {
    stageName: stage.stageName,
    requestsPerMonth: requests,
    lines,
    total,
    restFloor: lines[0].cost,
    metering: sum(lines.filter((line) => line.metering).map((line) => line.cost)),
    batchFill: fill,
  };
}

/** A cost per million requests of this bill. */
export function perMillionOf(bill: Bill, cost: Pico): Pico {
  return perMillion(cost, bill.requestsPerMonth);
}
