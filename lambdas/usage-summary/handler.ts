// GET /v1/usage (default class): the caller's usage over a period, against its plan's limits.
import { createHttpHandler } from '../shared/http-handler';
import { dynamo, resources } from '../shared/clients';
import { utcDay } from '../shared/calendar-days';
import { dynamoUsageReader } from '../shared/usage-reader';
import { usageSummary } from './usage-summary';
import type { UsageSummaryQuery } from './schemas';

const reader = dynamoUsageReader({ db: dynamo(), tableName: resources.tableName });

export const handler = createHttpHandler<UsageSummaryQuery>('usage-summary', async ({ query, clientId, plan, now }) => ({
  body: await usageSummary({ clientId, plan, query, today: utcDay(now) }, reader),
}));
