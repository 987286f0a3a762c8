// The daily job as a use case: close one UTC day (per-client summaries, metrics), then move counter
// items older than the retention to the S3 archive and delete them from the table. Every step is
// idempotent, so a rerun, or a run after a crash at any point, ends in the same state.
import { METRIC } from '../../contracts/metrics';
import { isPlanName, PLANS } from '../../contracts/plans';
import { listClients, type ClientRecord } from '../shared/client-store';
import { addDays } from '../shared/calendar-days';
import { dynamoUsageReader, type UsageTable } from '../shared/usage-reader';
import { averageLatencyMs, p95LatencyMs, percentOf } from '../shared/usage-stats';
import { encodeArchive, itemId, itemLine, readArchive, writeArchive, type CounterArchive } from './counter-archive';
import { counterDay, counterItemsThrough, deleteItems, type CounterItem, type DeleteOptions } from './counter-store';
import { putDailySummary, type DailySummary } from './summary-store';

export type JobMetric =
  | typeof METRIC.activeClients
  | typeof METRIC.dailyRequests
  | typeof METRIC.itemsArchived
  | typeof METRIC.itemsDeleted
  | typeof METRIC.malformedClientRecords;

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
  readonly deleteOptions?: DeleteOptions;
}

export interface DailyJobInput {
  /** The closed UTC day, `YYYY-MM-DD`. */
  readonly day: string;
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
  readonly archivedDays: readonly ArchivedDay[];
  readonly itemsArchived: number;
  readonly itemsDeleted: number;
}

export async function runDailyJob(input: DailyJobInput, deps: DailyJobDeps): Promise<DailyJobReport> {
  const record = deps.recordMetric ?? (() => undefined);
  const log = deps.log ?? (() => undefined);
  const keepFrom = addDays(input.day, -(input.retentionDays - 1));
  const lastArchivedDay = addDays(keepFrom, -1);
  const reader = dynamoUsageReader(deps.table);

  // 1. Clients from the registry (a Query on its partition); revoked clients may still have usage.
  // A malformed client record is skipped (logged and counted), so one bad item cannot stop the job.
  let malformedClients = 0;
  const clients = await listClients(deps.table, (bad) => {
    malformedClients++;
    log('malformed client record skipped', { record: bad });
  });
  if (malformedClients > 0) record(METRIC.malformedClientRecords, malformedClients);

  // 2. Per client: the closed day's summary, and the counter items that have left the retention window.
  const summaries: DailySummary[] = [];
  const oldItems = new Map<string, CounterItem[]>();
  await forEachLimited(clients, deps.concurrency ?? 8, async (client) => {
    const summary = await closeDay(client, input, reader, deps.table);
    if (summary) summaries.push(summary);
    for (const item of await counterItemsThrough(deps.table, client.clientId, lastArchivedDay)) {
      const dt = counterDay(item)!;
      oldItems.set(dt, [...(oldItems.get(dt) ?? []), item]);
    }
  });
  const requests = summaries.reduce((sum, s) => sum + s.requests, 0);
  record(METRIC.activeClients, summaries.length);
  record(METRIC.dailyRequests, requests);
  log('day closed', { day: input.day, clients: clients.length, activeClients: summaries.length, requests });

  // 3. Per old day, oldest first: archive, verify, then delete exactly the archived items.
  const archivedDays: ArchivedDay[] = [];
  for (const dt of [...oldItems.keys()].sort()) {
    const archived = await archiveDay(dt, oldItems.get(dt)!, deps);
    record(METRIC.itemsArchived, archived.newlyArchived);
    record(METRIC.itemsDeleted, archived.deleted);
    log('day archived', { ...archived });
    archivedDays.push(archived);
  }

  return {
    day: input.day,
    retentionDays: input.retentionDays,
    keepFrom,
    clients: clients.length,
    activeClients: summaries.length,
    requests,
    archivedDays,
    itemsArchived: archivedDays.reduce((sum, d) => sum + d.newlyArchived, 0),
    itemsDeleted: archivedDays.reduce((sum, d) => sum + d.deleted, 0),
  };
}

/** Writes the client's summary of the day when it made any request; a rerun rewrites the same item. */
async function closeDay(
  client: ClientRecord,
  input: DailyJobInput,
  reader: ReturnType<typeof dynamoUsageReader>,
  table: UsageTable,
): Promise<DailySummary | undefined> {
  const usage = (await reader.readRange(client.clientId, input.day, input.day)).days.get(input.day);
  if (!usage || usage.total.requests === 0) return undefined;
  const dailyQuota = isPlanName(client.plan) ? PLANS[client.plan].dailyQuota : 0;
  const summary: DailySummary = {
    clientId: client.clientId,
    day: input.day,
    plan: client.plan,
    requests: usage.total.requests,
    clientErrors: usage.total.clientErrors,
    serverErrors: usage.total.serverErrors,
    latencySumMs: usage.total.latencySumMs,
    avgLatencyMs: averageLatencyMs(usage.total),
    p95LatencyMs: p95LatencyMs(usage.total),
    dailyQuota,
    percentOfQuota: percentOf(usage.total.requests, dailyQuota),
    routes: Object.fromEntries([...usage.routes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([route, c]) => [route, c.requests])),
  };
  await putDailySummary(table, summary, input.retentionDays);
  return summary;
}

/**
 * The day's archive is everything an earlier run archived plus what the table still holds (the
 * table's copy wins: it can only have grown). Unchanged archives are not rewritten; deletes follow
 * only a verified write, and remove only items whose archived copy equals what was read.
 */
async function archiveDay(dt: string, tableItems: readonly CounterItem[], deps: DailyJobDeps): Promise<ArchivedDay> {
  const existing = await readArchive(deps.archive, dt);
  const merged = new Map((existing?.items ?? []).map((item) => [itemId(item), item]));
  let newlyArchived = 0;
  for (const item of tableItems) {
    const before = merged.get(itemId(item));
    if (!before || itemLine(before) !== itemLine(item)) newlyArchived += 1;
    merged.set(itemId(item), item);
  }
  const encoded = encodeArchive(dt, [...merged.values()], deps.partItems);
  if (!existing || newlyArchived > 0) await writeArchive(deps.archive, encoded);
  const deleted = await deleteItems(
    deps.table,
    tableItems.map(({ pk, sk }) => ({ pk, sk })),
    deps.deleteOptions,
  );
  return {
    dt,
    items: encoded.manifest.itemCount,
    objects: encoded.manifest.objectCount,
    newlyArchived,
    deleted,
    manifestSha256: encoded.manifest.sha256,
  };
}

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
