// The daily job as a use case: close one UTC day (per-client summaries, metrics), then move counter
// items older than the retention to the S3 archive and delete them from the table. Every step is
// idempotent, so a rerun, or a run after a crash at any point, ends in the same state.
import { METRIC } from '../../contracts/metrics';
import { listClients, type ClientRecord } from '../customers/client-store';
import { dailyQuotaInForce } from '../customers/limits-in-force';
import { addDays, dayStartMs } from '../usage/calendar-days';
import { buildMonthlyStatement, writeMonthlyStatement, type WrittenStatement } from '../statements/monthly-statement';
import { monthSettledBy, monthsStillChanging } from '../statements/months';
import { announceCorrections, type PublishCorrections } from '../statements/correction-events';
import { dynamoUsageReader, type UsageTable } from '../usage/usage-reader';
import { averageLatencyMs, p95LatencyMs, percentOf } from '../analytics/usage-stats';
import { encodeArchive, itemId, itemLine, readArchive, writeArchive, type CounterArchive } from '../archive/counter-archive';
import { counterDay, counterItemsThrough, deleteArchivedItem, markForArchive, type CounterItem } from '../archive/counter-store';
import { putDailySummary, type DailySummary } from '../archive/summary-store';

export type JobMetric =
  | typeof METRIC.activeClients
  | typeof METRIC.dailyRequests
  | typeof METRIC.dailyUnits
  | typeof METRIC.itemsArchived
  | typeof METRIC.itemsDeleted
  | typeof METRIC.malformedClientRecords
  | typeof METRIC.statementCorrections;

export interface DailyJobDeps {
  readonly table: UsageTable;
  readonly archive: CounterArchive;
  /** Counts a metric (Powertools in the Lambda). */
  readonly recordMetric?: (name: JobMetric, value: number) => void;
  readonly log?: (message: string, details: Record<string, unknown>) => void;
  /** Clients processed at once. @default 8 */
  readonly concurrency?: number;
  /** Lines per archive object. @default 50,000 */
  readonly partItems?: number;
  /**
   * Sends `Usage Statement Corrected` events (EventBridge on the stage's alert bus in the Lambda). Without it,
   * corrections are still recorded and counted in the metric, but not announced.
   */
  readonly publishCorrections?: PublishCorrections;
}

/**
 * Days before the closed one that every run closes again: events of a day can still arrive after it
 * was closed (in the queue, in retries, redriven from the DLQ), and a summary must always equal the
 * counters it summarizes. Two days covers the queue's redrive (5 receives × 6× the aggregator timeout)
 * and a DLQ an operator redrives the next day.
 */
export const RECLOSED_DAYS = 2;

export interface DailyJobInput {
  /** The closed UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  /** Earlier days closed again by this run. @default RECLOSED_DAYS */
  readonly reclosedDays?: number;
  /** Counter items of the `retentionDays` days ending on `day` stay; older ones are archived. */
  readonly retentionDays: number;
}

export interface ArchivedDay {
  readonly dt: string;
  /** Items in the day's archive after this run. */
  readonly items: number;
  readonly objects: number;
  /** Items this run added to the archive (0 when an earlier run had archived them already). */
  readonly newlyArchived: number;
  readonly deleted: number;
  readonly manifestSha256: string;
}

export interface DailyJobReport {
  readonly day: string;
  readonly retentionDays: number;
  /** Days before this one are archived. */
  readonly keepFrom: string;
  readonly clients: number;
  readonly activeClients: number;
  readonly requests: number;
  /** Earlier days closed again, each with the requests its summaries now hold. */
  readonly reclosed: readonly { readonly day: string; readonly activeClients: number; readonly requests: number }[];
  readonly archivedDays: readonly ArchivedDay[];
  readonly itemsArchived: number;
  readonly itemsDeleted: number;
  /** The month whose last day settled with this day: its statement, written under `statements/`. */
  readonly statement?: WrittenStatement;
  /**
   * Every closed month whose counters can still change (the settled one included), recomputed: `corrected` when
   * its counters differed from its statement and a correction revision was recorded.
   */
  readonly statements: readonly { readonly month: string; readonly outcome: WrittenStatement['outcome']; readonly revision: number }[];
  /** Correction revisions announced by this run (events sent), as `<month> r<revision>`. */
  readonly announced: readonly string[];
}

export async function runDailyJob(input: DailyJobInput, deps: DailyJobDeps): Promise<DailyJobReport> {
  const record = deps.recordMetric ?? (() => undefined);
  const log = deps.log ?? (() => undefined);
  const keepFrom = addDays(input.day, -(input.retentionDays - 1));
  const lastArchivedDay = addDays(keepFrom, -1);
  const reader = dynamoUsageReader(deps.table, { consistent: true });

  // 1. Clients from the registry (a Query on its partition); revoked clients may still have usage.
  // A malformed client record is skipped (logged and counted), so one bad item cannot stop the job.
  let malformedClients = 0;
  const clients = await listClients(deps.table, (bad) => {
    malformedClients++;
    log('malformed client record skipped', { record: bad });
  });
  if (malformedClients > 0) record(METRIC.malformedClientRecords, malformedClients);

  // 2. Per client: the closed day's summary and the re-closed days' (within the retention window),
  // and the counter items that have left the retention window.
  const reclosedDays = Array.from({ length: input.reclosedDays ?? RECLOSED_DAYS }, (_, i) => addDays(input.day, -(i + 1))).filter(
    (day) => day >= keepFrom,
  );
  const summaries: DailySummary[] = [];
  const resummaries = new Map<string, DailySummary[]>(reclosedDays.map((day) => [day, []]));
  const oldItems = new Map<string, CounterItem[]>();
  await forEachLimited(clients, deps.concurrency ?? 8, async (client) => {
    const summary = await closeDay(client, input.day, input.retentionDays, reader, deps.table);
    if (summary) summaries.push(summary);
    for (const day of reclosedDays) {
      const again = await closeDay(client, day, input.retentionDays, reader, deps.table);
      if (again) resummaries.get(day)?.push(again);
    }
    for (const item of await counterItemsThrough(deps.table, client.clientId, lastArchivedDay)) {
      const dt = counterDay(item)!;
      oldItems.set(dt, [...(oldItems.get(dt) ?? []), item]);
    }
  });
  const requests = summaries.reduce((sum, s) => sum + s.requests, 0);
  record(METRIC.activeClients, summaries.length);
  const units = summaries.reduce((sum, s) => sum + (s.units ?? 0), 0);
  record(METRIC.dailyRequests, requests);
  record(METRIC.dailyUnits, units);
  log('day closed', { day: input.day, clients: clients.length, activeClients: summaries.length, requests, units });
  const reclosed = reclosedDays.map((day) => {
    const daySummaries = resummaries.get(day) ?? [];
    return { day, activeClients: daySummaries.length, requests: daySummaries.reduce((sum, s) => sum + s.requests, 0) };
  });
  for (const again of reclosed) log('day re-closed', again);

  // 3. Per old day, oldest first: archive, verify, then delete exactly the archived items.
  const archivedDays: ArchivedDay[] = [];
  for (const dt of [...oldItems.keys()].sort()) {
    const archived = await archiveDay(dt, oldItems.get(dt)!, deps);
    record(METRIC.itemsArchived, archived.newlyArchived);
    record(METRIC.itemsDeleted, archived.deleted);
    log('day archived', { ...archived });
    archivedDays.push(archived);
  }

  // 4. Monthly statements, as of the start of the next day so that a rerun on any later date gives the same files.
  // The month this day settles (its last day is `BILLING.settleDays` old) is written; every closed month whose
  // counters can still change (late events up to the claim retention, journals resumed later) is recomputed,
  // and a difference is recorded as a correction revision (counted in a metric, announced as an event), so a
  // statement and its revisions always add up to the counters.
  const settled = monthSettledBy(input.day);
  const now = new Date(dayStartMs(addDays(input.day, 1)));
  let statement: WrittenStatement | undefined;
  const statements: DailyJobReport['statements'][number][] = [];
  const announced: string[] = [];
  for (const month of monthsStillChanging(input.day)) {
    const written = await writeMonthlyStatement(deps.archive, await buildMonthlyStatement(deps, month, { now }), {
      correction: `usage counted after the month closed (daily job for ${input.day})`,
    });
    if (month === settled) statement = written;
    const revision = written.manifest.corrections?.at(-1)?.revision ?? 1;
    statements.push({ month, outcome: written.outcome, revision });
    log('statement', { month, outcome: written.outcome, status: written.manifest.status, requests: written.manifest.requests, revision });
    if (written.outcome === 'corrected') {
      const correction = written.manifest.corrections?.at(-1);
      record(METRIC.statementCorrections, 1);
      log('closed statement corrected', { month, revision, requestsDelta: correction?.requestsDelta, reason: correction?.reason });
    }
    if (deps.publishCorrections) {
      for (const event of await announceCorrections(deps.archive, written.manifest, deps.publishCorrections)) {
        announced.push(`${event.month} r${event.revision}`);
      }
    }
  }

  return {
    ...(statement ? { statement } : {}),
    statements,
    announced,
    day: input.day,
    retentionDays: input.retentionDays,
    keepFrom,
    clients: clients.length,
    activeClients: summaries.length,
    requests,
    reclosed,
    archivedDays,
    itemsArchived: archivedDays.reduce((sum, d) => sum + d.newlyArchived, 0),
    itemsDeleted: archivedDays.reduce((sum, d) => sum + d.deleted, 0),
  };
}

/** Writes the client's summary of the day when it made any request; a rerun rewrites the same item. */
async function closeDay(
  client: ClientRecord,
  day: string,
  retentionDays: number,
  reader: ReturnType<typeof dynamoUsageReader>,
  table: UsageTable,
): Promise<DailySummary | undefined> {
  const usage = (await reader.readRange(client.clientId, day, day)).days.get(day);
  if (!usage || usage.total.requests === 0) return undefined;
  // Against the quota in force for the client (its override's, else its plan's), as GET /v1/usage reports it.
  const dailyQuota = dailyQuotaInForce(client) ?? 0;
  const summary: DailySummary = {
    clientId: client.clientId,
    day,
    plan: client.plan,
    requests: usage.total.requests,
    units: usage.total.units,
    clientErrors: usage.total.clientErrors,
    serverErrors: usage.total.serverErrors,
    latencySumMs: usage.total.latencySumMs,
    avgLatencyMs: averageLatencyMs(usage.total),
    p95LatencyMs: p95LatencyMs(usage.total),
    dailyQuota,
    percentOfQuota: percentOf(usage.total.requests, dailyQuota),
    routes: Object.fromEntries([...usage.routes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([route, c]) => [route, c.requests])),
  };
  await putDailySummary(table, summary, retentionDays);
  return summary;
}

/**
 * The day's archive holds one row per counter item and archive part. Each table item is first marked
 * with its part (the next one for its key, or the one it already has after an interrupted run), so a
 * late write to an item the job archived and deleted before is added as a new part instead of
 * replacing the archived totals. Unchanged archives are not rewritten; deletes follow only a verified
 * write, and remove an item only while it is still the version that was archived.
 */
async function archiveDay(dt: string, tableItems: readonly CounterItem[], deps: DailyJobDeps): Promise<ArchivedDay> {
  const existing = await readArchive(deps.archive, dt);
  const merged = new Map((existing?.items ?? []).map((item) => [itemId(item), item]));
  const partsOf = new Map<string, number>();
  for (const item of existing?.items ?? []) partsOf.set(keyOf(item), (partsOf.get(keyOf(item)) ?? 0) + 1);

  const marked: CounterItem[] = [];
  for (const item of tableItems) {
    const current = await markForArchive(deps.table, item, `p${partsOf.get(keyOf(item)) ?? 0}`);
    if (current) marked.push(current);
  }
  let newlyArchived = 0;
  for (const item of marked) {
    const before = merged.get(itemId(item));
    if (!before || itemLine(before) !== itemLine(item)) newlyArchived += 1;
    merged.set(itemId(item), item);
  }
  const encoded = encodeArchive(dt, [...merged.values()], deps.partItems);
  if (!existing || newlyArchived > 0) await writeArchive(deps.archive, encoded);
  let deleted = 0;
  for (const item of marked) if (await deleteArchivedItem(deps.table, item)) deleted += 1;
  return {
    dt,
    items: encoded.manifest.itemCount,
    objects: encoded.manifest.objectCount,
    newlyArchived,
    deleted,
    manifestSha256: encoded.manifest.sha256,
  };
}

const keyOf = (item: { pk: string; sk: string }) => `${item.pk}\u0000${item.sk}`;

/** Runs `work` over the items, `limit` at a time; after a failure no new item starts. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await work(items[next++]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
