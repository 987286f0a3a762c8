// The twin's live dashboard: `/_twin/` (page), `/_twin/uplot.*` (the charting library, from
// node_modules) and `/_twin/api/metrics` (JSON), built from contracts/dashboard.ts and filled from
// what the twin observes: gateway answers, queue attributes in fauxqs, counters in DynamoDB Local.
// It checks its callers itself (twin-guard.ts): the page and its assets hold no data; the metrics, which list
// clients, need the dashboard's read-only token, which the page takes from its link's fragment.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DASHBOARD } from '../contracts/dashboard';
import { listClients } from '../capabilities/customers/client-store';
import { dailyQuotaInForce } from '../capabilities/customers/limits-in-force';
import { utcDay } from '../capabilities/usage/calendar-days';
import { dynamoUsageReader } from '../capabilities/usage/usage-reader';
import type { AccessLogEntry } from './gateway/server';
import { callerRefusal, sendRefusal, tokenRefusal } from './gateway/twin-guard';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../contracts/gateway-responses';

export const DASHBOARD_PATH = '/_twin/';
/** Seconds of per-second history the page plots. */
const HISTORY_SECONDS = 300;
const UPLOT_DIR = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));

interface Second {
  readonly t: number;
  readonly byRouteClass: Record<string, number>;
  throttled: number;
  quotaExceeded: number;
  wafBlocked: number;
  latencies: number[];
}

export interface DashboardSources {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly sqs: SQSClient;
  readonly usageQueueUrl: string;
  readonly deadLetterQueueUrl: string;
}

export interface DailyJobRun {
  readonly at: string;
  readonly ok: boolean;
  readonly result?: unknown;
}

/** What the gateway answered, per second and per client (today, UTC), kept in memory. */
export class TwinObservations {
  private readonly seconds: Second[] = [];
  private answeredDay = '';
  private readonly answered = new Map<string, number>();
  lastDailyJob?: DailyJobRun;

  record(entry: AccessLogEntry, now = Date.now()): void {
    const t = Math.floor(now / 1000);
    let second = this.seconds.at(-1);
    if (!second || second.t !== t) {
      second = { t, byRouteClass: {}, throttled: 0, quotaExceeded: 0, wafBlocked: 0, latencies: [] };
      this.seconds.push(second);
      while (this.seconds.length > 0 && this.seconds[0].t <= t - HISTORY_SECONDS) this.seconds.shift();
    }
    const key = `${entry.resourcePath ? `${entry.method} ${entry.resourcePath}` : 'unmatched'} ${Math.floor(entry.status / 100)}xx`;
    second.byRouteClass[key] = (second.byRouteClass[key] ?? 0) + 1;
    if (entry.errorType === 'THROTTLED') second.throttled++;
    if (entry.errorType === 'QUOTA_EXCEEDED') second.quotaExceeded++;
    if (entry.errorType === 'WAF_FILTERED') second.wafBlocked++;
    second.latencies.push(entry.latencyMs);
    // Answered by a handler = what the metering must count: a client, and no gateway refusal.
    if (entry.clientId && !entry.errorType) {
      const day = utcDay(new Date(now));
      if (day !== this.answeredDay) {
        this.answered.clear();
        this.answeredDay = day;
      }
      this.answered.set(entry.clientId, (this.answered.get(entry.clientId) ?? 0) + 1);
    }
  }

  answeredToday(clientId: string): number {
    return this.answeredDay === utcDay(new Date()) ? (this.answered.get(clientId) ?? 0) : 0;
  }

  /** Per-second series over the last HISTORY_SECONDS, zero-filled. */
  series(now = Date.now()) {
    const end = Math.floor(now / 1000);
    const t = Array.from({ length: HISTORY_SECONDS }, (_, i) => end - HISTORY_SECONDS + 1 + i);
    const at = new Map(this.seconds.map((s) => [s.t, s]));
    const keys = [...new Set(this.seconds.flatMap((s) => Object.keys(s.byRouteClass)))].sort();
    const pct = (values: number[], p: number) => {
      if (values.length === 0) return null;
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
    };
    return {
      t,
      requests: Object.fromEntries(keys.map((k) => [k, t.map((s) => at.get(s)?.byRouteClass[k] ?? 0)])),
      latency: { p50: t.map((s) => pct(at.get(s)?.latencies ?? [], 50)), p99: t.map((s) => pct(at.get(s)?.latencies ?? [], 99)) },
      throttled: t.map((s) => at.get(s)?.throttled ?? 0),
      quotaExceeded: t.map((s) => at.get(s)?.quotaExceeded ?? 0),
      wafBlocked: t.map((s) => at.get(s)?.wafBlocked ?? 0),
    };
  }
}

async function queueDepth(sqs: SQSClient, queueUrl: string) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** The JSON behind the page. */
export async function dashboardMetrics(observations: TwinObservations, sources: DashboardSources, now = new Date()) {
  const today = utcDay(now);
  const reader = dynamoUsageReader({ db: sources.db, tableName: sources.tableName });
  const [usage, dlq, clients] = await Promise.all([
    queueDepth(sources.sqs, sources.usageQueueUrl),
    queueDepth(sources.sqs, sources.deadLetterQueueUrl),
    listClients({ db: sources.db, tableName: sources.tableName }),
  ]);
  const perClient = await Promise.all(
    clients.map(async (c) => ({
      clientId: c.clientId,
      name: c.name,
      plan: c.plan,
      status: c.status,
      counted: (await reader.readDay(c.clientId, today)).requests,
      answered: observations.answeredToday(c.clientId),
      quota: dailyQuotaInForce(c) ?? 0,
    })),
  );
  return {
    generatedAt: now.toISOString(),
    day: today,
    widgets: DASHBOARD,
    series: observations.series(now.getTime()),
    queues: { usage, deadLetter: { usage: dlq.visible } },
    totals: { answered: perClient.reduce((n, c) => n + c.answered, 0), counted: perClient.reduce((n, c) => n + c.counted, 0) },
    clients: perClient.sort((a, b) => b.counted - a.counted || a.clientId.localeCompare(b.clientId)),
    dailyJob: observations.lastDailyJob ?? null,
  };
}

const ASSETS: Record<string, { file: string; type: string }> = {
  '/_twin/uplot.js': { file: path.join(UPLOT_DIR, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/_twin/uplot.css': { file: path.join(UPLOT_DIR, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
  '/_twin/dashboard.js': { file: path.join(__dirname, 'dashboard-page.js'), type: 'text/javascript; charset=utf-8' },
};

export interface DashboardAccess {
  /** The dashboard's read-only token (the fragment of its link). */
  readonly token: string;
  /** The admin token, accepted as well. */
  readonly adminToken?: string;
}

/** The link `npm start` prints: the token rides in the fragment, which the browser never sends or logs anywhere. */
export function dashboardLink(baseUrl: string, token: string): string {
  return `${baseUrl}${DASHBOARD_PATH}#token=${token}`;
}

const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** Answers `/_twin/…` requests; returns false for any other path (the gateway handles those). */
export function dashboardRoutes(observations: TwinObservations, sources: DashboardSources, access: DashboardAccess) {
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> => {
    if (pathname !== '/_twin' && !pathname.startsWith('/_twin/')) return false;
    const requestId = randomUUID();
    const refusal =
      callerRefusal(req) ??
      (pathname === METRICS_PATH
        ? tokenRefusal(req, [access.token, access.adminToken], 'the dashboard token (open the dashboard link `npm start` prints)')
        : undefined);
    if (refusal) {
      sendRefusal(req, res, refusal, requestId);
      return true;
    }
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendProblem(res, 405, 'method-not-allowed', 'Method Not Allowed', 'The dashboard only reads: GET.', requestId, { allow: 'GET' });
    } else if (pathname === '/_twin' || pathname === DASHBOARD_PATH) {
      res.writeHead(200, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (pathname === METRICS_PATH) {
      const body = JSON.stringify(await dashboardMetrics(observations, sources));
      res.writeHead(200, { ...PAGE_HEADERS, 'content-type': 'application/json' }).end(body);
    } else if (ASSETS[pathname]) {
      res.writeHead(200, { ...PAGE_HEADERS, 'content-type': ASSETS[pathname].type }).end(fs.readFileSync(ASSETS[pathname].file));
    } else {
      sendProblem(res, 404, 'not-found', 'Not Found', 'No such dashboard resource.', requestId);
    }
    return true;
  };
}

const METRICS_PATH = '/_twin/api/metrics';

function sendProblem(
  res: ServerResponse,
  status: number,
  slug: string,
  title: string,
  detail: string,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${slug}`, title, status, detail, requestId });
  res.writeHead(status, { ...PAGE_HEADERS, ...headers, 'content-type': PROBLEM_CONTENT_TYPE, 'x-amzn-RequestId': requestId }).end(body);
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Metered API twin</title>
<link rel="stylesheet" href="/_twin/uplot.css">
<style>
body{font:14px system-ui,sans-serif;margin:16px;background:#fafafa;color:#222}
h1{font-size:18px;margin:0 0 8px} h2{font-size:14px;margin:0 0 6px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px}
table{border-collapse:collapse;width:100%} td,th{padding:3px 6px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left} .muted{color:#777}
</style></head>
<body><h1>Metered API twin <span class="muted" id="updated"></span></h1>
<div class="grid" id="charts"></div>
<div class="grid" style="margin-top:12px">
<div class="card" style="grid-column:span 2"><h2 id="title-clientUsage"></h2><table id="clients"></table></div>
<div class="card"><h2 id="title-countedVsAnswered"></h2><table id="totals"></table>
<h2 id="title-dailyJob" style="margin-top:12px"></h2><div id="daily-job" class="muted"></div></div>
</div>
<script src="/_twin/uplot.js"></script><script src="/_twin/dashboard.js"></script>
</body></html>`;
