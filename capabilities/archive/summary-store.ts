// Per-client daily summaries the job writes for each closed day: one partition per day, so
// "who used the API on D, how much" is one Query (`pk = SUMMARY#<day>`).
import { queryPages } from '../aws/query-pages';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DailySummary } from './daily-summary';
import { compiledRecord } from '../records/compiled-record';
import * as compiledDailySummary from '../records/validators/daily-summary';
import { DAY_MS, dayStartMs } from '../usage/calendar-days';
import type { UsageTable } from '../usage/usage-reader';
import { itemKey } from '../../contracts/table';

/** A summary's key: the catalogue's (contracts/table.ts), so its grants follow its family. */
export const summaryKey = itemKey.daySummary;

export type { DailySummary } from './daily-summary';
/** The summary's zod schema (daily-summary.ts), compiled at build time: the daily job carries no zod. */
const dailySummary = compiledRecord<DailySummary>(compiledDailySummary, 'daily summary');

/** Writes (or rewrites, identically) one summary; it expires with the counters it summarizes. */
export async function putDailySummary(table: UsageTable, summary: DailySummary, retentionDays: number): Promise<void> {
  const expiresAt = Math.floor((dayStartMs(summary.day) + (retentionDays + 1) * DAY_MS) / 1000);
  await table.db.send(
    new PutCommand({
      TableName: table.tableName,
      Item: { ...summaryKey(summary.day, summary.clientId), ...summary, expiresAt },
    }),
  );
}

export async function listDailySummaries(table: UsageTable, day: string): Promise<DailySummary[]> {
  const summaries: DailySummary[] = [];
  for await (const page of queryPages(table.db, {
    TableName: table.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': summaryKey(day, '').pk },
  })) {
    summaries.push(...(page.Items ?? []).map((item) => dailySummary.parse(item)));
  }
  return summaries;
}
